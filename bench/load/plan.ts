/**
 * The load generator's plan, pure: its command line (rate, duration, payload size, virtual users, where to write
 * and read), when each event is due, and the events themselves, padded to the payload size. Modelled on the upstream
 * system's generate-test-data.sh (virtual users, duration, rate, payload sizes 400b/4k/8k/32k/64k).
 */
import { sampleEvents } from "../../consumers/sample-events";
import { type RawEvent, routeEvent } from "../../filters/evaluate";
import type { FilterSet } from "../../filters/model";
import { oneOf, parseCommandLine } from "../../lib/command-line";
import { durationProblem, durationSeconds } from "../../lib/duration";
import { UsageError } from "../../lib/errors";
import { STAGE_NAMES } from "../../stages/names";

/** event_data's size in bytes (UTF-8) for each payload name the upstream script takes. */
export const PAYLOAD_BYTES = { "400b": 400, "4k": 4096, "8k": 8192, "32k": 32768, "64k": 65536 } as const;
export type PayloadName = keyof typeof PAYLOAD_BYTES;
const PAYLOADS = Object.keys(PAYLOAD_BYTES) as PayloadName[];

/** The local pipeline of `npm run local:up` (local/pipeline.ts DEFAULT_PORTS). */
export const LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:15432/business";
export const LOCAL_BOOTSTRAP_SERVERS = "127.0.0.1:19092";

export interface LoadOptions {
  /** Events per second over all users. */
  rate: number;
  durationSeconds: number;
  payload: PayloadName;
  users: number;
  stage: string;
  databaseUrl: string;
  bootstrapServers: string;
  /** How long to wait after the last write for every routed event to arrive. */
  drainSeconds: number;
}

export const LOAD_OPTIONS = {
  rate: { type: "string", default: "100" },
  duration: { type: "string", default: "30s" },
  payload: { type: "string", default: "400b" },
  users: { type: "string", default: "4" },
  stage: { type: "string", default: "dev" },
  "database-url": { type: "string" },
  "bootstrap-servers": { type: "string" },
  drain: { type: "string", default: "60s" },
} as const;

function positive(name: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? "whole number" : "number"}, not '${text}'`);
  return n;
}

function duration(name: string, text: string): number {
  const problem = durationProblem(text);
  if (problem) throw new UsageError(`--${name}: ${problem}`);
  return durationSeconds(text);
}

/**
 * A database URL without a password: the password comes from PGPASSWORD (node-postgres reads it, as psql does),
 * so it is never on a command line, in a shell history or in this tool's output.
 */
export function checkedDatabaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--database-url is not a URL: write postgresql://user@host:port/database`);
  }
  if (!["postgres:", "postgresql:"].includes(url.protocol))
    throw new UsageError(`--database-url must start with postgresql://, not ${url.protocol}//`);
  if (url.password)
    throw new UsageError("--database-url must not hold a password: set PGPASSWORD in the environment instead");
  return text;
}

/** What is safe to print about a database URL: user, host, port and database (it holds no password). */
export function describeDatabaseUrl(text: string): string {
  const url = new URL(text);
  return `${url.username || "(default user)"}@${url.host}${url.pathname}`;
}

export function parseLoadArgs(args: readonly string[], env: NodeJS.ProcessEnv = {}): LoadOptions {
  const { values } = parseCommandLine(args, LOAD_OPTIONS);
  const rate = positive("rate", values.rate ?? "100", false);
  const users = positive("users", values.users ?? "4", true);
  if (users > rate) throw new UsageError(`--users ${users} is more than --rate ${rate}: each user writes at least 1/s`);
  return {
    rate,
    durationSeconds: duration("duration", values.duration ?? "30s"),
    payload: oneOf("payload size", values.payload ?? "400b", PAYLOADS),
    users,
    stage: oneOf("stage", values.stage ?? "dev", STAGE_NAMES),
    databaseUrl: checkedDatabaseUrl(values["database-url"] ?? env.DATABASE_URL ?? LOCAL_DATABASE_URL),
    bootstrapServers: values["bootstrap-servers"] ?? env.KAFKA_BOOTSTRAP_SERVERS ?? LOCAL_BOOTSTRAP_SERVERS,
    drainSeconds: duration("drain", values.drain ?? "60s"),
  };
}

/** Events in the run: rate × duration, rounded down (at least one). */
export function eventCount(rate: number, seconds: number): number {
  return Math.max(1, Math.floor(rate * seconds));
}

/** Milliseconds after the start at which event `index` is due: evenly spaced at `rate` per second. */
export function dueAtMs(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** The event indexes user `user` of `users` writes, in order: every users-th, so the users interleave. */
export function userIndexes(user: number, users: number, count: number): number[] {
  const indexes: number[] = [];
  for (let i = user; i < count; i += users) indexes.push(i);
  return indexes;
}

/** The field the padding goes into: no filter reads it (checked by paddedEvent). */
export const PADDING_FIELD = "loadPadding";

/**
 * The event with its event_data grown to exactly `bytes` (UTF-8) by a padding field no filter reads, so it routes
 * as before; throws when the event is already larger or the padding changed its routing.
 */
export function paddedEvent(filters: FilterSet, stage: string, event: RawEvent, bytes: number): RawEvent {
  const data = JSON.parse(String(event.event_data)) as Record<string, unknown>;
  const bare = Buffer.byteLength(JSON.stringify({ ...data, [PADDING_FIELD]: "" }));
  if (bare > bytes) throw new UsageError(`event ${event.id}'s event_data is ${bare} bytes, more than ${bytes}`);
  const padded = { ...event, event_data: JSON.stringify({ ...data, [PADDING_FIELD]: "x".repeat(bytes - bare) }) };
  const before = routeEvent(filters, stage, event).join(",");
  if (routeEvent(filters, stage, padded).join(",") !== before)
    throw new Error(`padding event ${event.id} changed its routing: a filter reads ${PADDING_FIELD}?`);
  return padded;
}

/**
 * The kinds of event the run cycles through: the sample creates of the stage's filters (consumers/sample-events.ts)
 * that some filter routes, each padded to the payload size. Ids are set per event by `loadEvent`.
 */
export function eventKinds(filters: FilterSet, stage: string, bytes: number): RawEvent[] {
  const kinds = sampleEvents(filters, "load")
    .filter((e) => e.__op === "c")
    .filter((e) => routeEvent(filters, stage, e).length > 0);
  if (kinds.length === 0) throw new UsageError(`no filter of stage ${stage} routes any sample create event`);
  return kinds.map((e) => paddedEvent(filters, stage, e, bytes));
}

/** Event `index` of run `runId`: the kinds in turn, each under its own row id (event_data, sized, is the kind's). */
export function loadEvent(kinds: readonly RawEvent[], runId: string, index: number): RawEvent {
  return { ...kinds[index % kinds.length], id: `${runId}-${index}` };
}
