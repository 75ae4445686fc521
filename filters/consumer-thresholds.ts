/**
 * The filters file's `consumers:`: alert thresholds a consumer sets for its own lag, instead of its stage's
 * (stages/config.ts `monitoring`). Keyed by consumer name; a consumer no filter names is refused, so a renamed
 * consumer cannot silently lose its thresholds. Checked by hand, like the sources, so each message names the
 * consumer and the fix at its path.
 */
import { durationProblem } from "../lib/duration";
import { suggestion } from "../lib/suggest";
import { type FilterIssue, type Path, typeName } from "./errors";
import type { ConsumerThresholds } from "./model";

const KEYS = ["maxLag", "lagFor", "absentFor"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Consumers the filters name (`consumer`, else the filter's name), from the raw document: known before validation. */
export function namedConsumers(filters: readonly unknown[]): string[] {
  const names = filters.flatMap((f) => {
    if (!isRecord(f)) return [];
    const name = typeof f.consumer === "string" ? f.consumer : f.name;
    return typeof name === "string" ? [name] : [];
  });
  return [...new Set(names)];
}

/** Every consumer's thresholds, checked; each problem is an issue at its path. */
export function validateConsumerThresholds(
  raw: unknown,
  consumers: readonly string[],
  issues: FilterIssue[],
): Map<string, ConsumerThresholds> {
  const result = new Map<string, ConsumerThresholds>();
  if (raw === undefined) return result;
  if (!isRecord(raw)) {
    issues.push({
      path: ["consumers"],
      message: `'consumers' must be a mapping of consumer name to thresholds (maxLag, lagFor, absentFor), got ${typeName(raw)}`,
    });
    return result;
  }
  for (const [consumer, settings] of Object.entries(raw)) {
    const path: Path = ["consumers", consumer];
    const before = issues.length;
    if (!consumers.includes(consumer))
      issues.push({
        path,
        message: `consumer '${consumer}' is named by no filter`,
        hint: suggestion(consumer, consumers),
        atKey: true,
      });
    if (!isRecord(settings)) {
      issues.push({
        path,
        message: `thresholds of consumer '${consumer}' must be a mapping (maxLag, lagFor, absentFor), got ${typeName(settings)}`,
      });
      continue;
    }
    for (const key of Object.keys(settings).filter((k) => !(KEYS as readonly string[]).includes(k)))
      issues.push({ path: [...path, key], message: `unknown key '${key}'`, hint: suggestion(key, KEYS), atKey: true });
    const { maxLag, lagFor, absentFor } = settings;
    if (maxLag !== undefined && !(typeof maxLag === "number" && Number.isInteger(maxLag) && maxLag > 0))
      issues.push({
        path: [...path, "maxLag"],
        message: `maxLag of consumer '${consumer}' must be a positive whole number of records, got ${typeName(maxLag)}`,
      });
    for (const [key, value] of [
      ["lagFor", lagFor],
      ["absentFor", absentFor],
    ] as const) {
      const problem = value === undefined ? undefined : durationProblem(value);
      if (problem) issues.push({ path: [...path, key], message: `${key} of consumer '${consumer}': ${problem}` });
    }
    if (issues.length === before)
      result.set(consumer, {
        ...(maxLag === undefined ? {} : { maxLag: maxLag as number }),
        ...(lagFor === undefined ? {} : { lagFor: lagFor as string }),
        ...(absentFor === undefined ? {} : { absentFor: absentFor as string }),
      });
  }
  return result;
}
