/**
 * Pure parts of routing verification: what each consumer topic should receive (the reference evaluator), and
 * how that differs from what it did receive: missing, extra and duplicated event ids.
 */
import { type RawEvent, routeEvent } from "../filters/evaluate";
import { type FilterSet, filtersForStage } from "../filters/model";
import { getOrThrow } from "../lib/maps";

export type IdsByTopic = Map<string, string[]>;

/** Per output topic, the ids of `events` read from raw topic `source` (default the set's) that it receives. */
export function expectedRouting(
  set: FilterSet,
  stage: string,
  events: readonly RawEvent[],
  source = set.sourceTopic,
): IdsByTopic {
  const expected: IdsByTopic = new Map(filtersForStage(set, stage).map((f) => [f.outputTopic, []]));
  for (const event of events) {
    for (const topic of routeEvent(set, stage, event, source)) getOrThrow(expected, topic).push(String(event.id));
  }
  return expected;
}

/** Several expectations as one: per topic, every id of each (raw topics, or filter versions, in turn). */
export function mergedRouting(parts: readonly IdsByTopic[]): IdsByTopic {
  const merged: IdsByTopic = new Map();
  for (const part of parts) for (const [topic, ids] of part) merged.set(topic, [...(merged.get(topic) ?? []), ...ids]);
  return merged;
}

export interface TopicDifference {
  topic: string;
  missing: string[];
  extra: string[];
  duplicated: string[];
}

const counted = (ids: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

/**
 * Missing, extra and duplicated ids per topic. An id expected n times (its raw record was captured n times) is
 * duplicated when received more often than that.
 */
export function compareRouting(expected: IdsByTopic, actual: IdsByTopic): TopicDifference[] {
  const topics = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const differences: TopicDifference[] = [];
  for (const topic of topics) {
    const want = counted(expected.get(topic) ?? []);
    const counts = counted(actual.get(topic) ?? []);
    const missing = [...want.keys()].filter((id) => !counts.has(id)).sort();
    const extra = [...counts.keys()].filter((id) => !want.has(id)).sort();
    const duplicated = [...counts]
      .filter(([id, n]) => n > Math.max(1, want.get(id) ?? 0))
      .map(([id]) => id)
      .sort();
    if (missing.length || extra.length || duplicated.length) differences.push({ topic, missing, extra, duplicated });
  }
  return differences;
}

export function describeDifferences(differences: readonly TopicDifference[], limit = 10): string {
  const list = (ids: string[]) =>
    ids.slice(0, limit).join(", ") + (ids.length > limit ? `, … (${ids.length} in all)` : "");
  return differences
    .map((d) =>
      [
        `${d.topic}:`,
        d.missing.length ? `  missing ${d.missing.length}: ${list(d.missing)}` : "",
        d.extra.length ? `  extra ${d.extra.length}: ${list(d.extra)}` : "",
        d.duplicated.length ? `  duplicated ${d.duplicated.length}: ${list(d.duplicated)}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    )
    .join("\n");
}
