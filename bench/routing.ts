/**
 * Routing throughput on the real engines: N events in the raw topic are read by (a) a passthrough job
 * (SELECT *) and (b) the generated routing job (set shape), both bounded, in the same run and on the same data.
 * Prints events/s of each and the ratio routing/passthrough (goal >= 0.8): a warm-up run of each job (JIT,
 * not counted), then BENCH_ROUNDS (5) alternating rounds, median and spread (job start-up is included in both).
 *
 *   npm run bench:routing [-- --events 200000]
 */
import { type Kafka, Partitioners } from "kafkajs";
import { sampleEvents } from "../consumers/sample-events";
import { endOffsets, totalRecords } from "../consumers/topic-io";
import { executableStatements, generateSql, passthroughStatements } from "../flink-sql/generate";
import { parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { FlinkRunner } from "../local/flink";
import { ensureTopics } from "../local/kafka";
import { freePorts, startPipeline } from "../local/pipeline";
import { alternate, machineLine, median, ROUNDS, summary } from "./stats";

const USAGE = `usage: npm run bench:routing [-- --events 200000]

Routing throughput on the real engines: the generated routing job against a passthrough job on the same events;
prints events/s of each and the ratio.`;

async function produceMany(
  kafka: Kafka,
  topic: string,
  template: ReturnType<typeof sampleEvents>,
  n: number,
): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const batch = 5000;
  for (let i = 0; i < n; i += batch) {
    const messages = Array.from({ length: Math.min(batch, n - i) }, (_, j) => {
      const e = { ...template[(i + j) % template.length], id: `bench-${i + j}` };
      return { key: e.id, value: JSON.stringify(e) };
    });
    await producer.send({ topic, messages });
    if ((i / batch) % 10 === 0) process.stderr.write(`[bench] produced ${i + messages.length}/${n}\n`);
  }
  await producer.disconnect();
}

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { events: { type: "string" } });
  const n = values.events === undefined ? 200_000 : Number(values.events);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--events must be a positive whole number, got '${String(values.events)}'`);
  const pipeline = await startPipeline({ ports: await freePorts(), capture: false });
  try {
    const kafka = pipeline.kafka.client;
    const { filters } = pipeline;
    await ensureTopics(kafka, ["bench-passthrough"], 3);
    await produceMany(kafka, filters.sourceTopic, sampleEvents(filters, "bench"), n);
    const flink = await FlinkRunner.start({
      workDir: pipeline.workDir,
      config: { "parallelism.default": "1" },
      heap: "2g",
    });
    const options = { bootstrapServers: pipeline.kafka.bootstrapServers, bounded: true };
    const jobs = {
      passthrough: passthroughStatements(filters, "bench-passthrough", options),
      routing: executableStatements(generateSql(filters, "dev", { dialect: "flink", shape: "set", kafka: options })),
    };
    const rates = await alternate(
      ["passthrough", "routing"] as const,
      async (name) => n / ((await flink.run(jobs[name], 900_000)) / 1000),
      { unit: "events/s" },
    );
    const routed = totalRecords(
      undefined,
      await endOffsets(
        kafka,
        filters.filters.map((f) => f.outputTopic),
      ),
    );
    await flink.close();
    const [passthrough, routing] = [median(rates.passthrough), median(rates.routing)];
    const ratios = rates.routing.map((r, i) => r / rates.passthrough[i]);
    console.log(`bench:routing  ${n} events, Flink parallelism 1, job start included; ${machineLine()}`);
    console.log(`  passthrough (SELECT *)               ${summary(rates.passthrough, "events/s", 0)}`);
    console.log(
      `  routing (${filters.filters.length} filters, set shape)       ${summary(rates.routing, "events/s", 0)}; ${routed / BigInt(ROUNDS + 1)} routed records per run`,
    );
    console.log(
      `  ratio routing/passthrough ${(routing / passthrough).toFixed(2)} (per round ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}; goal >= 0.8)`,
    );
  } finally {
    await pipeline.stop();
  }
}

void runScript(USAGE, main);
