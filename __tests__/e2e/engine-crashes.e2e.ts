/**
 * The load generator and engine crashes on dev deployed to the local Confluent (bench/load/, bench/faults/
 * engine-crashes.ts): a short clean load, then each crash kind once under a little load at a seeded point (kill -9
 * of the Kafka Connect worker, of the Kafka broker, of the statement's Flink JVM recovered from its last checkpoint,
 * a PostgreSQL restart). After each: no routed event lost; the routing adds no copies beyond the raw topic's, except
 * a Flink recovery's replay (the local sinks are at-least-once, docs/reliability.md "Engine crashes"); `cdc-routing
 * status` during the crash did not report the stage healthy. The full trials: npm run bench:faults:engines.
 */

import {
  CRASH_KINDS,
  type CrashContext,
  crashTrial,
  DEFAULT_CRASH_OPTIONS,
  deployedDev,
  loadOptions,
} from "../../bench/faults/engine-crashes";
import { RAW_TOPIC_ROW, runLoad } from "../../bench/load/generator";
import { seededRandom } from "../../lib/seeded-random";
import { TemporaryDirs } from "../../local/processes";
import { realProvidersOrNotRun } from "./stack-on-double";

const why = realProvidersOrNotRun("engine crash suite", "engine crashes");

const log = process.env.CDC_ROUTING_VERBOSE
  ? (line: string) => process.stderr.write(`[crash] ${line}\n`)
  : () => undefined;
const temporary = new TemporaryDirs();
const SEED = 29;
const random = seededRandom(SEED);

(why ? describe.skip : describe)("load and engine crashes on dev deployed to the local Confluent", () => {
  let context: CrashContext;

  beforeAll(async () => {
    context = await deployedDev(log, (label) => temporary.create(label));
  }, 600_000);
  afterAll(async () => {
    await context?.local.stop();
    temporary.removeAll();
  }, 120_000);

  test("a clean load of 4 KiB events: every routed event arrives once, with its latency", async () => {
    const result = await runLoad(
      { ...loadOptions(context, 20, 5), payload: "4k" },
      { filters: context.filters, progress: log },
    );
    expect(result.written).toBe(100);
    expect(result.consumers.map((c) => [c.consumer, c.lost, c.duplicated, c.unexpected])).toEqual(
      result.consumers.map((c) => [c.consumer, 0, 0, 0]),
    );
    const raw = result.consumers.find((c) => c.consumer === RAW_TOPIC_ROW);
    expect(raw?.received).toBe(100);
    expect(result.consumers.every((c) => c.expected === 0 || (c.latencyMs.p99 ?? -1) >= 0)).toBe(true);
  }, 240_000);

  test.each(CRASH_KINDS)(
    "%s crash while rows flow: nothing lost, no copies added by the routing",
    async (kind) => {
      const options = {
        ...DEFAULT_CRASH_OPTIONS,
        rate: 20,
        downSeconds: 2,
        tailSeconds: 2,
        statusTimeoutMs: 20_000,
        progress: log,
      };
      const crashAfterMs = Math.round((2 + random() * 2) * 1000);
      const trial = await crashTrial(kind, context, options, crashAfterMs, `e2e-crash-${kind}-${SEED}`);
      process.stderr.write(
        `${kind}: lost ${trial.lost}, duplicated raw ${trial.duplicated.raw} routed ${trial.duplicated.routed} (added by routing ${trial.duplicated.addedByRouting}), recovered in ${trial.recoverySeconds.toFixed(1)} s; status exit ${trial.status.exitCode}:\n${trial.status.lines.map((l) => `  ${l}`).join("\n")}\n`,
      );
      expect({ lost: trial.lost, rawLost: trial.rawLost, snapshotReads: trial.snapshotReads }).toEqual({
        lost: 0,
        rawLost: 0,
        snapshotReads: 0,
      });
      // Exactly-once sinks (as on Confluent Cloud): a recovered Flink job does not write again what it had written.
      expect(trial.duplicated.addedByRouting).toBe(0);
      expect(Number.isFinite(trial.recoverySeconds)).toBe(true);
      // Unhealthy (1) or cannot tell (2, a service down), or no answer in time: never "healthy" during a crash.
      expect(trial.status.exitCode).not.toBe(0);
    },
    300_000,
  );
});
