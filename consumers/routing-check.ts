/**
 * Pure parts of routing verification: what each consumer topic should receive (the reference evaluator), and
 * how that differs from what it did receive: missing, extra and duplicated event ids.
 */
import { type RawEvent, routeEvent } from "../filters/evaluate";
import { type FilterSet, filtersForStage } from "../filters/model";
import { getOrThrow } from "../lib/maps";

export type IdsByTopic = Map<string, string[]>;

/** What each consumer topic of the stage receives of events produced into raw topic `source`. */
export function expectedRouting(
  set: FilterSet,
  stage: string,
  events: readonly RawEvent[],
  source = set.sourceTopic,
  expected: IdsByTopic = new Map(filtersForStage(set, stage).map((f) => [f.outputTopic, []])),
): IdsByTopic {
  for (const event of events) {
    for (const topic of routeEvent(set, stage, event, source)) getOrThrow(expected, topic).push(String(event.id));
  }
  return expected;
}

export interface TopicDifference {
  topic: string;
  missing: string[];
  extra: string[];
  duplicated: string[];
}

export function compareRouting(expected: IdsByTopic, actual: IdsByTopic): TopicDifference[] {
  const topics = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const differences: TopicDifference[] = [];
  for (const topic of topics) {
    const want = new Set(expected.get(topic) ?? []);
    const got = actual.get(topic) ?? [];
    const counts = new Map<string, number>();
    for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = [...want].filter((id) => !counts.has(id)).sort();
    const extra = [...counts.keys()].filter((id) => !want.has(id)).sort();
    const duplicated = [...counts]
      .filter(([, n]) => n > 1)
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
