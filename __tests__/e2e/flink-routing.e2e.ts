/**
 * The generated Apache Flink SQL, both shapes, on a real Flink reading a real Kafka: every consumer topic holds
 * exactly the events the reference evaluator routes to it. A deliberately wrong SQL must fail the same check.
 */
import { compareRouting, expectedRouting } from "../../consumers/routing-check";
import { sampleEvents } from "../../consumers/sample-events";
import { endOffsets, produceEvents, readIds } from "../../consumers/topic-io";
import type { RawEvent } from "../../filters/evaluate";
import { filtersForStage } from "../../filters/model";
import { boundedRoutingSql, useEngines } from "./harness";

const engines = useEngines({ capture: false, flink: true });

/** Edge cases beside the generated combinations: a missing JSON path, null columns, invalid event_data. */
function edgeCases(tag: string): RawEvent[] {
  const base = { created_date: "2026-01-01", saved_date: "2026-01-01", __table: "business_events", __ts_ms: 1 };
  return [
    {
      ...base,
      id: `${tag}-edge-0`,
      event_name: "LoanPaymentSubmitted",
      event_type: "LoanPaymentSubmitted",
      event_data: "{}",
      __op: "c",
    },
    { ...base, id: `${tag}-edge-1`, event_name: null, event_type: null, event_data: null, __op: "c" },
    { ...base, id: `${tag}-edge-2`, event_name: "x", event_type: "CarServiceDone", event_data: "not json", __op: "u" },
    {
      ...base,
      id: `${tag}-edge-3`,
      event_name: "x",
      event_type: "LoanCreated ",
      event_data: '{"eventBody":{"entities":[]}}',
      __op: "c",
    },
    {
      ...base,
      id: `${tag}-edge-4`,
      event_name: "x",
      event_type: "loancreated",
      event_data: '{"eventBody":{"entities":[{"entityType":"ServiceRecord"}]}}',
      __op: "r",
    },
  ];
}

async function routeAndCompare(statements: string[], events: RawEvent[]) {
  const { pipeline, flink } = engines;
  const topics = filtersForStage(pipeline.filters, "dev").map((f) => f.outputTopic);
  const from = await endOffsets(pipeline.kafka.client, topics);
  await flink!.run(statements);
  const until = await endOffsets(pipeline.kafka.client, topics);
  const actual = await readIds(pipeline.kafka.client, topics, { from, until, timeoutMs: 60_000 });
  return { differences: compareRouting(expectedRouting(pipeline.filters, "dev", events), actual), actual };
}

describe("generated Flink SQL on Apache Flink", () => {
  let events: RawEvent[];

  beforeAll(async () => {
    const { pipeline } = engines;
    events = [...sampleEvents(pipeline.filters, "routing"), ...edgeCases("routing")];
    await produceEvents(pipeline.kafka.client, pipeline.filters.sourceTopic, events);
  });

  test.each(["set", "per-filter"] as const)(
    "shape %s routes exactly the evaluator's events to every consumer topic",
    async (shape) => {
      const { pipeline } = engines;
      const { differences, actual } = await routeAndCompare(
        boundedRoutingSql(pipeline.filters, shape, pipeline.kafka.bootstrapServers),
        events,
      );
      expect(differences).toEqual([]);
      // Not vacuous: every consumer topic received something.
      for (const [topic, ids] of actual) expect({ topic, received: ids.length > 0 }).toEqual({ topic, received: true });
    },
  );

  test("a flipped operator in the SQL is caught by the same check", async () => {
    const { pipeline } = engines;
    const statements = boundedRoutingSql(pipeline.filters, "set", pipeline.kafka.bootstrapServers);
    const mutated = statements.map((s) => s.replace("`event_type` = 'LoanCreated'", "`event_type` <> 'LoanCreated'"));
    expect(mutated).not.toEqual(statements);
    const { differences } = await routeAndCompare(mutated, events);
    const loanCreated = differences.find((d) => d.topic === "filtered-loan-created-events");
    expect(loanCreated?.missing.length).toBeGreaterThan(0);
    expect(loanCreated?.extra.length).toBeGreaterThan(0);
  });
});
