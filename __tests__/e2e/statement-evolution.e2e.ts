/**
 * Filter evolution on real engines, Apache Flink's counterpart of Confluent's carry-over offsets: while events
 * flow, the v1 job is stopped with a savepoint and the v2 job (the bumped filters) starts from the Kafka source
 * positions in that savepoint. Every matching event must reach the consumer topics exactly once: none replayed,
 * none skipped. Starting v2 from the earliest offset instead (a new statement without carry-over) must show up
 * as duplicates.
 *
 * Why a savepoint and not the consumer group: Flink 2.2 does not commit source offsets at a stop savepoint, so a
 * successor reading group-offsets replays everything since the last checkpoint (seen here: duplicates). The
 * source's state is restored by operator uid: both jobs generate uids (`table.exec.uid.generation`) and each is
 * the first plan of its own JVM, so the source gets the same uid in both.
 */
import { compareRouting, expectedRouting } from "../../consumers/routing-check";
import { sampleEvents } from "../../consumers/sample-events";
import { endOffsets, produceEvents, readIds, totalRecords } from "../../consumers/topic-io";
import type { RawEvent } from "../../filters/evaluate";
import type { FilterSet } from "../../filters/model";
import { sleep } from "../../lib/run";
import { FlinkRunner, routingStatements as statements } from "../../local/flink";
import { useEngines } from "./harness";

const engines = useEngines({ capture: false, flink: true });
const GROUP = "evolution-routing";
const UIDS = "SET 'table.exec.uid.generation' = 'ALWAYS'";

/** The same routing under a new version: a new statement, as a version bump makes in Confluent Cloud. */
const bumped = (set: FilterSet): FilterSet => ({
  ...set,
  filters: set.filters.map((f) => ({ ...f, version: f.version + 1 })),
});

test("a version switch while events flow: every matching event exactly once", async () => {
  const { pipeline, flink } = engines;
  const { filters } = pipeline;
  const kafka = { bootstrapServers: pipeline.kafka.bootstrapServers, groupId: GROUP };
  const topics = filters.filters.map((f) => f.outputTopic);
  const template = sampleEvents(filters, "t");
  const produced: RawEvent[] = [];
  let producing = true;
  const producer = (async () => {
    for (let batch = 0; producing; batch++) {
      const events = template.map((e, i) => ({ ...e, id: `evo-${batch}-${i}` }));
      await produceEvents(pipeline.kafka.client, filters.sourceTopic, events);
      produced.push(...events);
      await sleep(100);
    }
  })();

  const v1 = await flink!.submit([UIDS, ...statements(filters, { ...kafka, startupMode: "earliest-offset" })]);
  await sleep(4000);
  const savepoint = await v1.stopWithSavepoint();
  const atSwitch = produced.length;
  const successor = await FlinkRunner.start(
    { workDir: pipeline.workDir, config: { "parallelism.default": "1" } },
    () => undefined,
  );
  const v2 = await successor.submit([
    UIDS,
    `SET 'execution.state-recovery.path' = '${savepoint}'`,
    // The sinks' state belongs to v1's writers; only the source positions carry over.
    "SET 'execution.state-recovery.ignore-unclaimed-state' = 'true'",
    ...statements(bumped(filters), { ...kafka, startupMode: "earliest-offset" }),
  ]);
  await sleep(4000);
  producing = false;
  await producer;
  expect(produced.length).toBeGreaterThan(atSwitch); // events flowed on both sides of the switch

  const expected = expectedRouting(filters, "dev", produced);
  const want = [...expected.values()].reduce((n, ids) => n + ids.length, 0);
  // v2 catches up; then its output must hold exactly the expected records.
  const deadline = Date.now() + 60_000;
  while (
    Date.now() < deadline &&
    totalRecords(undefined, await endOffsets(pipeline.kafka.client, topics)) < BigInt(want)
  )
    await sleep(500);
  await sleep(2000);
  await v2.cancel();
  await successor.close();
  const until = await endOffsets(pipeline.kafka.client, topics);
  const actual = await readIds(pipeline.kafka.client, topics, { until, timeoutMs: 60_000 });
  expect(compareRouting(expected, actual)).toEqual([]);

  // The same switch starting from the earliest offset (what a new statement without carry-over would do) replays.
  const replay = await flink!.submit(
    statements(bumped(bumped(filters)), { ...kafka, groupId: "evolution-replay", startupMode: "earliest-offset" }),
  );
  const replayDeadline = Date.now() + 60_000;
  while (
    Date.now() < replayDeadline &&
    totalRecords(undefined, await endOffsets(pipeline.kafka.client, topics)) < BigInt(2 * want)
  )
    await sleep(500);
  await replay.cancel();
  const replayed = await readIds(pipeline.kafka.client, topics, {
    until: await endOffsets(pipeline.kafka.client, topics),
    timeoutMs: 60_000,
  });
  const differences = compareRouting(expected, replayed);
  expect(differences.length).toBeGreaterThan(0);
  expect(differences.every((d) => d.duplicated.length > 0 && d.missing.length === 0)).toBe(true);
});
