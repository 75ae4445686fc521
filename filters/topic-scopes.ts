/**
 * The topic naming rule behind per-consumer grants (access/grants.ts): a consumer's topics are granted as one
 * literal topic, or as the prefix all its topics share. Checked when filters are validated, so a file that would
 * need one grant per topic, or whose prefix would also cover another consumer's topic, is refused with the fix.
 */

import type { Filter } from "./model";

export type Pattern = "LITERAL" | "PREFIXED";

/** The topics a consumer is granted: one topic literally, or every topic starting with a prefix. */
export interface TopicScope {
  name: string;
  pattern: Pattern;
}

export const valueSubject = (topic: string): string => `${topic}-value`;

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

export const covers = (scope: TopicScope, name: string): boolean =>
  scope.pattern === "PREFIXED" ? name.startsWith(scope.name) : name === scope.name;

/**
 * Whether a prefix grant would reach a topic (or its value subject) that is not the consumer's: another
 * consumer's, or one of the stack's own (`others`, topic -> what it is).
 */
function prefixIsSafe(scope: TopicScope, own: readonly string[], others: ReadonlySet<string>): boolean {
  // A set: with a consumer of many topics in a file of many filters, own.includes per topic was quadratic.
  const owned = new Set(own);
  return [...others].every(
    (topic) => owned.has(topic) || !(covers(scope, topic) || covers(scope, valueSubject(topic))),
  );
}

/**
 * Each consumer's grants scopes, from every filter of the file (any stage, enabled or not), so they are the same in
 * every stage and unchanged when a filter is enabled: one topic literally; several by the prefix they share when
 * no other declared topic or subject starts with it (one grant however many topics); otherwise each topic
 * literally. `stackTopics` are the topics that belong to no consumer (the raw topics).
 */
export function consumerScopes(filters: readonly Filter[], stackTopics: readonly string[]): Map<string, TopicScope[]> {
  const owners = new Set([...stackTopics, ...filters.map((f) => f.outputTopic)]);
  return new Map(
    [...topicsByConsumer(filters)].map(([consumer, topics]) => {
      const shared = topicScope(topics);
      const scopes =
        shared && prefixIsSafe(shared, topics, owners)
          ? [shared]
          : topics.map((name): TopicScope => ({ name, pattern: "LITERAL" }));
      return [consumer, scopes];
    }),
  );
}

/**
 * One warning per consumer whose topics are granted one by one: the count, and the rename that would need one
 * grant. Never an error: naming is the user's, grants are the stack's to get right either way.
 */
export function namingWarnings(filters: readonly Filter[], stackTopics: readonly string[]): string[] {
  return [...consumerScopes(filters, stackTopics)]
    .filter(([, scopes]) => scopes.length > 1)
    .map(
      ([consumer, scopes]) =>
        `consumer ${consumer}'s ${scopes.length} topics are granted one by one (${scopes.length} role bindings each for Flink and ${consumer}, on topics and on subjects): they share no prefix that no other topic starts with; naming them '${consumer}.<name>' would need one grant each`,
    );
}
