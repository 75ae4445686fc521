import { Construct } from "constructs";
import type { DataConfluentSchemaRegistryCluster } from "../.gen/providers/confluent/data-confluent-schema-registry-cluster";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { KafkaTopic } from "../.gen/providers/confluent/kafka-topic";
import { Schema } from "../.gen/providers/confluent/schema";
import { valueSubject } from "../filters/topic-scopes";
import { sinkValueSchema } from "../flink-sql/sink-schema";
import type { RetainedTopic } from "../lock/retired-topics";
import { topicConfig } from "../stages/config";
import { type CapturedTable, type DeclaredColumn, qualifiedName } from "../stages/tables";
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
  /**
   * Each captured table with its raw topic's value schema (flink-sql/sink-schema.ts rawValueSchema), registered
   * before any statement starts.
   */
  readonly raws: ReadonlyArray<{ readonly source: CapturedTable; readonly valueSchema: string }>;
  readonly raw: TopicSizing;
  readonly consumer: TopicSizing;
  /** The deployed filters: one topic and value schema each, with the columns they route. */
  readonly filters: ReadonlyArray<{
    readonly name: string;
    readonly outputTopic: string;
    readonly columns: readonly DeclaredColumn[];
  }>;
  /**
   * Topics of removed filters kept declared, with their value schemas, under the same resource ids as before.
   * @default - none: a removed filter's topic is no longer declared
   */
  readonly retainedTopics?: readonly RetainedTopic[];
  /**
   * prevent_destroy: removing a filter in this stage makes the plan fail instead of deleting its topic.
   * @default true - protected: a topic holds data (aws-cdk's default for stateful resources is to retain them)
   */
  readonly protectFromDestroy?: boolean;
}

/**
 * Resource ids of a captured table's raw topic and value schema. public.business_events, the one table stages
 * captured before several were possible, keeps the ids it was deployed with, so its topic is never replaced.
 */
export function rawResourceIds(source: CapturedTable): { topic: string; schema: string } {
  if (qualifiedName(source) === "public.business_events") return { topic: "raw", schema: "schema-raw" };
  const id = `raw-${source.schema}-${source.table}`;
  return { topic: id, schema: `schema-${id}` };
}

/**
 * One raw topic per captured table and one topic per deployed filter, declared (never auto-created), with registered value schemas:
 * Confluent Cloud infers each Flink table from these, so they must exist before any statement starts.
 */
export class RoutingTopics extends Construct {
  /** Raw topics and their value schemas, by topic name. */
  readonly rawTopics = new Map<string, KafkaTopic>();
  readonly rawSchemas = new Map<string, Schema>();
  readonly consumerTopics = new Map<string, KafkaTopic>();
  readonly sinkSchemas: Schema[] = [];

  constructor(scope: Construct, id: string, props: RoutingTopicsProps) {
    super(scope, id);
    const lifecycle = (props.protectFromDestroy ?? true) ? { preventDestroy: true } : undefined;
    // Read once for every topic and schema: each read of a resource's attribute is a new token, which synth resolves
    // on its own (at 400 filters, some 1,600 resolutions of the same four references per stage).
    const cluster = { id: props.cluster.id, restEndpoint: props.cluster.restEndpoint };
    const registry = { id: props.schemaRegistry.id, restEndpoint: props.schemaRegistry.restEndpoint };
    const topic = (tfId: string, name: string, sizing: TopicSizing) =>
      new KafkaTopic(this, tfId, {
        topicName: name,
        partitionsCount: sizing.partitions,
        config: topicConfig(sizing.retentionMs),
        kafkaCluster: { id: cluster.id },
        restEndpoint: cluster.restEndpoint,
        credentials: props.kafkaCredentials,
        lifecycle,
      });
    const valueSchema = (tfId: string, topicName: string, schema: string) =>
      new Schema(this, tfId, {
        subjectName: valueSubject(topicName),
        format: "JSON",
        schema,
        schemaRegistryCluster: { id: registry.id },
        restEndpoint: registry.restEndpoint,
        credentials: props.schemaRegistryCredentials,
      });
    for (const { source, valueSchema: schema } of props.raws) {
      const ids = rawResourceIds(source);
      this.rawTopics.set(source.rawTopic, topic(ids.topic, source.rawTopic, props.raw));
      this.rawSchemas.set(source.rawTopic, valueSchema(ids.schema, source.rawTopic, schema));
    }
    for (const { filter, topic: name, columns } of props.retainedTopics ?? []) {
      topic(`topic-${filter}`, name, props.consumer);
      // Its data was written with this schema; the consumer draining it and the kept stopped statement read it.
      if (columns) valueSchema(`schema-${filter}`, name, sinkValueSchema(name, columns));
    }
    for (const f of props.filters) {
      this.consumerTopics.set(f.name, topic(`topic-${f.name}`, f.outputTopic, props.consumer));
      this.sinkSchemas.push(valueSchema(`schema-${f.name}`, f.outputTopic, sinkValueSchema(f.outputTopic, f.columns)));
    }
  }
}
