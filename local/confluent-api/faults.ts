/**
 * API faults the double injects: rules (which calls, how often, what fault), decided from a seed so a failing run
 * replays, answered as Confluent Cloud answers. Pure: the server (server.ts) asks decide() per request and acts.
 *
 * A rule is `<kind>@<rate> [<METHOD>] [<path glob>]`, rules separated by `;`, e.g.
 *   429@20%                          20% of every call answers 429 with Retry-After
 *   503@5% POST /iam/**; reset@5%    5% of service account / API key / role binding creates 503, 5% of all resets
 *   slow=3s@10% /cmk/**              10% of cluster calls answer 3 s late
 * Glob: `*` is one path segment or part of one, `**` any number of segments. Kinds: 429, 500, 501, 502, 503 (an
 * error answer), reset (the connection is reset before the call is handled), lost (the call is handled, then the
 * connection is reset instead of answering: the change happened, the client does not know), slow[=<n>s|<n>ms] (the
 * right answer, late).
 * Matching rules share one draw: rates add up (429@10%; 500@10% fails 20% of calls).
 *
 * Deterministic: the draw for a call is a hash of (seed, method, path, body, how many such calls came before), so it
 * does not depend on how terraform interleaves calls of different resources (two creates POST to one path with
 * different bodies). A retry of a call is the next occurrence of its method, path and body and draws again. (Ids the double assigns in creation order can still differ
 * between runs at terraform's default parallelism; -parallelism=1 replays byte for byte.)
 */

import { InputError } from "../../lib/errors";
import { mulberry32 } from "../../lib/seeded-random";

export const ERROR_STATUSES = [429, 500, 501, 502, 503] as const;
export const FAULT_KINDS = ["429", "500", "501", "502", "503", "reset", "lost", "slow"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** 0..1 */
  rate: number;
  /** Only calls with this method; undefined: every method. */
  method?: string;
  /** The path glob as written. */
  glob: string;
  /** For slow: how late the answer comes. */
  delayMs?: number;
}

export interface FaultSettings {
  rules: FaultRule[];
  seed: number;
  /** What a 429 asks the client to wait (Retry-After, X-RateLimit-Reset). @default 1 */
  retryAfterSeconds?: number;
}

/** The environment variables that turn faults on (server.ts CLI, offline/local-deploy.ts startLocalConfluent). */
export const FAULT_ENV = {
  rules: "CDC_ROUTING_API_FAULTS",
  seed: "CDC_ROUTING_API_FAULTS_SEED",
} as const;

/** A slow answer's default delay: longer than the provider's 1 s poll under TF_ACC, short enough for a test. */
export const DEFAULT_SLOW_MS = 2000;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

function parseRate(text: string, rule: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  const rate = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(rate >= 0 && rate <= 1))
    throw new InputError(`API fault rule '${rule}': rate '${text}' must be 0..1 or 0%..100% (e.g. 20% or 0.2)`);
  return rate;
}

function parseKind(text: string, rule: string): { kind: FaultKind; delayMs?: number } {
  const slow = /^slow(?:=(\d+(?:\.\d+)?)(s|ms))?$/.exec(text);
  if (slow)
    return {
      kind: "slow",
      delayMs: slow[1] === undefined ? DEFAULT_SLOW_MS : Number(slow[1]) * (slow[2] === "s" ? 1000 : 1),
    };
  if ((FAULT_KINDS as readonly string[]).includes(text)) return { kind: text as FaultKind };
  throw new InputError(
    `API fault rule '${rule}': unknown kind '${text}'; kinds: 429, 500, 501, 502, 503, reset, lost, slow[=<n>s|<n>ms]`,
  );
}

/** Rules from their text (see the file's comment); an empty text is no rule. */
export function parseFaultRules(text: string): FaultRule[] {
  return text
    .split(";")
    .map((r) => r.trim())
    .filter((r) => r !== "")
    .map((rule) => {
      const [head, ...route] = rule.split(/\s+/);
      const at = head.lastIndexOf("@");
      if (at < 0) throw new InputError(`API fault rule '${rule}' must be <kind>@<rate> [<METHOD>] [<path glob>]`);
      const method = METHODS.includes(route[0]?.toUpperCase()) ? route.shift()?.toUpperCase() : undefined;
      if (route.length > 1) throw new InputError(`API fault rule '${rule}': one path glob at most, after the method`);
      const glob = route[0] ?? "/**";
      if (!glob.startsWith("/"))
        throw new InputError(`API fault rule '${rule}': path glob '${glob}' must start with /`);
      return { ...parseKind(head.slice(0, at), rule), rate: parseRate(head.slice(at + 1), rule), method, glob };
    });
}

/** `**` any number of segments (also none), `*` within one segment. */
export function globRegex(glob: string): RegExp {
  const source = glob
    .split(/(\/\*\*|\*)/)
    .map((part) => (part === "/**" ? "(?:/.*)?" : part === "*" ? "[^/]*" : part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/** 32-bit FNV-1a: the call's key as a number. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The draw for the n-th call (0-based) of a call key (method, path, body) under seed. */
export function draw(seed: number, key: string, n: number): number {
  return mulberry32(fnv1a(`${seed >>> 0} ${key} ${n}`));
}

/** A seed for a run that names none: printed, so the run can be replayed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

export type FaultCounts = Record<FaultKind, number>;

const noCounts = (): FaultCounts => Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as FaultCounts;

/**
 * Decides per call, and counts: faults per kind, calls seen, and retries seen (a call of the same method, path and
 * body right after one that failed: what a client's retry looks like from the server).
 */
export class FaultPlan {
  private readonly compiled: { rule: FaultRule; regex: RegExp }[];
  private readonly seen = new Map<string, number>();
  private readonly failed = new Set<string>();
  readonly injected: FaultCounts = noCounts();
  calls = 0;
  retries = 0;

  constructor(readonly settings: FaultSettings) {
    this.compiled = settings.rules.map((rule) => ({ rule, regex: globRegex(rule.glob) }));
  }

  /** The fault for this call, if any; counts it. */
  decide(method: string, path: string, body = ""): FaultRule | undefined {
    const key = `${method} ${path} ${fnv1a(body).toString(16)}`;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    this.calls++;
    if (this.failed.delete(key)) this.retries++;
    const matching = this.compiled.filter(
      ({ rule, regex }) => (!rule.method || rule.method === method) && regex.test(path),
    );
    if (matching.length === 0) return undefined;
    const u = draw(this.settings.seed, key, n);
    let upTo = 0;
    for (const { rule } of matching) {
      upTo += rule.rate;
      if (u < upTo) {
        this.injected[rule.kind]++;
        if (rule.kind !== "slow") this.failed.add(key);
        return rule;
      }
    }
    return undefined;
  }

  /** Faults injected in all. */
  get total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  /** One line for a log or report: the seed, faults per kind, calls and retries. */
  summary(): string {
    const kinds = FAULT_KINDS.filter((k) => this.injected[k] > 0).map((k) => `${k} ${this.injected[k]}`);
    return `API faults (seed ${this.settings.seed}): ${this.total} injected${kinds.length ? ` (${kinds.join(", ")})` : ""} in ${this.calls} calls, ${this.retries} retried`;
  }
}

/** Rules as text again (the format parseFaultRules reads). */
export function formatFaultRules(rules: readonly FaultRule[]): string {
  return rules
    .map((r) => {
      const kind = r.kind === "slow" && r.delayMs !== undefined ? `slow=${r.delayMs}ms` : r.kind;
      return [`${kind}@${+(r.rate * 100).toFixed(4)}%`, r.method, r.glob === "/**" ? undefined : r.glob]
        .filter(Boolean)
        .join(" ");
    })
    .join("; ");
}

/** Settings from the environment (FAULT_ENV), or undefined when no rule is set; a seed is drawn when none is. */
export function faultSettingsFromEnv(env: NodeJS.ProcessEnv): FaultSettings | undefined {
  const rules = parseFaultRules(env[FAULT_ENV.rules] ?? "");
  if (rules.length === 0) return undefined;
  return { rules, seed: parseSeed(env[FAULT_ENV.seed], FAULT_ENV.seed) ?? randomSeed() };
}

export function parseSeed(text: string | undefined, what: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) >= 2 ** 32)
    throw new InputError(`${what}='${text}' must be a whole number from 0 to 4294967295`);
  return Number(text);
}

/** The API family of a path, for the error body's shape (errors.ts). */
export function familyOf(path: string): "cloud" | "rest" {
  return /^\/(kafka|connect|schema-registry)\//.test(path) ? "rest" : "cloud";
}

const REASONS: Record<(typeof ERROR_STATUSES)[number], { code: string; detail: string }> = {
  429: { code: "too_many_requests", detail: "Too Many Requests" },
  500: { code: "internal_server_error", detail: "Internal Server Error" },
  501: { code: "not_implemented", detail: "Not Implemented" },
  502: { code: "bad_gateway", detail: "Bad Gateway" },
  503: { code: "service_unavailable", detail: "Service Unavailable" },
};

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * An error answer as Confluent's APIs give it: the error body of the path's API family (errors.ts; Cloud APIs
 * `{"errors":[{id,status,code,detail}]}`, Kafka REST / Connect / Schema Registry `{error_code, message}`), and on a
 * 429 the rate-limit headers Confluent documents (Cloud API reference, "Rate Limiting": X-RateLimit-Limit,
 * X-RateLimit-Remaining, X-RateLimit-Reset in seconds, and Retry-After).
 */
export function faultAnswer(status: (typeof ERROR_STATUSES)[number], path: string, retryAfterSeconds = 1): FaultAnswer {
  const { code, detail } = REASONS[status];
  const body =
    familyOf(path) === "cloud"
      ? {
          errors: [
            { id: "0".repeat(32), status: String(status), code, detail: `${detail} (injected by the local double)` },
          ],
        }
      : { error_code: status, message: `${detail} (injected by the local double)` };
  const headers: Record<string, string> =
    status === 429
      ? {
          "Retry-After": String(retryAfterSeconds),
          "X-RateLimit-Limit": "60",
          "X-RateLimit-Remaining": "0",
          "X-RateLimit-Reset": String(retryAfterSeconds),
        }
      : {};
  return { status, headers, body };
}
