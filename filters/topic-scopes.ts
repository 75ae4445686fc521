/**
 * The topic naming rule behind per-consumer grants (access/grants.ts): a consumer's topics are granted as one
 * literal topic, or as the prefix all its topics share. Checked when filters are validated, so a file that would
 * need one grant per topic, or whose prefix would also cover another consumer's topic, is refused with the fix.
 */

import { getOrThrow } from "../lib/maps";
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
 * Each consumer's topic scope from every filter of the file (any stage, enabled or not): the same in every stage, and
 * unchanged when a filter is enabled.
 */
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
    const topics = getOrThrow(byConsumer, consumer);
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
