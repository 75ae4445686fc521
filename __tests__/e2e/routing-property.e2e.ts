/**
 * Property on real engines: for random filter sets over two captured tables and random events of each (quotes,
 * unicode, missing JSON paths, numbers at boundaries, invalid JSON), Apache Flink running the generated statement
 * set, which reads both raw topics, routes every event exactly as the reference evaluator does for its raw topic.
 * At least 200 events in all.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import {
  compareRouting,
  describeDifferences,
  expectedRouting,
  type IdsByTopic,
  mergedRouting,
  type TopicDifference,
} from "../../consumers/routing-check";
import { endOffsets, produceEvents, readIds } from "../../consumers/topic-io";
import type { RawEvent } from "../../filters/evaluate";
import { type FilterSet, predicatesOf } from "../../filters/model";
import { validateFilters } from "../../filters/validate";
import { ensureTopics } from "../../local/kafka";
import { LOANS_TOPIC, text, twoSourceDocument } from "../support/arbitraries";
import { boundedRoutingSql, useEngines } from "./harness";

// CDC_ROUTING_PROPERTY_RUNS=50 npm run test:e2e digs deeper locally; CI keeps the default.
const RUNS = Number(process.env.CDC_ROUTING_PROPERTY_RUNS ?? 8);
// A failure prints CDC_ROUTING_PROPERTY_REPLAY=<seed>:<path>, which replays exactly the failing case.
const REPLAY = replayOptions(process.env.CDC_ROUTING_PROPERTY_REPLAY);
const EVENTS_PER_RUN = 50;
const LOAN_EVENTS_PER_RUN = 30;
const engines = useEngines({ capture: false, flink: true });

function literals(set: FilterSet): { strings: string[]; numbers: number[] } {
  const values = set.filters
    .flatMap((f) => predicatesOf(f.condition))
    .flatMap((p) =>
      p.kind === "compare" ? [p.value] : p.kind === "list" ? p.values : p.kind === "range" ? [p.min, p.max] : [],
    );
  return {
    strings: ["x", ...values.filter((v): v is string => typeof v === "string")],
    numbers: [0, ...values.filter((v): v is number => typeof v === "number")],
  };
}

// Where engines part: UTF-16 vs UTF-8 order (U+E000..U+FFFF against characters above U+FFFF) and regular
// expressions (a final line feed before $, U+0085 and '.', Unicode spaces and \s, non-ASCII letters and \b).
const ENGINE_EDGE_STRINGS = [
  "\ufd09",
  "\uff12x",
  "\u{122bf}",
  "\u{1f600}!",
  "\ud7ff",
  "ab\n",
  "a\u0085b",
  "x\u00a0x",
  "x\u00e9",
];
const BOUNDARY_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e-7,
  5e-324,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  2 ** 53,
  2 ** 31,
];
const SAFE_INTEGERS = [0, -1, 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];

/** Events built around the set's own literals, so predicates both match and miss. */
function eventsFor(set: FilterSet, tag: string): fc.Arbitrary<RawEvent[]> {
  const lit = literals(set);
  const str = fc.oneof(
    fc.constantFrom(...lit.strings),
    fc.constantFrom(...ENGINE_EDGE_STRINGS),
    text,
    fc.constant(null),
  );
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 4 });
  const amount = fc.oneof(
    fc.constantFrom(...lit.numbers, ...BOUNDARY_NUMBERS),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom("42", "1e3", true, null),
  );
  const eventData = fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .record({ uuid: maybe(fc.oneof(str, fc.integer())), entityType: maybe(str), amount: maybe(amount) })
        .map(({ uuid, entityType, amount: a }) =>
          JSON.stringify({
            eventHeader: uuid === undefined ? {} : { uuid },
            eventBody: {
              entities: [
                {
                  ...(entityType === undefined ? {} : { entityType }),
                  updatedAttributes: a === undefined ? {} : { amount: a },
                },
              ],
            },
          }),
        ),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, "not json", "{}", '{"eventBody":{"entities":[]}}') },
  );
  const ts = fc.oneof(
    fc.constantFrom(...SAFE_INTEGERS, ...lit.numbers.filter((n) => Number.isSafeInteger(n))),
    fc.integer(),
  );
  const event = fc.record({
    event_name: str,
    event_type: str,
    created_date: str,
    __table: str,
    __op: fc.constantFrom("c", "u", "d", "r"),
    __ts_ms: ts,
    event_data: eventData,
  });
  return fc
    .array(event, { minLength: EVENTS_PER_RUN, maxLength: EVENTS_PER_RUN })
    .map((events) => events.map((e, i) => ({ id: `${tag}-${i}`, saved_date: "2026-01-01", ...e })));
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Rows of the second table (arbitraries.ts LOANS_SOURCE) as the connector writes them: every column, maybe null. */
function loanEventsFor(set: FilterSet, tag: string): fc.Arbitrary<RawEvent[]> {
  const lit = literals(set);
  const str = fc.oneof(fc.constantFrom(...lit.strings), fc.constantFrom(...ENGINE_EDGE_STRINGS), text);
  const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 5 });
  const isInt32 = (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max;
  // Doubles that print differently in Java and JavaScript (12.0 / 12, 1.0E21 / 1e+21) beside the literals.
  const double = fc.oneof(
    fc.constantFrom(...lit.numbers, ...BOUNDARY_NUMBERS, 12, 0.5, 1000.5),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const attributes = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record(
          { riskBand: str, tags: fc.array(str, { maxLength: 2 }), score: fc.oneof(double, fc.constant("42")) },
          { requiredKeys: [] },
        )
        .map((a) => JSON.stringify(a)),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, "not json", "[]") },
  );
  const event = fc.record({
    status: nullable(str),
    amount: nullable(double),
    term_months: nullable(fc.oneof(fc.integer(INT32), fc.constantFrom(0, ...lit.numbers.filter(isInt32)))),
    updated_at: nullable(fc.oneof(fc.constantFrom(...SAFE_INTEGERS), fc.maxSafeInteger())),
    attributes,
    approved: nullable(fc.boolean()),
    __table: str,
    __op: fc.constantFrom("c", "u", "d", "r"),
    __ts_ms: fc.oneof(fc.constantFrom(...SAFE_INTEGERS), fc.integer()),
  });
  return fc
    .array(event, { minLength: LOAN_EVENTS_PER_RUN, maxLength: LOAN_EVENTS_PER_RUN })
    .map((events) => events.map((e, i) => ({ id: `${tag}-${i}`, ...e })));
}

/** `<seed>` (every run from that seed) or `<seed>:<path>` (exactly the case a failure reported). */
function replayOptions(value: string | undefined): { seed?: number; path?: string } {
  if (value === undefined || value === "") return {};
  const match = /^(-?\d+)(?::(\d+(?::\d+)*))?$/.exec(value.trim());
  if (!match)
    throw new Error(
      `CDC_ROUTING_PROPERTY_REPLAY='${value}' is not <seed> or <seed>:<path> (copy it from the failure report)`,
    );
  return { seed: Number(match[1]), ...(match[2] === undefined ? {} : { path: match[2] }) };
}

let run = 0;
const scenario = twoSourceDocument
  .map((generated) => {
    const n = ++run;
    // Own topics per run; all filters deployed to dev so each run routes something.
    const filters = generated.filters.map((f) => ({ ...f, outputTopic: `prop${n}.${f.name}`, stages: ["dev"] }));
    const { set, issues } = validateFilters({ ...generated, filters });
    if (!set) throw new Error(`arbitrary produced an invalid filter set: ${JSON.stringify(issues)}`);
    return { n, filters, set };
  })
  .chain(({ n, filters, set }) =>
    fc
      .tuple(eventsFor(set, `prop${n}`), loanEventsFor(set, `prop${n}-loan`))
      .map(([events, loans]) => ({ filters, set, events, loans, tag: `prop${n}-` })),
  );

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Thrown by one case: what a reader needs to see, not the whole case. */
class RoutingMismatch extends Error {
  constructor(
    readonly differences: TopicDifference[],
    events: readonly RawEvent[],
  ) {
    const ids = new Set(differences.flatMap((d) => [...d.missing, ...d.extra, ...d.duplicated]));
    const shown = events.filter((e) => ids.has(String(e.id))).slice(0, 10);
    super(
      `Flink and the evaluator disagree:\n${describeDifferences(differences)}\nthose events (up to 10):\n${shown.map((e) => `  ${JSON.stringify(e)}`).join("\n")}`,
    );
  }
}

/** Seed, path and the replay setting, the case's filters as YAML, and the mismatching ids (or the error). */
function failureReport(details: fc.RunDetails<[Scenario]>): string {
  const [scenarioCase] = details.counterexample ?? [];
  const error = details.errorInstance;
  const what =
    error instanceof RoutingMismatch
      ? error.message
      : `the case failed: ${String(error instanceof Error ? error.message : error).slice(0, 2000)}`;
  return [
    `routing property failed on run ${details.numRuns} of ${RUNS} (seed ${details.seed}, path ${details.counterexamplePath})`,
    `replay exactly this case: CDC_ROUTING_PROPERTY_REPLAY=${details.seed}:${details.counterexamplePath} npm run test:e2e -- routing-property`,
    what,
    "filters (YAML; sources: business_events and LOANS_SOURCE of __tests__/support/arbitraries.ts):",
    stringify({ filters: scenarioCase?.filters ?? [] })
      .trimEnd()
      .replace(/^/gm, "  "),
  ].join("\n");
}

test(`Flink routes ${RUNS} random filter sets over two raw topics x ${EVENTS_PER_RUN}+${LOAN_EVENTS_PER_RUN} random events exactly as the evaluator does`, async () => {
  const { pipeline, flink } = engines;
  let total = 0;
  let routed = 0;
  let routedLoans = 0;
  const details = await fc.check(
    fc.asyncProperty(scenario, async ({ set, events, loans, tag }) => {
      const topics = set.filters.map((f) => f.outputTopic);
      await ensureTopics(pipeline.kafka.client, [set.sourceTopic, LOANS_TOPIC, ...topics], 2);
      await produceEvents(pipeline.kafka.client, set.sourceTopic, events);
      await produceEvents(pipeline.kafka.client, LOANS_TOPIC, loans);
      total += events.length + loans.length;
      const from = await endOffsets(pipeline.kafka.client, topics);
      await flink!.run(boundedRoutingSql(set, "set", pipeline.kafka.bootstrapServers));
      const until = await endOffsets(pipeline.kafka.client, topics);
      const actual = await readIds(pipeline.kafka.client, topics, { from, until, timeoutMs: 60_000, idPrefix: tag });
      // The job also re-reads earlier runs' events; their ids carry another tag and are not counted.
      const fromLoans = expectedRouting(set, "dev", loans, LOANS_TOPIC);
      const expected = mergedRouting([expectedRouting(set, "dev", events, set.sourceTopic), fromLoans]);
      const count = (ids: IdsByTopic) => [...ids.values()].reduce((sum, list) => sum + list.length, 0);
      routed += count(expected);
      routedLoans += count(fromLoans);
      const differences = compareRouting(expected, actual);
      if (differences.length > 0) throw new RoutingMismatch(differences, [...events, ...loans]);
    }),
    // No shrinking: each case costs a Flink job; the report names the case instead.
    { numRuns: RUNS, endOnFailure: true, ...REPLAY },
  );
  if (details.failed) throw new Error(failureReport(details));
  expect(total).toBeGreaterThanOrEqual(REPLAY.path === undefined ? 200 : EVENTS_PER_RUN + LOAN_EVENTS_PER_RUN);
  // Not vacuous: events were routed somewhere (the generator reuses the filters' own literals).
  expect(routed).toBeGreaterThan(0);
  if (REPLAY.path === undefined) expect(routedLoans).toBeGreaterThan(0);
});
