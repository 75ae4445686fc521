/**
 * One Kafka broker per jest worker, kept from one e2e suite to the next suite that worker runs (issue 28: engines
 * shared across suites where isolation allows): the run started a broker for each of 15 suites, each about 3 CPU s
 * and seconds of the suite's start (bench:jvm-starts).
 *
 * Isolation: a suite takes the broker empty. Before handing it over, every consumer group and every topic but
 * Kafka's own (`__consumer_offsets`, `__transaction_state`) is deleted, and the deletion awaited; a broker that is
 * gone or cannot be emptied is replaced by a new one. Nothing else of a suite lives on the broker: each Kafka Connect
 * worker keeps its offsets in a file of its own (standalone mode), and each Flink statement its checkpoints in its
 * suite's folder. A second pipeline while the first still runs (in the same suite) gets a broker of its own, as does
 * a suite that crashes its broker (engine-crashes: `sharedBroker: false`).
 *
 * The e2e global setup makes the folder SHARED_BROKERS_ENV names; the broker of jest worker N is described in
 * `<folder>/worker-N.json`, and the global teardown stops every broker there (stopSharedBrokers).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Kafka } from "kafkajs";
import { withAdminOnce } from "../consumers/topic-io";
import { distinctFreePorts } from "../lib/ports";
import { signalGroup, sleep } from "../lib/run";
import { ARCHIVE_WRITING_GRACE_MS } from "./class-data-sharing";
import { type KafkaHandle, localKafkaClient, startKafka } from "./kafka";
import { detach, type Progress, processStartTime } from "./processes";

export const SHARED_BROKERS_ENV = "CDC_ROUTING_SHARED_BROKERS";

interface BrokerRecord {
  pid: number;
  /** Tells the broker from a later process with the same pid (processStartTime). */
  startTime: string;
  port: number;
  controllerPort: number;
  /** The test file (module instance) using it now, or undefined once its pipeline stopped. */
  holder?: string;
}

/** This module's instance: jest loads modules again for each test file, so it names the suite that holds a broker. */
const HOLDER = randomBytes(6).toString("hex");

/** The record file of this jest worker's broker, or undefined where brokers are not shared. */
function slotFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[SHARED_BROKERS_ENV];
  const worker = env.JEST_WORKER_ID;
  return dir && worker ? join(dir, `worker-${worker}.json`) : undefined;
}

function readRecord(file: string): BrokerRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BrokerRecord;
  } catch {
    return undefined;
  }
}

/** Written under a temporary name and renamed: a reader never sees half a record. */
function writeRecord(file: string, record: BrokerRecord): void {
  writeFileSync(`${file}.new`, JSON.stringify(record));
  renameSync(`${file}.new`, file);
}

function running(record: BrokerRecord): boolean {
  return processStartTime(record.pid) === record.startTime;
}

/**
 * Deletes every consumer group and every topic but Kafka's own, and waits until the broker lists none: topic
 * deletion is asynchronous, and a topic created again under the same name before it finished would be refused.
 */
export async function emptyBroker(client: Kafka, timeoutMs = 30_000): Promise<void> {
  await withAdminOnce(client, async (admin) => {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    // Throws for a group that still has members: a consumer of the last suite still running is no empty broker.
    if (groups.length > 0) await admin.deleteGroups(groups);
    const own = (topics: string[]) => topics.filter((t) => !t.startsWith("__"));
    const topics = own(await admin.listTopics());
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    while (own(await admin.listTopics()).length > 0) {
      if (Date.now() > deadline) throw new Error(`topics still listed ${timeoutMs / 1000} s after their deletion`);
      await sleep(200);
    }
  });
}

/** SIGTERM to the broker's process group, SIGKILL once `graceMs` passed; resolves when it is gone. */
async function stopBroker(record: BrokerRecord, graceMs = ARCHIVE_WRITING_GRACE_MS): Promise<void> {
  signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (running(record)) {
    if (Date.now() > deadline) signalGroup(record.pid, "SIGKILL");
    await sleep(100);
  }
}

export interface SharedBroker {
  kafka: KafkaHandle;
  ports: { kafka: number; kafkaController: number };
  /** Hands the broker back, for the next suite: when the pipeline stops. */
  release(): void;
}

/**
 * This jest worker's broker, emptied, for a pipeline; undefined where brokers are not shared here or the worker's
 * broker is held by another pipeline of this suite.
 */
export async function sharedBroker(progress: Progress): Promise<SharedBroker | undefined> {
  const file = slotFile();
  if (!file) return undefined;
  const previous = readRecord(file);
  if (previous?.holder === HOLDER) return undefined;
  let record: BrokerRecord | undefined;
  if (previous && running(previous)) {
    try {
      await emptyBroker(localKafkaClient(`127.0.0.1:${previous.port}`));
      record = previous;
      progress(`kafka broker of the last suite emptied, on 127.0.0.1:${previous.port}`);
    } catch (e) {
      progress(`the last suite's kafka broker could not be emptied (${(e as Error).message}): starting another`);
      await stopBroker(previous, 10_000);
    }
  }
  if (!record) {
    const [port, controllerPort] = await distinctFreePorts(2);
    const workDir = join(dirname(file), `broker-${randomBytes(4).toString("hex")}`);
    mkdirSync(workDir, { recursive: true });
    const started = await startKafka({ port, controllerPort, workDir }, progress);
    // The run's teardown stops it, not this suite's stopAll.
    detach(started.service);
    const pid = started.service.child.pid as number;
    record = { pid, startTime: processStartTime(pid) ?? "?", port, controllerPort };
  }
  writeRecord(file, { ...record, holder: HOLDER });
  const kept = record;
  const bootstrapServers = `127.0.0.1:${kept.port}`;
  return {
    kafka: { bootstrapServers, client: localKafkaClient(bootstrapServers) },
    ports: { kafka: kept.port, kafkaController: kept.controllerPort },
    release: () => writeRecord(file, { ...kept, holder: undefined }),
  };
}

/** The global teardown's: stops every shared broker of the run; returns how many ran. */
export async function stopSharedBrokers(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  const records = readdirSync(dir)
    .filter((f) => /^worker-\d+\.json$/.test(f))
    .map((f) => readRecord(join(dir, f)))
    .filter((r): r is BrokerRecord => r !== undefined && running(r));
  await Promise.all(records.map((r) => stopBroker(r)));
  return records.length;
}
