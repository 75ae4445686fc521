/**
 * Topics of removed filters that a protected stage keeps (prevent_destroy: their data outlives the filter), with
 * what keeps them usable until the clean-up drops them: the value schema their data was written with, and the
 * consumer that drains them. Both come from the filter's last locked definition (lock/evolution.ts keeps it).
 */
import { LEGACY_SOURCE_TOPIC, type Source, sourceFields } from "../filters/model";
import type { DeclaredColumn } from "../stages/tables";
import { retiredTopics } from "./evolution";
import type { StageLock } from "./lock-file";

export interface RetainedTopic {
  readonly filter: string;
  readonly topic: string;
  /** Who read it, when the lock recorded it (locks before consumers were recorded do not). */
  readonly consumer?: string;
  /** The columns it was written with; undefined when its source no longer declares them all. */
  readonly columns?: readonly DeclaredColumn[];
}

export function retainedTopics(lock: StageLock | undefined, sources: ReadonlyMap<string, Source>): RetainedTopic[] {
  return [...retiredTopics(lock)].map(([filter, topic]) => {
    const definition = lock?.definitions?.[filter];
    const source = sources.get(definition?.source ?? LEGACY_SOURCE_TOPIC);
    const fields = new Map((source ? sourceFields(source) : []).map((c) => [c.name, c]));
    const names = definition?.columns.split(", ") ?? [];
    const known = source !== undefined && names.every((n) => fields.has(n));
    return {
      filter,
      topic,
      consumer: definition?.consumer,
      columns: definition && known ? names.map((n) => fields.get(n) as DeclaredColumn) : undefined,
    };
  });
}
