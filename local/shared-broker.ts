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
 * The broker of jest worker N is described in `<folder>/worker-N.kafka.json` of the run's shared engines
 * (local/worker-slots.ts), whose teardown stops it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Kafka } from "kafkajs";
import { withAdminOnce } from "../consumers/topic-io";
import { distinctFreePorts } from "../lib/ports";
import { sleep } from "../lib/run";
import { type KafkaHandle, localKafkaClient, startKafka } from "./kafka";
import { detach, type Progress, processStartTime } from "./processes";
import { heldHere, hold, readSlot, type SlotRecord, slotFile, slotRunning, stopSlotProcess } from "./worker-slots";

interface BrokerRecord extends SlotRecord {
  port: number;
  controllerPort: number;
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
  const file = slotFile("kafka");
  if (!file) return undefined;
  const previous = readSlot<BrokerRecord>(file);
  if (heldHere(previous)) return undefined;
  let record: BrokerRecord | undefined;
  if (previous && slotRunning(previous)) {
    try {
      await emptyBroker(localKafkaClient(`127.0.0.1:${previous.port}`));
      record = previous;
      progress(`kafka broker of the last suite emptied, on 127.0.0.1:${previous.port}`);
    } catch (e) {
      progress(`the last suite's kafka broker could not be emptied (${(e as Error).message}): starting another`);
      await stopSlotProcess(previous, 10_000);
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
  const release = hold(file, record);
  const bootstrapServers = `127.0.0.1:${record.port}`;
  return {
    kafka: { bootstrapServers, client: localKafkaClient(bootstrapServers) },
    ports: { kafka: record.port, kafkaController: record.controllerPort },
    release,
  };
}
