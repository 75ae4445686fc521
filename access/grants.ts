/**
 * Who may do what: the RBAC/ACL matrix of the pipeline as data. Pure, so the matrix is tested directly and the
 * identity construct only renders it (as ACLs on Basic clusters, role bindings elsewhere).
 */
import type { Filter } from "../filters/model";

export type PrincipalKey = "connector" | "flink" | `consumer:${string}`;

export interface KafkaGrant {
  principal: PrincipalKey;
  resource: "cluster" | "topic" | "group" | "transactional-id";
  /** Topic/group name or prefix; "kafka-cluster" for the cluster resource. */
  name: string;
  pattern: "LITERAL" | "PREFIXED";
  /** ACL operations on Basic clusters. */
  aclOperations: Array<"READ" | "WRITE" | "DESCRIBE" | "CREATE">;
  /** Role on Standard and above; undefined where no role binding is needed (cluster DESCRIBE). */
  role?: "DeveloperRead" | "DeveloperWrite" | "DeveloperManage";
}

export interface SchemaGrant {
  principal: PrincipalKey;
  subject: string;
  role: "DeveloperRead" | "DeveloperWrite";
}

export interface AccessPlan {
  consumers: string[];
  kafka: KafkaGrant[];
  schemas: SchemaGrant[];
}

/** Flink's internal consumer groups and transactional ids start with this (Confluent Cloud). */
export const FLINK_INTERNAL_PREFIX = "_confluent-flink_";

export const valueSubject = (topic: string): string => `${topic}-value`;
export const consumerGroupPrefix = (consumer: string): string => `${consumer}-`;
export const consumerGroup = (consumer: string): string => `${consumer}-consumer-group`;

/** Output topics each consumer reads, consumers in first-seen order. */
export function topicsByConsumer(filters: readonly Filter[]): Map<string, string[]> {
  const byConsumer = new Map<string, string[]>();
  for (const f of filters) byConsumer.set(f.consumer, [...(byConsumer.get(f.consumer) ?? []), f.outputTopic]);
  return byConsumer;
}

/** Least privilege for the deployed filters: connector writes raw; Flink reads raw and writes sinks; consumers read their own. */
export function accessPlan(sourceTopic: string, filters: readonly Filter[]): AccessPlan {
  const kafka: KafkaGrant[] = [
    { principal: "connector", resource: "cluster", name: "kafka-cluster", pattern: "LITERAL", aclOperations: ["DESCRIBE"] },
    { principal: "connector", resource: "topic", name: sourceTopic, pattern: "LITERAL", aclOperations: ["WRITE", "DESCRIBE"], role: "DeveloperWrite" },
    { principal: "flink", resource: "topic", name: sourceTopic, pattern: "LITERAL", aclOperations: ["READ", "DESCRIBE"], role: "DeveloperRead" },
    { principal: "flink", resource: "group", name: FLINK_INTERNAL_PREFIX, pattern: "PREFIXED", aclOperations: ["READ"], role: "DeveloperManage" },
    { principal: "flink", resource: "transactional-id", name: FLINK_INTERNAL_PREFIX, pattern: "PREFIXED", aclOperations: ["WRITE", "DESCRIBE"], role: "DeveloperWrite" },
  ];
  // Only value subjects: every key in the pipeline is schemaless (connectors/postgres-cdc.ts, output.key.format).
  const schemas: SchemaGrant[] = [
    { principal: "connector", subject: valueSubject(sourceTopic), role: "DeveloperWrite" },
    { principal: "flink", subject: valueSubject(sourceTopic), role: "DeveloperRead" },
  ];
  const consumers: string[] = [];
  for (const f of filters) {
    kafka.push({ principal: "flink", resource: "topic", name: f.outputTopic, pattern: "LITERAL", aclOperations: ["WRITE", "DESCRIBE"], role: "DeveloperWrite" });
    schemas.push({ principal: "flink", subject: valueSubject(f.outputTopic), role: "DeveloperWrite" });
    const who: PrincipalKey = `consumer:${f.consumer}`;
    kafka.push({ principal: who, resource: "topic", name: f.outputTopic, pattern: "LITERAL", aclOperations: ["READ", "DESCRIBE"], role: "DeveloperRead" });
    schemas.push({ principal: who, subject: valueSubject(f.outputTopic), role: "DeveloperRead" });
    if (!consumers.includes(f.consumer)) {
      consumers.push(f.consumer);
      kafka.push({ principal: who, resource: "group", name: consumerGroupPrefix(f.consumer), pattern: "PREFIXED", aclOperations: ["READ"], role: "DeveloperRead" });
    }
  }
  // Every statement needs DeveloperRead as well as DeveloperWrite on its transactional ids ("Grant Role-Based
  // Access in Confluent Cloud for Apache Flink", https://docs.confluent.io/cloud/current/flink/operate-and-deploy/flink-rbac.html).
  // Last, so the index-based ids of the grants before it (deployed resources) do not shift.
  kafka.push({ principal: "flink", resource: "transactional-id", name: FLINK_INTERNAL_PREFIX, pattern: "PREFIXED", aclOperations: [], role: "DeveloperRead" });
  return { consumers, kafka, schemas };
}
