/**
 * Who may do what: the RBAC/ACL matrix of the pipeline as data. Pure, so the matrix is tested directly and the
 * identity construct only renders it (as ACLs on Basic clusters, role bindings elsewhere).
 *
 * Grants are per consumer, not per topic: a consumer's topics are granted as one literal topic (a consumer with
 * one topic) or as the prefix all its topics share (PREFIXED ACLs; role bindings on `topic=<prefix>*` and
 * `subject=<prefix>*`). Safe only under the naming rule that `scopeProblems` checks: no other topic the stack
 * declares starts with a consumer's prefix.
 */
import { filtersForStage, type Filter, type FilterSet } from "../filters/model";

export type PrincipalKey = "connector" | "flink" | `consumer:${string}`;
export type Pattern = "LITERAL" | "PREFIXED";

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

/** The topics a consumer is granted: one topic literally, or every topic starting with a prefix. */
export interface TopicScope {
  name: string;
  pattern: Pattern;
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

const SEPARATORS = new Set([".", "-", "_"]);

/**
 * One topic: that topic, literally. Several: their longest common prefix, cut back to just after its last
 * separator ('.', '-', '_'), so the prefix names a namespace (`loans.`) rather than a few letters (`loans.c`)
 * and does not move when a topic is added. Undefined when the topics share no such prefix.
 */
export function topicScope(topics: readonly string[]): TopicScope | undefined {
  if (topics.length === 1) return { name: topics[0], pattern: "LITERAL" };
  let common = topics[0] ?? "";
  for (const t of topics) while (!t.startsWith(common)) common = common.slice(0, -1);
  let end = common.length;
  while (end > 0 && !SEPARATORS.has(common[end - 1])) end--;
  return end > 0 ? { name: common.slice(0, end), pattern: "PREFIXED" } : undefined;
}

export const covers = (scope: TopicScope, name: string): boolean => (scope.pattern === "PREFIXED" ? name.startsWith(scope.name) : name === scope.name);

/** Each consumer's topic scope from every filter of the file (any stage, enabled or not): the same in every stage, and unchanged when a filter is enabled. */
export function consumerScopes(filters: readonly Filter[]): Map<string, TopicScope | undefined> {
  return new Map([...topicsByConsumer(filters)].map(([consumer, topics]) => [consumer, topicScope(topics)]));
}

export interface ScopeProblem {
  /** The topic to point at (a filter's output topic). */
  topic: string;
  message: string;
  hint: string;
}

/**
 * The naming rule that keeps prefixed grants safe: a consumer with several topics names them with a common
 * prefix that no other topic the stack declares starts with (nor that topic's value subject). `otherTopics` are
 * the stack's topics that belong to no consumer (topic -> what it is): the raw topic.
 */
export function scopeProblems(filters: readonly Filter[], otherTopics: ReadonlyMap<string, string>): ScopeProblem[] {
  const problems: ScopeProblem[] = [];
  const owners = new Map(otherTopics);
  for (const f of filters) owners.set(f.outputTopic, `consumer ${f.consumer}'s topic (filter ${f.name})`);
  const byConsumer = topicsByConsumer(filters);
  for (const [consumer, scope] of consumerScopes(filters)) {
    const topics = byConsumer.get(consumer) as string[];
    const example = `${consumer}.`;
    if (!scope) {
      // The prefix of all topics is the shortest one any topic shares with the first: that topic is the culprit.
      const apart = topics.slice(1).find((t) => !topicScope([topics[0], t])) as string;
      problems.push({
        topic: apart,
        message: `consumer ${consumer}'s topics '${topics[0]}' and '${apart}' share no prefix ending in '.', '-' or '_', so one grant cannot cover all of ${consumer}'s topics`,
        hint: `name all of ${consumer}'s topics with one prefix that ends in '.', '-' or '_' and that no other topic starts with, e.g. '${example}<name>'`,
      });
      continue;
    }
    if (scope.pattern === "LITERAL") continue;
    for (const [topic, owner] of owners) {
      if (topics.includes(topic) || !(covers(scope, topic) || covers(scope, valueSubject(topic)))) continue;
      problems.push({
        topic: topics[0],
        message: `consumer ${consumer}'s topics share the prefix '${scope.name}', and so does '${topic}' (${owner}): a grant on '${scope.name}*' would let ${consumer} read it`,
        hint: `give ${consumer}'s topics a prefix no other topic starts with, e.g. '${example}<name>'`,
      });
    }
  }
  return problems;
}

/** Least privilege for a stage: connector writes raw; Flink reads raw and writes each consumer's topics; consumers read their own. */
export function accessPlan(set: FilterSet, stage: string): AccessPlan {
  const { sourceTopic } = set;
  const kafka: KafkaGrant[] = [
    { principal: "connector", resource: "cluster", name: "kafka-cluster", pattern: "LITERAL", aclOperations: ["DESCRIBE"] },
    { principal: "connector", resource: "topic", name: sourceTopic, pattern: "LITERAL", aclOperations: ["WRITE", "DESCRIBE"], role: "DeveloperWrite" },
    { principal: "flink", resource: "topic", name: sourceTopic, pattern: "LITERAL", aclOperations: ["READ", "DESCRIBE"], role: "DeveloperRead" },
    { principal: "flink", resource: "group", name: FLINK_INTERNAL_PREFIX, pattern: "PREFIXED", aclOperations: ["READ"], role: "DeveloperManage" },
    // Every statement needs DeveloperRead as well as DeveloperWrite on its transactional ids ("Grant Role-Based
    // Access in Confluent Cloud for Apache Flink", https://docs.confluent.io/cloud/current/flink/operate-and-deploy/flink-rbac.html).
    { principal: "flink", resource: "transactional-id", name: FLINK_INTERNAL_PREFIX, pattern: "PREFIXED", aclOperations: ["WRITE", "DESCRIBE"], role: "DeveloperWrite" },
    { principal: "flink", resource: "transactional-id", name: FLINK_INTERNAL_PREFIX, pattern: "PREFIXED", aclOperations: [], role: "DeveloperRead" },
  ];
  // Only value subjects: every key in the pipeline is schemaless (connectors/postgres-cdc.ts, output.key.format).
  const schemas: SchemaGrant[] = [
    { principal: "connector", subject: valueSubject(sourceTopic), pattern: "LITERAL", role: "DeveloperWrite" },
    { principal: "flink", subject: valueSubject(sourceTopic), pattern: "LITERAL", role: "DeveloperRead" },
  ];
  const scopes = consumerScopes(set.filters);
  const consumers = [...topicsByConsumer(filtersForStage(set, stage)).keys()];
  for (const consumer of consumers) {
    const scope = scopes.get(consumer);
    // The validator refuses topics that share no prefix (scopeProblems); a plan built past it would be wrong.
    if (!scope) throw new Error(`consumer ${consumer}'s topics share no prefix; validate filters first`);
    const subject = scope.pattern === "LITERAL" ? valueSubject(scope.name) : scope.name;
    const who: PrincipalKey = `consumer:${consumer}`;
    kafka.push(
      { principal: "flink", resource: "topic", name: scope.name, pattern: scope.pattern, aclOperations: ["WRITE", "DESCRIBE"], role: "DeveloperWrite" },
      { principal: who, resource: "topic", name: scope.name, pattern: scope.pattern, aclOperations: ["READ", "DESCRIBE"], role: "DeveloperRead" },
      { principal: who, resource: "group", name: consumerGroupPrefix(consumer), pattern: "PREFIXED", aclOperations: ["READ"], role: "DeveloperRead" },
    );
    schemas.push(
      { principal: "flink", subject, pattern: scope.pattern, role: "DeveloperWrite" },
      { principal: who, subject, pattern: scope.pattern, role: "DeveloperRead" },
    );
  }
  return { consumers, kafka, schemas };
}

/** A grant's construct id: principal, role and what it covers, never its position, so adding a filter renames nothing. */
export function grantId(principal: PrincipalKey, role: string, resource: string, name: string, pattern: Pattern): string {
  return `${principal.replace(":", "-")}-${role}-${resource}-${name}${pattern === "PREFIXED" ? "*" : ""}`;
}
