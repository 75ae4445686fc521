/**
 * The whole local pipeline: rows written to PostgreSQL are captured by Debezium (the stage's connector
 * configuration), arrive flattened in raw-business-events, are routed by the generated SQL on Flink, and the
 * example kafkajs consumers receive and parse exactly their events.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { consumerGroup } from "../../access/grants";
import { run } from "../../cli/cdc-routing";
import { type RunningConsumer, startRoutedConsumer } from "../../consumers/consumer";
import type { RoutedEvent } from "../../consumers/record";
import { readRecords, withAdmin } from "../../consumers/topic-io";
import { type RawEvent, routeEvent } from "../../filters/evaluate";
import { topicsByConsumer } from "../../filters/topic-scopes";
import { RUN_ENTRY_POINT, sleep } from "../../lib/run";
import { routingStatements } from "../../local/flink";
import type { PostgresHandle } from "../../local/postgres";
import { recordStarted } from "../../local/processes";
import { readCorpus } from "../../review/impact-input";
import { temporaryDirectory } from "../support/helpers";
import { useEngines } from "./harness";

const data = (entityType: string) => ({
  eventHeader: { uuid: "u-1", eventName: "n", eventType: "t" },
  eventBody: { entities: [{ entityType, entityId: "e-1", updatedAttributes: { amount: 12.5 } }] },
});

async function insert(pg: PostgresHandle, id: string, eventType: string, entityType: string): Promise<void> {
  const client = await pg.connect();
  try {
    await client.query(
      "INSERT INTO business_events VALUES ($1, $2, $2, '2026-11-25T10:00:00Z', '2026-11-25T10:00:01Z', $3)",
      [id, eventType, JSON.stringify(data(entityType))],
    );
  } finally {
    await client.end();
  }
}

const engines = useEngines({
  capture: true,
  flink: true,
  beforeCapture: (pg) => insert(pg, "snap-1", "LoanCreated", "Loan"),
});

describe("PostgreSQL -> Debezium -> raw-business-events", () => {
  test("rows arrive flattened, with __op/__table/__ts_ms, deletes rewritten and no tombstones", async () => {
    const { pipeline } = engines;
    await insert(pipeline.postgres, "cap-1", "CarCreated", "Car");
    const client = await pipeline.postgres.connect();
    await client.query("UPDATE business_events SET event_name = 'renamed' WHERE id = 'cap-1'");
    await client.query("DELETE FROM business_events WHERE id = 'cap-1'");
    await client.end();
    const records = await readRecords(pipeline.kafka.client, pipeline.filters.sourceTopic, 4, 60_000);
    expect(records.every((r) => r.value !== null)).toBe(true);
    const rows = records.map((r) => JSON.parse(r.value!) as Record<string, unknown>);
    // Order holds per key (one partition per key), not across keys.
    const ofRow = (id: string) => rows.filter((r) => r.id === id);
    expect(ofRow("snap-1").map((r) => r.__op)).toEqual(["r"]);
    expect(ofRow("cap-1").map((r) => r.__op)).toEqual(["c", "u", "d"]);
    const [snapshot] = ofRow("snap-1");
    const [created, updated, deleted] = ofRow("cap-1");
    expect(Object.keys(created).sort()).toEqual([
      "__deleted",
      "__op",
      "__table",
      "__ts_ms",
      "created_date",
      "event_data",
      "event_name",
      "event_type",
      "id",
      "saved_date",
    ]);
    expect(created).toMatchObject({
      event_type: "CarCreated",
      event_name: "CarCreated",
      __table: "business_events",
      created_date: "2026-11-25T10:00:00Z",
      __deleted: "false",
    });
    expect(JSON.parse(created.event_data as string)).toEqual(data("Car"));
    expect(typeof created.__ts_ms).toBe("number");
    expect(snapshot.event_type).toBe("LoanCreated");
    expect(updated.event_name).toBe("renamed");
    expect(deleted).toMatchObject({ id: "cap-1", __deleted: "true" });
    expect(records.map((r) => JSON.parse(r.key!)).filter((k) => k.id === "cap-1")).toHaveLength(3);
  });
});

describe("routed topics -> example consumers", () => {
  const received = new Map<string, RoutedEvent[]>();
  const consumers: RunningConsumer[] = [];
  let job: { cancel(): Promise<void> } | undefined;

  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await job?.cancel();
  });

  test("each consumer receives and parses exactly the events its filters route to it", async () => {
    const { pipeline, flink } = engines;
    job = await flink!.submit(
      routingStatements(pipeline.filters, {
        bootstrapServers: pipeline.kafka.bootstrapServers,
        groupId: "e2e-routing",
      }),
    );
    const byConsumer = topicsByConsumer(pipeline.filters.filters);
    for (const [consumer, topics] of byConsumer) {
      received.set(consumer, []);
      consumers.push(
        await startRoutedConsumer({
          kafka: pipeline.kafka.client,
          consumer,
          topics,
          handle: async (event) => void received.get(consumer)!.push(event),
        }),
      );
    }
    const rows: Array<[string, string, string]> = [
      ["live-loan", "LoanCreated", "Loan"],
      ["live-payment", "LoanPaymentSubmitted", "LoanPayment"],
      ["live-payment-wrong-entity", "LoanPaymentSubmitted", "Loan"],
      ["live-car", "CarCreated", "Car"],
      ["live-service", "CarServiceDone", "ServiceRecord"],
      ["live-unrouted", "SomethingElse", "Other"],
    ];
    for (const [id, type, entity] of rows) await insert(pipeline.postgres, id, type, entity);

    // Expected per consumer from the evaluator, over every captured row (the earlier test's rows included).
    const captured = (
      await readRecords(pipeline.kafka.client, pipeline.filters.sourceTopic, 4 + rows.length, 60_000)
    ).map((r) => JSON.parse(r.value!) as RawEvent);
    const expected = new Map([...byConsumer.keys()].map((c) => [c, [] as string[]]));
    const consumerOf = new Map(pipeline.filters.filters.map((f) => [f.outputTopic, f.consumer]));
    for (const row of captured)
      for (const topic of routeEvent(pipeline.filters, "dev", row))
        expected.get(consumerOf.get(topic)!)!.push(`${row.id}/${row.__op}`);

    const deadline = Date.now() + 90_000;
    const got = () => new Map([...received].map(([c, events]) => [c, events.map((e) => `${e.id}/${e.op}`).sort()]));
    const want = new Map([...expected].map(([c, ids]) => [c, ids.sort()]));
    while (Date.now() < deadline && JSON.stringify([...got()]) !== JSON.stringify([...want])) await sleep(500);
    await sleep(2000); // late duplicates would show up here
    expect(got()).toEqual(want);
    expect(want.get("loan-payments")).toEqual(["live-payment/c"]);
    const payment = received.get("loan-payments")![0];
    expect(payment.data?.eventBody?.entities?.[0]).toEqual({
      entityType: "LoanPayment",
      entityId: "e-1",
      updatedAttributes: { amount: 12.5 },
    });
    expect(payment.eventType).toBe("LoanPaymentSubmitted");
  });

  test("cdc-routing sample writes a corpus of the raw topic with only the fields the filters read, which impact reads", async () => {
    const pipeline = engines.pipeline;
    const dir = temporaryDirectory("sample");
    const out = join(dir, "corpus.jsonl");
    let err = "";
    const code = await run(
      [
        "sample",
        "--topic",
        "raw-business-events",
        "--count",
        "3",
        "--out",
        out,
        "--bootstrap-servers",
        pipeline.kafka.bootstrapServers,
      ],
      { out: () => undefined, err: (s) => (err += s) },
    );
    expect([code, err]).toEqual([0, expect.stringContaining(`${out}: 3 events (only the fields the filters read)`)]);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      // The shipped filters read event_type and one path into event_data; nothing else of the payload is kept.
      expect(Object.keys(line).sort()).toEqual(["__op", "__topic", "event_data", "event_type", "id"]);
      // A row without event_data (a delete's) keeps it NULL; the others keep only the one path read.
      if (line.event_data !== null)
        expect(JSON.parse(line.event_data)).toEqual({ eventBody: { entities: [{ entityType: expect.any(String) }] } });
    }
    const corpus = readCorpus(out, pipeline.filters.sourceTopic);
    expect(corpus.map((e) => e.source)).toEqual(["raw-business-events", "raw-business-events", "raw-business-events"]);
  });

  test("consumers commit their offsets after processing", async () => {
    const { pipeline } = engines;
    await withAdmin(pipeline.kafka.client, async (admin) => {
      for (const [consumer, topics] of topicsByConsumer(pipeline.filters.filters)) {
        const [committed] = await admin.fetchOffsets({ groupId: consumerGroup(consumer), topics });
        const high = await admin.fetchTopicOffsets(topics[0]);
        const byPartition = new Map(high.map((p) => [p.partition, p.high]));
        for (const p of committed.partitions)
          expect({ consumer, partition: p.partition, offset: p.offset === "-1" ? "0" : p.offset }).toEqual({
            consumer,
            partition: p.partition,
            offset: byPartition.get(p.partition),
          });
      }
    });
  });

  test("the consumer command stops cleanly on SIGTERM", async () => {
    const { pipeline } = engines;
    // The in-process consumers share the command's group; stop them so it owns every partition.
    for (const c of consumers.splice(0)) await c.stop();
    // As `npm run consumer` runs it (bin/run.js, one process). Not through tsx: its CLI passes SIGTERM on to the
    // process it starts and, unless that process says within 30 ms that it got it, kills it and exits 143 (seen
    // under load, 2026-12-07).
    const child = spawn(process.execPath, [RUN_ENTRY_POINT, "consumers/consumer.ts", "loan-servicing"], {
      env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: pipeline.kafka.bootstrapServers },
      stdio: ["ignore", "pipe", "pipe"],
    });
    recordStarted(child.pid);
    try {
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      // Its group already committed everything; a new event proves it is consuming before we stop it.
      await insert(pipeline.postgres, "live-loan-2", "LoanCreated", "Loan");
      const deadline = Date.now() + 60_000;
      while (!stdout.includes("live-loan-2") && Date.now() < deadline) await sleep(250);
      expect(stdout).toContain("filtered-loan-created-events");
      const exit = new Promise<number | null | "hung">((resolve) => {
        child.once("exit", (code) => resolve(code));
        setTimeout(() => resolve("hung"), 20_000).unref();
      });
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
      expect(stderr).toContain("SIGTERM");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
