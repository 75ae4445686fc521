/**
 * Routing throughput on the real engines, per filter count: events in a raw topic are read by (a) a passthrough
 * job (SELECT * into one topic) and (b) the generated routing job (set shape: one statement set per shard of at
 * most 100 filters, all running at once, as deployed), both bounded, on the same data. Per size: a warm-up run
 * of each job (JIT, not counted), then BENCH_ROUNDS (5) alternating rounds. Each job also runs over an empty raw
 * topic in the same round: its fixed cost (plan, code generation, start, stop), which a bounded run includes and
 * a deployed statement pays once. Prints events/s with and without that start-up (the same round's empty run
 * subtracted), median and spread, the ratio routing/passthrough, and the cost per added filter.
 *
 * Sizes: BENCH_ROUTING_FILTERS (default 4,100,400). 4 is the shipped filters.yaml; other sizes are generated like
 * bench:scale's (bench/scale-inputs.ts: each filter an event_type and a JSON prefix condition, 20 consumers) and
 * read their own raw topic, filled with sample events built from their filters (about 1 in 10 routed).
 * `--profile` adds, at the first size, the variants of bench/routing-variants.ts (BENCH_ROUTING_VARIANTS, default
 * all: one sink, JSON once, object reuse, reused passthrough, pre-filter).
 *
 *   npm run bench:routing [-- --events 200000 --scale-events 50000 --profile]
 */
import { type Kafka, Partitioners } from "kafkajs";
import { sampleEvents } from "../consumers/sample-events";
import { endOffsets, totalRecords } from "../consumers/topic-io";
import { parseFiltersYaml } from "../filters/load";
import type { FilterSet } from "../filters/model";
import type { FlinkKafkaOptions } from "../flink-sql/generate";
import { parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { getOrThrow } from "../lib/maps";
import { FlinkRunner } from "../local/flink";
import { ensureTopics } from "../local/kafka";
import { freePorts, startPipeline } from "../local/pipeline";
import { STAGE_NAMES } from "../stages/names";
import { type RoutingSide, sideStatements, withSourceTopic } from "./routing-variants";
import { scaleFiltersYaml } from "./scale-inputs";
import { alternate, cpuDuring, machineLine, median, progress, ROUNDS, summary } from "./stats";

const USAGE = `usage: npm run bench:routing [-- --events 200000] [--scale-events 50000] [--profile]

Routing throughput on the real engines: the generated routing job against a passthrough job on the same events,
at each size of BENCH_ROUTING_FILTERS (default 4,100,400; 4 is filters/filters.yaml, others are generated);
--events is the event count at 4 filters, --scale-events at the generated sizes; --profile also measures, at
the first size, variants of the routing job (BENCH_ROUTING_VARIANTS, comma-separated, default all: one sink,
JSON once, object reuse, reused passthrough, pre-filter).`;

const CONSUMERS = 20;
const SHIPPED = 4;

async function produceMany(kafka: Kafka, topic: string, template: ReturnType<typeof sampleEvents>, n: number) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const batch = 5000;
  for (let i = 0; i < n; i += batch) {
    const messages = Array.from({ length: Math.min(batch, n - i) }, (_, j) => {
      const e = { ...template[(i + j) % template.length], id: `bench-${i + j}` };
      return { key: e.id, value: JSON.stringify(e) };
    });
    await producer.send({ topic, messages });
    if ((i / batch) % 10 === 0) progress(`${topic}: produced ${i + messages.length}/${n}`);
  }
  await producer.disconnect();
}

function positiveInteger(value: string | undefined, fallback: number, what: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive whole number, got '${value}'`);
  return n;
}

/** BENCH_ROUTING_FILTERS: filter counts, comma-separated, ascending. */
function routingSizes(env: string | undefined): number[] {
  const sizes = (env ?? `${SHIPPED},100,400`)
    .split(",")
    .map((s) => positiveInteger(s.trim(), 0, "BENCH_ROUTING_FILTERS"));
  return [...new Set(sizes)].sort((a, b) => a - b);
}

const VARIANTS: RoutingSide[] = ["one sink", "JSON once", "object reuse", "reused passthrough", "pre-filter"];
/** The sides that write the filters' own output topics (one sink writes its own table; the passthrough its sink). */
const WRITES_OUTPUTS = new Set<string>(["routing", "JSON once", "object reuse", "pre-filter"]);

/** BENCH_ROUTING_VARIANTS: which of the --profile variants to run, comma-separated (default all). */
function routingVariants(env: string | undefined): RoutingSide[] {
  if (env === undefined) return VARIANTS;
  const picked = env.split(",").map((v) => v.trim());
  const unknown = picked.filter((v) => !(VARIANTS as string[]).includes(v));
  if (unknown.length > 0)
    throw new UsageError(`BENCH_ROUTING_VARIANTS: unknown ${unknown.join(", ")}; known: ${VARIANTS.join(", ")}`);
  return picked as RoutingSide[];
}

interface Size {
  filters: number;
  set: FilterSet;
  events: number;
}

function filterSet(filters: number, shipped: FilterSet): FilterSet {
  if (filters === SHIPPED) return shipped;
  const text = scaleFiltersYaml(filters, CONSUMERS, "consumer", `raw-bench-${filters}`);
  return parseFiltersYaml(text, `generated-${filters}.yaml`, { stages: STAGE_NAMES });
}

interface Runs {
  /** Wall seconds per run: over the events, and over an empty raw topic (the job's fixed cost). */
  full: number[];
  empty: number[];
  /** The Flink runner's CPU seconds per run, likewise. */
  cpuFull: number[];
  cpuEmpty: number[];
}

interface Measured {
  size: Size;
  seconds: Map<RoutingSide, Runs>;
  routedPerRun: bigint;
  statements: number;
}

const EMPTY = " (no events)";

async function measureSize(
  flink: FlinkRunner,
  kafka: Kafka,
  size: Size,
  options: FlinkKafkaOptions,
  profile: boolean,
): Promise<Measured> {
  const { set, events } = size;
  const sinks = { passthrough: `bench-passthrough-${size.filters}`, oneSink: `bench-one-sink-${size.filters}` };
  const empty = withSourceTopic(set, `raw-bench-empty-${size.filters}`);
  const outputs = set.filters.map((f) => f.outputTopic);
  await ensureTopics(kafka, [sinks.passthrough, sinks.oneSink, empty.sourceTopic, ...outputs], 3);
  const variants = profile ? routingVariants(process.env.BENCH_ROUTING_VARIANTS) : [];
  const sides: RoutingSide[] = ["passthrough", "routing", ...variants];
  const jobs = new Map(
    sides.flatMap((side) => [
      [side, sideStatements(side, set, sinks, options)],
      [side + EMPTY, sideStatements(side, empty, sinks, options)],
    ]),
  );
  const before = await endOffsets(kafka, outputs);
  let runsWritingOutputs = 0;
  progress(`${size.filters} filters, ${events} events: ${sides.join(", ")}, each also over an empty topic`);
  const cpu = new Map<string, number[]>([...jobs.keys()].map((k) => [k, []]));
  const pid = flink.pid as number;
  const measured = await alternate(
    [...jobs.keys()],
    async (side) => {
      if (WRITES_OUTPUTS.has(side)) runsWritingOutputs++;
      const run = await cpuDuring(pid, () => flink.run(getOrThrow(jobs, side), 1_800_000));
      getOrThrow(cpu, side).push(run.cpu);
      return run.result / 1000;
    },
    { unit: "s" },
  );
  const routed = totalRecords(before, await endOffsets(kafka, outputs));
  const statements = getOrThrow(jobs, "routing").filter((s) => s.startsWith("EXECUTE STATEMENT SET")).length;
  // The first run of each side is the uncounted warm-up.
  const counted = (side: string) => getOrThrow(cpu, side).slice(1);
  const seconds = new Map(
    sides.map((side) => [
      side,
      {
        full: measured[side],
        empty: measured[side + EMPTY],
        cpuFull: counted(side),
        cpuEmpty: counted(side + EMPTY),
      },
    ]),
  );
  return { size, seconds, routedPerRun: routed / BigInt(runsWritingOutputs), statements };
}

type Basis = "wall" | "wall without start-up" | "CPU without start-up";
const BASES: Basis[] = ["wall", "wall without start-up", "CPU without start-up"];

/**
 * Events/s per round: by wall time with the job's start-up, or without it (the same round's empty run
 * subtracted), or by the runner's CPU time without start-up (events per CPU second: one core's capacity).
 */
function rates(m: Measured, side: RoutingSide, basis: Basis): number[] {
  const { full, empty, cpuFull, cpuEmpty } = getOrThrow(m.seconds, side);
  const per = (t: number) => m.size.events / Math.max(t, 1e-2);
  if (basis === "wall") return full.map(per);
  if (basis === "wall without start-up") return full.map((t, i) => per(t - empty[i]));
  return cpuFull.map((t, i) => per(t - cpuEmpty[i]));
}

/** `ratio <of medians> (per round <min> to <max>)` of side's rates against base's. */
function ratioText(m: Measured, side: RoutingSide, base: RoutingSide, basis: Basis): string {
  const [values, against] = [rates(m, side, basis), rates(m, base, basis)];
  const ratios = values.map((r, i) => r / against[i]);
  return `ratio ${(median(values) / median(against)).toFixed(2)} (per round ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)})`;
}

function rateLine(m: Measured, side: RoutingSide, basis: Basis): string {
  const values = summary(rates(m, side, basis), "events/s", 0);
  return side === "passthrough" ? values : `${values}; ${ratioText(m, side, "passthrough", basis)}`;
}

/** Object reuse against the passthrough with the same option: both sides spared the copies it removes. */
function reuseLines(m: Measured): string[] {
  if (!m.seconds.has("object reuse") || !m.seconds.has("reused passthrough")) return [];
  return BASES.map(
    (basis) =>
      `    object reuse / reused passthrough, ${basis}: ${ratioText(m, "object reuse", "reused passthrough", basis)}`,
  );
}

const ratio = (m: Measured, basis: Basis) =>
  median(rates(m, "routing", basis)) / median(rates(m, "passthrough", basis));

function report(results: Measured[]): void {
  console.log(`bench:routing  Flink parallelism 1; ${machineLine()}`);
  for (const m of results) {
    const { size, seconds, routedPerRun, statements } = m;
    console.log(
      `  ${size.filters} filters, ${size.events} events (${statements} statement set${statements === 1 ? "" : "s"}; ${routedPerRun} routed records per run)`,
    );
    for (const [side, { empty, cpuEmpty }] of seconds) {
      console.log(`    ${`${side}, start-up`.padEnd(28)} wall ${summary(empty, "s")}`);
      console.log(`    ${"".padEnd(28)} CPU ${summary(cpuEmpty, "s")}`);
    }
    for (const basis of BASES)
      for (const side of seconds.keys())
        console.log(`    ${`${side}, ${basis}`.padEnd(28)} ${rateLine(m, side, basis)}`);
    for (const line of reuseLines(m)) console.log(line);
  }
  // Cost per added filter: the routing job's CPU time per event beyond the passthrough's, and its start-up's.
  const basis: Basis = "CPU without start-up";
  const extra = (m: Measured) => 1 / median(rates(m, "routing", basis)) - 1 / median(rates(m, "passthrough", basis));
  const startUp = (m: Measured) => median(getOrThrow(m.seconds, "routing").cpuEmpty);
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1], results[i]];
    const added = b.size.filters - a.size.filters;
    console.log(
      `  per added filter from ${a.size.filters} to ${b.size.filters}: ${(((extra(b) - extra(a)) / added) * 1e6).toFixed(3)} CPU µs per event beyond the passthrough's, ${(((startUp(b) - startUp(a)) / added) * 1000).toFixed(0)} CPU ms of job start-up`,
    );
  }
  for (const m of results)
    console.log(
      `  ratio routing/passthrough at ${m.size.filters} filters: ${BASES.map((b) => `${ratio(m, b).toFixed(2)} by ${b}`).join(", ")} (goal >= 1.0 at 4 filters; ${ROUNDS} rounds)`,
    );
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, {
    events: { type: "string" },
    "scale-events": { type: "string" },
    profile: { type: "boolean" },
  });
  const shippedEvents = positiveInteger(values.events, 200_000, "--events");
  const scaleEvents = positiveInteger(values["scale-events"], 50_000, "--scale-events");
  const counts = routingSizes(process.env.BENCH_ROUTING_FILTERS);
  const pipeline = await startPipeline({ ports: await freePorts(), capture: false });
  try {
    const kafka = pipeline.kafka.client;
    const sizes: Size[] = counts.map((filters) => ({
      filters,
      set: filterSet(filters, pipeline.filters),
      events: filters === SHIPPED ? shippedEvents : scaleEvents,
    }));
    for (const { set, events } of sizes) {
      await ensureTopics(kafka, [set.sourceTopic], 3);
      // Every combination of the values the filters name (consumers/sample-events.ts), not just the first 400.
      await produceMany(kafka, set.sourceTopic, sampleEvents(set, "bench", 20_000), events);
    }
    const flink = await FlinkRunner.start({
      workDir: pipeline.workDir,
      config: { "parallelism.default": "1" },
      heap: "2g",
    });
    const options = { bootstrapServers: pipeline.kafka.bootstrapServers, bounded: true };
    const results: Measured[] = [];
    for (const [i, size] of sizes.entries())
      results.push(await measureSize(flink, kafka, size, options, Boolean(values.profile) && i === 0));
    await flink.close();
    report(results);
  } finally {
    await pipeline.stop();
  }
}

void runScript(USAGE, main);
