import { Construct } from "constructs";
import type { DataConfluentSchemaRegistryCluster } from "../.gen/providers/confluent/data-confluent-schema-registry-cluster";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { KafkaTopic } from "../.gen/providers/confluent/kafka-topic";
import { Schema } from "../.gen/providers/confluent/schema";
import type { Filter } from "../filters/model";
import { valueSubject } from "../filters/topic-scopes";
import { sinkValueSchema } from "../flink-sql/sink-schema";
import { topicConfig } from "../stages/config";
import type { ApiCredentials } from "./identity";

export interface TopicSizing {
  readonly partitions: number;
  readonly retentionMs: number;
}

export interface RoutingTopicsProps {
  readonly cluster: KafkaCluster;
  readonly schemaRegistry: DataConfluentSchemaRegistryCluster;
  /** The key topics are managed with (the manager's). */
  readonly kafkaCredentials: ApiCredentials;
  /** The key schemas are registered with (the manager's). */
  readonly schemaRegistryCredentials: ApiCredentials;
  readonly rawTopic: string;
  /** Value schema of the raw topic (flink-sql/sink-schema.ts rawValueSchema), registered before any statement. */
  readonly rawValueSchema: string;
  readonly raw: TopicSizing;
  readonly consumer: TopicSizing;
  /** The deployed filters: one topic and value schema each. */
  readonly filters: readonly Filter[];
  /**
   * Topics of removed filters kept declared (filter name -> topic), under the same resource ids as before.
   * @default - none: a removed filter's topic is no longer declared
   */
  readonly retainedTopics?: ReadonlyMap<string, string>;
  /**
   * prevent_destroy: removing a filter in this stage makes the plan fail instead of deleting its topic.
   * @default true - protected: a topic holds data (aws-cdk's default for stateful resources is to retain them)
   */
  readonly protectFromDestroy?: boolean;
}

/**
 * The raw topic and one topic per deployed filter, declared (never auto-created), with registered value schemas:
 * Confluent Cloud infers each Flink table from these, so they must exist before any statement starts.
 */
export class RoutingTopics extends Construct {
  readonly raw: KafkaTopic;
  readonly rawSchema: Schema;
  readonly consumerTopics = new Map<string, KafkaTopic>();
  readonly sinkSchemas: Schema[] = [];

  constructor(scope: Construct, id: string, props: RoutingTopicsProps) {
    super(scope, id);
    const lifecycle = (props.protectFromDestroy ?? true) ? { preventDestroy: true } : undefined;
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
    const valueSchema = (tfId: string, topicName: string, schema: string) =>
      new Schema(this, tfId, {
        subjectName: valueSubject(topicName),
        format: "JSON",
        schema,
        schemaRegistryCluster: { id: props.schemaRegistry.id },
        restEndpoint: props.schemaRegistry.restEndpoint,
        credentials: props.schemaRegistryCredentials,
      });
    this.raw = topic("raw", props.rawTopic, props.raw);
    this.rawSchema = valueSchema("schema-raw", props.rawTopic, props.rawValueSchema);
    for (const [filter, name] of props.retainedTopics ?? []) topic(`topic-${filter}`, name, props.consumer);
    for (const f of props.filters) {
      this.consumerTopics.set(f.name, topic(`topic-${f.name}`, f.outputTopic, props.consumer));
      this.sinkSchemas.push(valueSchema(`schema-${f.name}`, f.outputTopic, sinkValueSchema(f.outputTopic, f.columns)));
    }
  }
}
