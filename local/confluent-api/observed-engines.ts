/**
 * What the double reads from the real engines to answer status and metrics the way Confluent Cloud does: the Flink
 * job behind each statement (statement-health.ts), Kafka Connect's own status of the connector (connect.ts's status
 * answers, metrics-export.ts) and Kafka itself (metrics-export.ts). Attached to a double that drives engines
 * (offline/local-deploy.ts); the pure double has none and answers from its store.
 */
import type { Kafka } from "kafkajs";
import { traceSummary } from "../connect";
import type { LocalEngines } from "./engines";
import type { Json, Store } from "./store";

/** Kafka Connect's answer to `GET /connectors/{name}/status`. */
export interface ConnectStatus {
  connector: { state: string; worker_id: string; trace?: string };
  tasks: Array<{ id: number; state: string; worker_id: string; trace?: string }>;
}

export interface ObservedEngines {
  /** The Flink job of a statement now: RUNNING, RESTARTING, FAILED (message: the cause), ...; NONE when none runs. */
  statementJob(name: string): Promise<{ state: string; message: string }>;
  /** Kafka Connect's status of the connector; undefined while the worker does not know it. */
  connectStatus(name: string): Promise<ConnectStatus | undefined>;
  /** The local broker, read with the admin client. */
  readonly kafka: Kafka;
  /** What a per-minute counter counts over: Confluent's minute, shorter in tests. @default 60 s */
  readonly counterWindowMs: number;
}

export function observeLocalEngines(o: {
  engines: LocalEngines;
  kafka: Kafka;
  connectRestUrl: string;
  counterWindowMs?: number;
}): ObservedEngines {
  return {
    kafka: o.kafka,
    counterWindowMs: o.counterWindowMs ?? 60_000,
    statementJob: async (name) => (await o.engines.job(name)?.state()) ?? { state: "NONE", message: "" },
    connectStatus: async (name) => {
      const response = await fetch(`${o.connectRestUrl}/connectors/${encodeURIComponent(name)}/status`);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`Kafka Connect status of ${name}: HTTP ${response.status}`);
      return (await response.json()) as ConnectStatus;
    },
  };
}

const observed = new WeakMap<Store, ObservedEngines>();

export function attachObservedEngines(store: Store, engines: ObservedEngines): void {
  observed.set(store, engines);
}

export function observedEngines(store: Store): ObservedEngines | undefined {
  return observed.get(store);
}

/**
 * Kafka Connect's status in the Connect API's shape and words ("Connector statuses",
 * https://docs.confluent.io/cloud/current/connectors/connector-statuses.html): the connector is RUNNING when all its
 * tasks run, FAILED when all failed (or itself did), DEGRADED when some run and others do not, PROVISIONING before it
 * has tasks; each task keeps Kafka Connect's state and gets the root cause of its trace as `msg`.
 */
export function confluentConnectorStatus(name: string, status: ConnectStatus): Json {
  const tasks = status.tasks.map((t) => ({
    id: t.id,
    state: t.state,
    worker_id: t.worker_id,
    msg: t.trace ? traceSummary(t.trace) : "",
  }));
  const failed = tasks.filter((t) => t.state === "FAILED").length;
  const running = tasks.filter((t) => t.state === "RUNNING").length;
  const connector = status.connector.state;
  const state =
    connector === "FAILED" || (tasks.length > 0 && failed === tasks.length)
      ? "FAILED"
      : connector === "PAUSED"
        ? "PAUSED"
        : tasks.length === 0
          ? "PROVISIONING"
          : running === tasks.length
            ? "RUNNING"
            : "DEGRADED";
  const trace = status.connector.trace
    ? traceSummary(status.connector.trace)
    : (tasks.find((t) => t.state === "FAILED")?.msg ?? "");
  return { name, type: "source", connector: { state, worker_id: status.connector.worker_id, trace }, tasks };
}

/** The connector's status as the Connect API answers it, read live from Kafka Connect; undefined without engines. */
export async function liveConnectorStatus(store: Store, name: string): Promise<Json | undefined> {
  const status = await observedEngines(store)?.connectStatus(name);
  return status && confluentConnectorStatus(name, status);
}
