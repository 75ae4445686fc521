/**
 * Today's date for synth and the lock tool: which kept statements Confluent's retention has run out for depends
 * on it, so it is an input like filters.yaml. CDC_ROUTING_NOW fixes it (tests, reproducing an earlier synth);
 * default the real UTC date.
 */
import { InputError } from "../lib/errors";
export const NOW_ENV = "CDC_ROUTING_NOW";

/** A CDC_ROUTING_NOW that is not a date: the user's input, reported without a stack trace. */
export class ClockError extends InputError {}

/** YYYY-MM-DD (UTC) of CDC_ROUTING_NOW (a date or an ISO 8601 time), else of `now`. */
export function today(env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): string {
  const fixed = env[NOW_ENV];
  if (fixed === undefined || fixed === "") return now().toISOString().slice(0, 10);
  const parsed = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(fixed)
    ? new Date(/T/.test(fixed) ? fixed : `${fixed}T00:00:00Z`)
    : undefined;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new ClockError(
      `${NOW_ENV}=${fixed} is not a date; use YYYY-MM-DD (UTC) or an ISO 8601 time such as 2026-11-26T10:00:00Z, or unset it for today`,
    );
  }
  return parsed.toISOString().slice(0, 10);
}
