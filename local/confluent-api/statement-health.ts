/**
 * A statement's phase follows its real Flink job after it started, as Confluent's does after the provider stopped
 * looking (the provider only waits for the first RUNNING, resource_flink_statement.go): a job that restarts after a
 * failure makes its statement FAILING, one that gave up makes it FAILED with the cause as `status.detail` and as its
 * latest exception (`GET .../statements/{name}/exceptions`: "the 10 most recent statement exceptions", Flink SQL API
 * v1, flink-gateway v0.19.0 api/openapi.yaml, items `name`, `message`, `timestamp`; newest first). Confluent's
 * statements fail on a record they cannot read unless a dead letter queue is set ("Configure a Dead Letter Queue",
 * https://docs.confluent.io/cloud/current/flink/how-to-guides/configure-dlq.html); the local jobs fail after two
 * restarts (engines.ts).
 */

import { statement } from "./flink-statements";
import { type Answer, ok, type Request } from "./http";
import { observedEngines } from "./observed-engines";
import type { Json, Store } from "./store";

interface StatementException {
  name: string;
  message: string;
  timestamp: string;
}

const exceptions = new WeakMap<Store, Map<string, StatementException[]>>();

function exceptionsOf(store: Store, key: string): StatementException[] {
  const byStatement = exceptions.get(store) ?? new Map<string, StatementException[]>();
  exceptions.set(store, byStatement);
  const list = byStatement.get(key) ?? [];
  byStatement.set(key, list);
  return list;
}

/**
 * The root cause of a Flink failure: the last of the job's cause chain (`Class: message | caused by: ...`,
 * FlinkSqlRunner STATE), where the record or setting that failed is named.
 */
export function rootCause(chain: string): { name: string; message: string } {
  const last = chain.split(" | caused by: ").pop() ?? chain;
  const m = /^([A-Za-z_$][\w$]*): ([\s\S]*)$/.exec(last);
  return m ? { name: m[1], message: m[2] } : { name: "FlinkException", message: last };
}

/** Records an exception, newest first, ten at most; the same one twice in a row is one exception. */
function record(store: Store, s: Json, chain: string): void {
  const list = exceptionsOf(store, `${s.environment_id}/${s.name}`);
  const { name, message } = rootCause(chain);
  if (list[0]?.message === message) return;
  list.unshift({ name, message, timestamp: store.now().replace(/\.\d+Z$/, "Z") });
  list.splice(10);
}

/** Phases a running job can still leave on its own. */
const FOLLOWED = new Set(["RUNNING", "FAILING"]);

/** One look at every running statement's job; the double's server calls this on a timer. */
export async function followStatements(store: Store): Promise<void> {
  const engines = observedEngines(store);
  if (!engines) return;
  for (const s of store.statements.values()) {
    // A failure at start (the engine's own answer) is an exception too.
    if (s.status.phase === "FAILED" && s.status.detail && !exceptionsOf(store, `${s.environment_id}/${s.name}`).length)
      record(store, s, s.status.detail);
    if (!FOLLOWED.has(s.status.phase) || s.spec.stopped || s.engine) continue;
    const job = await engines.statementJob(s.name);
    if (job.state === "FAILED") {
      const cause = rootCause(job.message);
      s.status = {
        ...s.status,
        phase: "FAILED",
        detail: `The statement's job failed: ${cause.name}: ${cause.message}`,
      };
      record(store, s, job.message);
    } else if (job.state === "RESTARTING" || job.state === "FAILING") {
      s.status = { ...s.status, phase: "FAILING", detail: "The statement's job failed and is being restarted" };
    } else if (job.state === "RUNNING" && s.status.phase === "FAILING") {
      s.status = { ...s.status, phase: "RUNNING", detail: "" };
    }
  }
}

export function getStatementExceptions(req: Request): Answer {
  const s = statement(req);
  return ok({
    api_version: "sql/v1",
    kind: "StatementExceptionList",
    metadata: { self: `${req.store.baseUrl}${req.path}` },
    data: exceptionsOf(req.store, `${s.environment_id}/${s.name}`).map((e) => ({ kind: "StatementException", ...e })),
  });
}
