/**
 * Who may do what: the RBAC/ACL matrix of the pipeline as data. Pure, so the matrix is tested directly and the
 * identity construct only renders it (as ACLs on Basic clusters, role bindings elsewhere).
 *
 * Grants are per consumer where the names allow it: a consumer's topics are granted as one literal topic (a
 * consumer with one topic), as the prefix all its topics share when no other declared topic or subject starts with
 * it (PREFIXED ACLs; role bindings on `topic=<prefix>*` and `subject=<prefix>*`), or else topic by topic
 * (filters/topic-scopes.ts consumerScopes, which also warns of the last case).
 */
import { type FilterSet, filtersForStage, sourcesForStage } from "../filters/model";
import { consumerScopes, covers, type Pattern, topicsByConsumer, valueSubject } from "../filters/topic-scopes";
import { getOrThrow } from "../lib/maps";

export type PrincipalKey = "connector" | "flink" | `consumer:${string}`;

export interface KafkaGrant {
  principal: PrincipalKey;
  resource: "cluster" | "topic" | "group" | "transactional-id";
  /** Topic/group name or prefix; "kafka-cluster" for the cluster resource. */
  name: string;
  pattern: Pattern;
  /** ACL operations on Basic clusters. */
  aclOperations: Array<"READ" | "WRITE" | "DESCRIBE" | "CREATE">;
  /** Role on Standard and above; undefined where no role binding is needed (cluster DESCRIBE). */
  role?: "DeveloperRead" | "DeveloperWrite" | "DeveloperManage";
}

export interface SchemaGrant {
  principal: PrincipalKey;
  /** Subject name or prefix. */
  subject: string;
  pattern: Pattern;
  role: "DeveloperRead" | "DeveloperWrite";
}

export interface AccessPlan {
  consumers: string[];
  kafka: KafkaGrant[];
  schemas: SchemaGrant[];
}

/** Flink's internal consumer groups and transactional ids start with this (Confluent Cloud). */
export const FLINK_INTERNAL_PREFIX = "_confluent-flink_";

export const consumerGroupPrefix = (consumer: string): string => `${consumer}-`;
export const consumerGroup = (consumer: string): string => `${consumer}-consumer-group`;

/**
 * Least privilege for a stage: connector writes raw; Flink reads raw and writes each consumer's topics; consumers read
 * their own.
 */
export function accessPlan(
  set: FilterSet,
  stage: string,
  retained: ReadonlyArray<{ topic: string; consumer?: string }> = [],
): AccessPlan {
  const rawTopics = sourcesForStage(set, stage).map((s) => s.rawTopic);
  const kafka: KafkaGrant[] = [
    {
      principal: "connector",
      resource: "cluster",
      name: "kafka-cluster",
      pattern: "LITERAL",
      aclOperations: ["DESCRIBE"],
    },
    // Each raw topic literally: the connector writes exactly the captured tables' topics, Flink reads them.
    ...rawTopics.flatMap((topic): KafkaGrant[] => [
      {
        principal: "connector",
        resource: "topic",
        name: topic,
        pattern: "LITERAL",
        aclOperations: ["WRITE", "DESCRIBE"],
        role: "DeveloperWrite",
      },
      {
        principal: "flink",
        resource: "topic",
        name: topic,
        pattern: "LITERAL",
        aclOperations: ["READ", "DESCRIBE"],
        role: "DeveloperRead",
      },
    ]),
    {
      principal: "flink",
      resource: "group",
      name: FLINK_INTERNAL_PREFIX,
      pattern: "PREFIXED",
      aclOperations: ["READ"],
      role: "DeveloperManage",
    },
    // Every statement needs DeveloperRead as well as DeveloperWrite on its transactional ids ("Grant Role-Based
    // Access in Confluent Cloud for Apache Flink",
    // https://docs.confluent.io/cloud/current/flink/operate-and-deploy/flink-rbac.html).
    {
      principal: "flink",
      resource: "transactional-id",
      name: FLINK_INTERNAL_PREFIX,
      pattern: "PREFIXED",
      aclOperations: ["WRITE", "DESCRIBE"],
      role: "DeveloperWrite",
    },
    {
      principal: "flink",
      resource: "transactional-id",
      name: FLINK_INTERNAL_PREFIX,
      pattern: "PREFIXED",
      aclOperations: [],
      role: "DeveloperRead",
    },
  ];
  // Only value subjects: every key in the pipeline is schemaless (connectors/postgres-cdc.ts, output.key.format).
  const schemas: SchemaGrant[] = rawTopics.flatMap((topic): SchemaGrant[] => [
    { principal: "connector", subject: valueSubject(topic), pattern: "LITERAL", role: "DeveloperWrite" },
    { principal: "flink", subject: valueSubject(topic), pattern: "LITERAL", role: "DeveloperRead" },
  ]);
  const scopes = consumerScopes(set.filters, [...set.sources.keys()]);
  const consumers = [...topicsByConsumer(filtersForStage(set, stage)).keys()];
  for (const consumer of consumers) {
    const who: PrincipalKey = `consumer:${consumer}`;
    for (const scope of getOrThrow(scopes, consumer)) {
      const subject = scope.pattern === "LITERAL" ? valueSubject(scope.name) : scope.name;
      kafka.push(
        {
          principal: "flink",
          resource: "topic",
          name: scope.name,
          pattern: scope.pattern,
          aclOperations: ["WRITE", "DESCRIBE"],
          role: "DeveloperWrite",
        },
        {
          principal: who,
          resource: "topic",
          name: scope.name,
          pattern: scope.pattern,
          aclOperations: ["READ", "DESCRIBE"],
          role: "DeveloperRead",
        },
      );
      schemas.push(
        { principal: "flink", subject, pattern: scope.pattern, role: "DeveloperWrite" },
        { principal: who, subject, pattern: scope.pattern, role: "DeveloperRead" },
      );
    }
    // A retained topic of this consumer (protected stages keep removed filters' topics) stays readable so it can be
    // drained, whether or not its name is under the consumer's prefix.
    const scoped = getOrThrow(scopes, consumer);
    for (const { topic } of retained.filter((r) => r.consumer === consumer)) {
      if (scoped.some((s) => covers(s, topic))) continue;
      kafka.push({
        principal: who,
        resource: "topic",
        name: topic,
        pattern: "LITERAL",
        aclOperations: ["READ", "DESCRIBE"],
        role: "DeveloperRead",
      });
      schemas.push({ principal: who, subject: valueSubject(topic), pattern: "LITERAL", role: "DeveloperRead" });
    }
    kafka.push({
      principal: who,
      resource: "group",
      name: consumerGroupPrefix(consumer),
      pattern: "PREFIXED",
      aclOperations: ["READ"],
      role: "DeveloperRead",
    });
  }
  return { consumers, kafka, schemas };
}

/**
 * A grant's construct id: principal, role and what it covers, never its position, so adding a filter renames nothing.
 */
export function grantId(
  principal: PrincipalKey,
  role: string,
  resource: string,
  name: string,
  pattern: Pattern,
): string {
  return `${principal.replace(":", "-")}-${role}-${resource}-${name}${pattern === "PREFIXED" ? "*" : ""}`;
}
