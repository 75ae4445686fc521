/**
 * Durations as people write them in the stage config and filters.yaml, and as Prometheus takes them in a rule's
 * `for:` and a range selector: a positive whole number and one unit, s, m, h or d ("Configuration", section
 * <duration>, https://prometheus.io/docs/prometheus/latest/configuration/configuration/). One unit only, so a value
 * reads the same in the YAML, the rules and the alert text.
 */
const DURATION = /^([1-9][0-9]*)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Why `value` is not a duration, or undefined when it is one. */
export function durationProblem(value: unknown): string | undefined {
  if (typeof value === "string" && DURATION.test(value)) return undefined;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${shown} is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)`;
}

/** Seconds of a valid duration (check it with durationProblem first). */
export function durationSeconds(value: string): number {
  const m = DURATION.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}
