/** The engine crash trials' pure parts (bench/faults/engine-crashes.ts): seeded points, duplicates per stage, rows. */

import { addedByRouting, type CrashTrial, crashRow, statusLines } from "../../bench/faults/engine-crashes";
import { RAW_TOPIC_ROW } from "../../bench/load/generator";
import { LoadLedger } from "../../bench/load/ledger";
import { seededRandom } from "../../lib/seeded-random";

describe("engine crash trials", () => {
  test("the seeded generator replays: same seed, same crash points; values in [0, 1)", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(29)).toEqual(draw(29));
    expect(draw(29)).not.toEqual(draw(30));
    expect(draw(1).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  test("copies the routing added: beyond the raw topic's copies of the same event only", () => {
    const ledger = new LoadLedger(["a", RAW_TOPIC_ROW]);
    for (const id of ["e1", "e2", "e3"]) ledger.committed(id, 0, ["a", RAW_TOPIC_ROW]);
    // e1: the connector sent it twice, so did the routing (the replay, not the routing's doing)
    for (const c of ["a", "a", RAW_TOPIC_ROW, RAW_TOPIC_ROW]) ledger.received(c, "e1", 1);
    // e2: once on the raw topic, three times to the consumer: two added by the routing
    for (const c of ["a", "a", "a", RAW_TOPIC_ROW]) ledger.received(c, "e2", 1);
    ledger.received("a", "e3", 1);
    ledger.received(RAW_TOPIC_ROW, "e3", 1);
    expect(addedByRouting(ledger)).toBe(2);
  });

  test("status lines worth quoting: unhealthy rows, verdict, errors", () => {
    const text = [
      "cdc-routing status: dev",
      "  connector  cdc-routing-dev  RUNNING",
      "! task       0                FAILED   connection refused",
      "verdict: dev is UNHEALTHY: 1 of 2 checks: task 0 FAILED",
      "error: Kafka at 127.0.0.1:1 (PLAINTEXT): timeout",
    ].join("\n");
    expect(statusLines(text)).toEqual([
      "! task       0                FAILED   connection refused",
      "verdict: dev is UNHEALTHY: 1 of 2 checks: task 0 FAILED",
      "error: Kafka at 127.0.0.1:1 (PLAINTEXT): timeout",
    ]);
  });

  test("a kind's trials as one fault report row", () => {
    const trial = (recoverySeconds: number, raw: number, exitCode: number | undefined): CrashTrial => ({
      kind: "connect",
      lost: 0,
      rawLost: 0,
      duplicated: { raw, routed: raw, addedByRouting: 0 },
      snapshotReads: 0,
      taskRestarts: 0,
      downSeconds: 10,
      recoverySeconds,
      status: { kind: "connect", exitCode, lines: [] },
    });
    expect(crashRow("connect", [trial(20, 3, 1), trial(25, 0, undefined), trial(Number.NaN, 0, 1)])).toEqual({
      fault: "kill -9 Kafka Connect worker, restart (connector resumes from its offsets)",
      trials: 3,
      lost: 0,
      duplicated: { raw: 3, routed: 3, "added by routing": 0 },
      recoverySeconds: [20, 25],
      note: "1 trials not caught up within the timeout; down 10, 10, 10 s; status during the fault: exit 1, no answer",
    });
  });
});
