import { Construct } from "constructs";
import { KafkaTopic } from "../.gen/providers/confluent/kafka-topic";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { Schema } from "../.gen/providers/confluent/schema";
import type { DataConfluentSchemaRegistryCluster } from "../.gen/providers/confluent/data-confluent-schema-registry-cluster";
import { valueSubject } from "../access/grants";
import type { Filter } from "../filters/model";
import { sinkValueSchema } from "../flink-sql/sink-schema";
import { topicConfig } from "../stages/config";
import type { ApiCredentials } from "./identity";

export interface TopicSizing {
  partitions: number;
  retentionMs: number;
}

export interface RoutingTopicsProps {
  cluster: KafkaCluster;
  schemaRegistry: DataConfluentSchemaRegistryCluster;
  kafkaCredentials: ApiCredentials;
  schemaRegistryCredentials: ApiCredentials;
  rawTopic: string;
  raw: TopicSizing;
  consumer: TopicSizing;
  filters: readonly Filter[];
  /** Topics of removed filters kept declared (filter name -> topic), under the same resource ids as before. */
  retainedTopics: ReadonlyMap<string, string>;
  /** prevent_destroy: removing a filter in this stage makes the plan fail instead of deleting its topic. */
  protectFromDestroy: boolean;
}

/** The raw topic and one topic per deployed filter, declared (never auto-created), with registered value schemas. */
export class RoutingTopics extends Construct {
  readonly raw: KafkaTopic;
  readonly consumerTopics = new Map<string, KafkaTopic>();
  readonly sinkSchemas: Schema[] = [];

  constructor(scope: Construct, id: string, props: RoutingTopicsProps) {
    super(scope, id);
    const lifecycle = props.protectFromDestroy ? { preventDestroy: true } : undefined;
    const topic = (tfId: string, name: string, sizing: TopicSizing) =>
      new KafkaTopic(this, tfId, {
        topicName: name,
        partitionsCount: sizing.partitions,
        config: topicConfig(sizing.retentionMs),
        kafkaCluster: { id: props.cluster.id },
        restEndpoint: props.cluster.restEndpoint,
        credentials: props.kafkaCredentials,
        lifecycle,
      });
    this.raw = topic("raw", props.rawTopic, props.raw);
    for (const [filter, name] of props.retainedTopics) topic(`topic-${filter}`, name, props.consumer);
    for (const f of props.filters) {
      this.consumerTopics.set(f.name, topic(`topic-${f.name}`, f.outputTopic, props.consumer));
      this.sinkSchemas.push(
        new Schema(this, `schema-${f.name}`, {
          subjectName: valueSubject(f.outputTopic),
          format: "JSON",
          schema: sinkValueSchema(f.outputTopic, f.columns),
          schemaRegistryCluster: { id: props.schemaRegistry.id },
          restEndpoint: props.schemaRegistry.restEndpoint,
          credentials: props.schemaRegistryCredentials,
        }),
      );
    }
  }
}
