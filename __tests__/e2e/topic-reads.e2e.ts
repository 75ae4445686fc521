/**
 * consumers/topic-io.ts on a real broker: a topic written in transactions, as a Flink statement's exactly-once sink
 * writes its consumer topic, holds a commit marker after each transaction (an offset, no record). Reading it to its
 * end goes by position, so it returns at once, where counting records up to the end offsets never gets there.
 */
import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";
import { endOffsets, readAllRecords, readIds, totalRecords } from "../../consumers/topic-io";
import { sleep } from "../../lib/run";
import { ensureTopics, type StartedKafka, startKafka } from "../../local/kafka";
import { freePorts } from "../../local/pipeline";
import { TemporaryDirs } from "../../local/processes";
import { type SharedBroker, sharedBroker } from "../../local/shared-broker";
import { ENGINES_STOP_MS } from "./harness";

const quiet = () => undefined;
const temporary = new TemporaryDirs();
const TOPIC = "filtered-orders";

/** Two transactions of three records each, then one aborted record: 9 offsets on one partition, 6 records read. */
async function writeInTransactions(client: Kafka): Promise<string[]> {
  const producer = client.producer({
    transactionalId: `topic-reads-${randomUUID()}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const committed: string[] = [];
  try {
    for (const batch of ["a", "b"]) {
      const transaction = await producer.transaction();
      const ids = [1, 2, 3].map((i) => `${batch}${i}`);
      await transaction.send({
        topic: TOPIC,
        messages: ids.map((id) => ({ key: id, partition: 0, value: JSON.stringify({ id }) })),
      });
      await transaction.commit();
      committed.push(...ids);
    }
    const aborted = await producer.transaction();
    await aborted.send({ topic: TOPIC, messages: [{ key: "x", partition: 0, value: JSON.stringify({ id: "x" }) }] });
    await aborted.abort();
  } finally {
    await producer.disconnect();
  }
  return committed;
}

/**
 * The topic's end offsets once they count `offsets`: the transaction coordinator answers a commit or abort once its
 * decision is logged and writes the markers to the partitions after (apache/kafka TransactionCoordinator, "we can
 * respond to the client immediately and continue to write the txn markers"), so right after abort() returned the
 * last markers may not be there yet.
 */
async function endOffsetsCounting(client: Kafka, offsets: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ends = await endOffsets(client, [TOPIC]);
    const counted = totalRecords(undefined, ends);
    if (counted === BigInt(offsets)) return ends;
    if (counted > BigInt(offsets) || Date.now() > deadline)
      throw new Error(`the end offsets count ${counted} offsets, not ${offsets}`);
    await sleep(100);
  }
}

describe("reading a topic written in transactions", () => {
  let shared: SharedBroker | undefined;
  let own: StartedKafka | undefined;
  let client: Kafka;

  beforeAll(async () => {
    shared = await sharedBroker(quiet);
    if (shared) client = shared.kafka.client;
    else {
      const ports = await freePorts();
      own = await startKafka(
        { port: ports.kafka, controllerPort: ports.kafkaController, workDir: temporary.create("topic-reads") },
        quiet,
      );
      client = own.client;
    }
    await ensureTopics(client, [TOPIC], 2);
  }, 120_000);
  afterAll(async () => {
    shared?.release();
    await own?.service.stop();
    temporary.removeAll();
  }, ENGINES_STOP_MS);

  test("readAllRecords returns every committed record well within its timeout; the markers are no records", async () => {
    const committed = await writeInTransactions(client);
    // Not vacuous: the end offsets count more than the records (3 markers and the aborted record).
    const ends = await endOffsetsCounting(client, committed.length + 4);

    const started = Date.now();
    const records = await readAllRecords(client, TOPIC, 60_000);
    expect(records.map((r) => JSON.parse(r.value!).id)).toEqual(committed);
    expect(Date.now() - started).toBeLessThan(30_000);

    // readIds up to end offsets, as a finished bounded job is read: by position too, not by waiting out its timeout.
    const readFrom = Date.now();
    const ids = await readIds(client, [TOPIC], { until: ends, timeoutMs: 60_000 });
    expect(ids.get(TOPIC)).toEqual(committed);
    expect(Date.now() - readFrom).toBeLessThan(30_000);
  }, 120_000);

  test("readAllRecords of an empty topic returns no record at once", async () => {
    await ensureTopics(client, ["empty-topic"], 1);
    expect(await readAllRecords(client, "empty-topic", 10_000)).toEqual([]);
  }, 60_000);
});
