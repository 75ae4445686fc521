/**
 * The double's shared in-memory state: every object the API families create, keyed the way their paths address
 * them, plus the id sequence and the call counter. Objects are stored as the JSON the API returns, so a handler
 * reads and answers them without translation.
 */
import type { LocalSchemaRegistry } from "../../connectors/debezium-local";
import type { Json } from "../../lib/json";

export type { Json };

/**
 * Real engines behind the double (local/confluent-api/engines.ts): when attached, topics are created on a Kafka
 * broker, connectors run on a Kafka Connect worker and statements on Flink, and the API reports their state.
 * Without one the double answers from its store alone (the pure double of the apply tests).
 */
export interface Engines {
  createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<void>;
  addPartitions(name: string, count: number): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  /**
   * Resolves once the connector runs; rejects with its root cause. `registry`: where a JSON_SR connector registers
   * its value schemas, with a key of that registry.
   */
  startConnector(managed: Record<string, string>, registry?: LocalSchemaRegistry): Promise<void>;
  /** The connector's live state as Kafka Connect reports it (trace: the root cause of a failure). */
  connectorState(name: string): Promise<{ state: string; trace: string }>;
  deleteConnector(name: string): Promise<void>;
  /** Resolves once the statement's job runs; rejects with Flink's error. */
  startStatement(statement: EngineStatement): Promise<void>;
  /** Stops the job with a savepoint (kept for a successor that carries over); resolves to its latest offsets. */
  stopStatement(name: string): Promise<Record<string, string>>;
  deleteStatement(name: string): Promise<void>;
}

export interface EngineStatement {
  name: string;
  sql: string;
  catalog: string;
  database: string;
  /** Value schema text per topic, from the subjects registered with the double (TopicNameStrategy). */
  valueSchemas: Map<string, string>;
  /** The statement whose source positions this one starts from (sql.tables.initial-offset-from). */
  carryOverFrom?: string;
}

/** An engine operation in flight, read by the API's status answers without waiting for it. */
export class Tracked<T = void> {
  state: "pending" | "done" | "failed" = "pending";
  value?: T;
  error = "";

  constructor(readonly promise: Promise<T>) {
    promise.then(
      (v) => {
        this.state = "done";
        this.value = v;
      },
      (e: Error) => {
        this.state = "failed";
        this.error = e.message;
      },
    );
  }
}

/** An object the provider waits on: answered as still provisioning for this many reads after its creation. */
export interface Provisioning {
  readsUntilReady: number;
}

export class Store {
  /** Organization id as Confluent shows it (a UUID; the recorded responses use this one). */
  readonly organizationId = "1111aaaa-11aa-11aa-11aa-111111aaaaaa";
  readonly environments = new Map<string, Json>();
  /** Schema Registry clusters (srcm/v3), one per environment with a Stream Governance package. */
  readonly schemaRegistries = new Map<string, Json & Provisioning>();
  readonly kafkaClusters = new Map<string, Json & Provisioning>();
  readonly computePools = new Map<string, Json & Provisioning>();
  readonly serviceAccounts = new Map<string, Json>();
  /** API keys with their secrets (the secret is answered on create only, as Confluent does). */
  readonly apiKeys = new Map<string, Json>();
  readonly roleBindings = new Map<string, Json>();
  /** Kafka REST: `<cluster>/<topic>` → topic with its dynamic configs. */
  readonly topics = new Map<
    string,
    { cluster: string; name: string; partitions: number; configs: Record<string, string> }
  >();
  /** Kafka REST: ACL bindings per cluster, each the 7 fields the API uses to address it. */
  readonly acls = new Map<string, Json[]>();
  /** Connect: `<env>/<cluster>/<name>` → managed connector. */
  readonly connectors = new Map<
    string,
    {
      name: string;
      config: Record<string, string>;
      id: string;
      state: string;
      readsUntilRunning: number;
      engine?: Tracked;
      /** The Schema Registry API key minted for the connector's converter (connect.ts), deleted with it. */
      registryKey?: string;
    }
  >();
  /** Schema Registry: `<lsrc>/<subject>` → versions (1-based, in order); schema ids are global per registry. */
  readonly subjects = new Map<
    string,
    { version: number; id: number; schema: string; schemaType?: string; references: Json[]; deleted: boolean }[]
  >();
  /** Flink SQL: `<env>/<name>` → statement as the API returns it. */
  readonly statements = new Map<string, Json & { readsUntilSettled: number; engine?: Tracked<unknown> }>();

  private sequence = 0;
  private schemaIdSequence = 100000;
  /** Calls answered per label (the resource type or data source a route serves), for cost reports. */
  readonly calls = new Map<string, number>();

  /** Attached by startConfluentDouble({ engines }); undefined for the pure double. */
  engines?: Engines;

  /**
   * Told of every call as it is answered; its route runs once what this returns has settled (the killed-apply bench
   * kills terraform there, before the route's answer exists).
   */
  onCall?: (label: string, method: string) => void | Promise<void>;

  constructor(readonly baseUrl: string) {}

  /** Deterministic ids in Confluent's style (`env-` + 6 base-36 characters). */
  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.sequence.toString(36).padStart(6, "0")}`;
  }

  nextSchemaId(): number {
    this.schemaIdSequence += 1;
    return this.schemaIdSequence;
  }

  /** One call answered, per route label; settled when the onCall observer is done with it. */
  async count(label: string, method: string): Promise<void> {
    this.calls.set(label, (this.calls.get(label) ?? 0) + 1);
    await this.onCall?.(label, method);
  }

  resetCalls(): void {
    this.calls.clear();
  }

  environmentCrn(envId: string): string {
    return `crn://confluent.cloud/organization=${this.organizationId}/environment=${envId}`;
  }

  now(): string {
    return new Date().toISOString();
  }
}

/** One read of a provisioning object: true while it should still answer its pending phase. */
function stillProvisioning(object: Provisioning): boolean {
  if (object.readsUntilReady <= 0) return false;
  object.readsUntilReady -= 1;
  return true;
}

/**
 * The object as the API answers it, without the double's bookkeeping: status.phase PROVISIONING for the first
 * reads after creation (the provider polls until PROVISIONED), then PROVISIONED. Reading counts as one read.
 */
export function withPhase(
  object: Json & Provisioning,
  phase = stillProvisioning(object) ? "PROVISIONING" : "PROVISIONED",
): Json {
  const { readsUntilReady: _, ...body } = object;
  return { ...body, status: { ...body.status, phase } };
}
