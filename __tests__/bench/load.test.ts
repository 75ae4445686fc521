/** The load generator's pure parts (bench/load/): arguments, rate schedule, padded events, percentiles, accounting. */
import { LoadLedger, loadTable, percentile } from "../../bench/load/ledger";
import {
  checkedDatabaseUrl,
  describeDatabaseUrl,
  dueAtMs,
  eventCount,
  eventKinds,
  LOCAL_DATABASE_URL,
  loadEvent,
  PADDING_FIELD,
  PAYLOAD_BYTES,
  paddedEvent,
  parseLoadArgs,
  userIndexes,
} from "../../bench/load/plan";
import { routeEvent } from "../../filters/evaluate";
import { loadFilters } from "../../filters/load";
import { UsageError } from "../../lib/errors";

const filters = loadFilters("filters/filters.yaml");

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a usage error");
}

describe("load generator arguments", () => {
  test("defaults: 100/s for 30 s, 400b, 4 users, dev, the local pipeline of npm run local:up", () => {
    expect(parseLoadArgs([])).toEqual({
      rate: 100,
      durationSeconds: 30,
      payload: "400b",
      users: 4,
      stage: "dev",
      databaseUrl: LOCAL_DATABASE_URL,
      bootstrapServers: "127.0.0.1:19092",
      drainSeconds: 60,
    });
  });

  test("the options of the upstream script, and the environment's database and brokers", () => {
    const o = parseLoadArgs(
      ["--rate", "200", "--duration", "2m", "--payload", "64k", "--users", "8", "--stage", "prod"],
      { DATABASE_URL: "postgresql://app@db.internal:5432/business", KAFKA_BOOTSTRAP_SERVERS: "k:9092" },
    );
    expect(o).toMatchObject({ rate: 200, durationSeconds: 120, payload: "64k", users: 8, stage: "prod" });
    expect([o.databaseUrl, o.bootstrapServers]).toEqual(["postgresql://app@db.internal:5432/business", "k:9092"]);
  });

  test("input errors name the value and what is allowed", () => {
    expect(usageError(() => parseLoadArgs(["--payload", "5k"]))).toBe("unknown payload size '5k'; did you mean '4k'?");
    expect(usageError(() => parseLoadArgs(["--rate", "0"]))).toBe("--rate must be a positive number, not '0'");
    expect(usageError(() => parseLoadArgs(["--rate=-5"]))).toBe("--rate must be a positive number, not '-5'");
    expect(usageError(() => parseLoadArgs(["--users", "1.5"]))).toBe(
      "--users must be a positive whole number, not '1.5'",
    );
    expect(usageError(() => parseLoadArgs(["--rate", "2", "--users", "4"]))).toMatch(/more than --rate 2/);
    expect(usageError(() => parseLoadArgs(["--duration", "30"]))).toMatch(/^--duration: "30" is not a duration/);
    expect(usageError(() => parseLoadArgs(["--stage", "prd"]))).toMatch(/^unknown stage 'prd'; did you mean 'prod'/);
    expect(usageError(() => parseLoadArgs(["--rat", "5"]))).toMatch(/^unknown option '--rat'; did you mean '--rate'/);
  });

  test("a password in the database URL is refused without echoing it; PGPASSWORD carries it", () => {
    const message = usageError(() => checkedDatabaseUrl("postgresql://app:hunter2@db:5432/business"));
    expect(message).toBe("--database-url must not hold a password: set PGPASSWORD in the environment instead");
    expect(message).not.toContain("hunter2");
    expect(usageError(() => checkedDatabaseUrl("mysql://db/x"))).toMatch(/must start with postgresql:\/\//);
    expect(describeDatabaseUrl("postgresql://app@db:5432/business")).toBe("app@db:5432/business");
  });
});

describe("rate schedule", () => {
  test("rate × duration events, evenly spaced", () => {
    expect([eventCount(200, 30), eventCount(0.5, 3), eventCount(0.1, 1)]).toEqual([6000, 1, 1]);
    expect([0, 1, 199, 200].map((i) => dueAtMs(i, 200))).toEqual([0, 5, 995, 1000]);
  });

  test("virtual users take every users-th event: all events once, each user's in order", () => {
    const all = [0, 1, 2].flatMap((u) => userIndexes(u, 3, 10));
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(userIndexes(1, 3, 10)).toEqual([1, 4, 7]);
  });
});

describe("padded events", () => {
  test.each(Object.entries(PAYLOAD_BYTES))(
    "%s: event_data is exactly that many bytes and routes as before",
    (_, bytes) => {
      const kinds = eventKinds(filters, "dev", bytes);
      expect(kinds.length).toBeGreaterThan(0);
      for (const e of kinds) {
        expect(Buffer.byteLength(String(e.event_data))).toBe(bytes);
        expect(routeEvent(filters, "dev", e).length).toBeGreaterThan(0);
      }
    },
  );

  test("padding goes into a field no filter reads; an event larger than the size is refused", () => {
    const [kind] = eventKinds(filters, "dev", 400);
    expect(JSON.parse(String(kind.event_data))).toHaveProperty(PADDING_FIELD);
    expect(usageError(() => paddedEvent(filters, "dev", kind, 10))).toMatch(/more than 10$/);
  });

  test("events cycle through the kinds under run-unique ids", () => {
    const kinds = eventKinds(filters, "dev", 400);
    const events = [0, 1, kinds.length].map((i) => loadEvent(kinds, "load-x", i));
    expect(events.map((e) => e.id)).toEqual(["load-x-0", "load-x-1", `load-x-${kinds.length}`]);
    expect(events[2].event_type).toBe(events[0].event_type);
  });
});

describe("percentile (nearest rank)", () => {
  test("p50, p95, p99 of 1..100 and of a few values; none for no values", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 95, 99, 100].map((p) => percentile(hundred, p))).toEqual([50, 95, 99, 100]);
    expect([0, 50, 99].map((p) => percentile([10, 20, 30], p))).toEqual([10, 20, 30]);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("lost and duplicated accounting", () => {
  test("per consumer: received, lost, extra copies, unexpected, latency from commit to first receipt", () => {
    const ledger = new LoadLedger(["a", "b"]);
    ledger.committed("e1", 1000, ["a", "b"]);
    ledger.committed("e2", 1100, ["a"]);
    ledger.committed("e3", 1200, ["b"]);
    ledger.received("a", "e1", 1050);
    ledger.received("a", "e1", 1500); // a replay
    ledger.received("a", "e2", 1300);
    ledger.received("b", "e1", 1010);
    ledger.received("b", "e2", 1400); // not routed to b
    expect(ledger.complete()).toBe(false); // e3 has not reached b
    expect(ledger.progress()).toEqual({ received: 3, expected: 4 });
    const [a, b] = ledger.report();
    expect(a).toEqual({
      consumer: "a",
      expected: 2,
      received: 2,
      lost: 0,
      duplicated: 1,
      unexpected: 0,
      rowsPerSecond: 2 / 0.3,
      latencyMs: { p50: 50, p95: 200, p99: 200 },
    });
    expect(b).toMatchObject({ expected: 2, received: 1, lost: 1, duplicated: 0, unexpected: 1 });
    expect(ledger.duplicatedIds("a")).toEqual(new Map([["e1", 2]]));
    expect(ledger.copies("b", "e1")).toBe(1);
    expect(loadTable([a])).toContain("| a | 2 | 2 | 6.7 | 50 | 200 | 200 | 0 | 1 | 0 |");
  });

  test("a receipt handled before its commit was timed counts 0 ms", () => {
    const ledger = new LoadLedger(["a"]);
    ledger.received("a", "e1", 990);
    ledger.committed("e1", 1000, ["a"]);
    expect(ledger.complete()).toBe(true);
    expect(ledger.report()[0].latencyMs.p50).toBe(0);
  });
});

describe("recovery after a fault", () => {
  test("the first commit from a time, and whether everything committed up to a time has arrived", () => {
    const ledger = new LoadLedger(["a"]);
    ledger.committed("e1", 1000, ["a"]);
    ledger.committed("e2", 2000, ["a"]);
    ledger.committed("e3", 3000, ["a"]);
    ledger.received("a", "e1", 1100);
    expect([ledger.firstCommitFrom(1500), ledger.firstCommitFrom(3001)]).toEqual([2000, undefined]);
    expect([ledger.caughtUpTo(1000), ledger.caughtUpTo(2000)]).toEqual([true, false]);
    ledger.received("a", "e2", 2500);
    expect(ledger.caughtUpTo(2000)).toBe(true);
  });
});
