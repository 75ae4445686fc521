/**
 * npm run bench:jvm-starts — what a start of each local engine JVM costs, the way the e2e suites start them (quick
 * JVM options) now and before issue 28's changes to them, alternating in one run: a warm-up round per side, then
 * BENCH_ROUNDS (5) rounds. Per engine, the CPU seconds (user + system) of its JVM:
 * - Kafka: storage format plus broker, until the broker answers;
 * - Kafka Connect: a worker without connectors, until its REST API answers (on one broker started beforehand);
 * - Flink: the SQL runner until a small bounded job (datagen to blackhole) finished.
 * "now": class data sharing (local/class-data-sharing.ts) and, for Connect, plugin.discovery=service_load;
 * "before": CDC_ROUTING_CLASS_DATA_SHARING=off and Kafka's default plugin discovery (hybrid_warn). The archives
 * are the e2e runs' (written first where missing, as their global setup writes them: local/engine-archives.ts).
 * Then what a jest worker's shared runner saves a suite (local/shared-flink.ts): the routing job of the shipped
 * filters (bounded, over the sample events) in a new runner JVM, start included, against the same job in a runner
 * that ran it before; and in such a warm runner, what its one mini-cluster saves a job against a mini-cluster started
 * for each job (local/java/flink/src/SharedMiniCluster.java). Last, what such a warm runner spends idle between its
 * jobs (IDLE_SECONDS), with Pekko's scheduler ticking as in the e2e runs (50 ms, local/flink.ts schedulerTickOptions)
 * against Pekko's default (10 ms).
 */
import { parseCommandLine, runScript } from "../lib/command-line";
import { distinctFreePorts, freePort } from "../lib/ports";
import { sleep } from "../lib/run";
import { CLASS_DATA_SHARING_ENV } from "../local/class-data-sharing";
import { startConnectWorker } from "../local/connect";
import { shippedRoutingJob, writeEngineArchives } from "../local/engine-archives";
import { FlinkRunner, type FlinkRunOptions, SMALL_BOUNDED_JOB, schedulerTickOption } from "../local/flink";
import { ensureAll } from "../local/jars";
import { startKafka } from "../local/kafka";
import { QUICK_JVMS_ENV, stopAll, TemporaryDirs } from "../local/processes";
import {
  alternate,
  cpuDuring,
  cpuSeconds,
  machineLine,
  median,
  progress,
  ratioLine,
  summary,
  waitedChildrenCpuSeconds,
} from "./stats";

/** A broker's two listener ports, different from each other. */
async function brokerPorts(): Promise<{ port: number; controllerPort: number }> {
  const [port, controllerPort] = await distinctFreePorts(2);
  return { port, controllerPort };
}

/** How long an idle runner's CPU time is read for, per round and side. */
const IDLE_SECONDS = 15;

const USAGE = `usage: npm run bench:jvm-starts     (BENCH_ROUNDS=<rounds>, default 5)

CPU seconds of a Kafka broker start (with its storage format), a Kafka Connect worker start and a Flink runner
with a small job, with class data sharing and service-loader plugin discovery ("now") and without ("before");
then the shipped filters' routing job in a new Flink runner against the same job in a warm one, and in a warm one
whose jobs share a mini-cluster against one that starts a mini-cluster per job; then a warm runner idle for
${IDLE_SECONDS} s with Pekko's scheduler ticking every 50 ms (the e2e runs') against every 10 ms (Pekko's default).`;

type Side = "now" | "before";
const SIDES: readonly Side[] = ["now", "before"];
const temporary = new TemporaryDirs();
const quiet = () => undefined;

function withSide<T>(side: Side, body: () => Promise<T>): Promise<T> {
  if (side === "before") process.env[CLASS_DATA_SHARING_ENV] = "off";
  else delete process.env[CLASS_DATA_SHARING_ENV];
  return body();
}

async function kafkaStart(side: Side): Promise<number> {
  return withSide(side, async () => {
    const formatted = waitedChildrenCpuSeconds();
    const kafka = await startKafka({ ...(await brokerPorts()), workDir: temporary.create("bench-kafka") }, quiet);
    const seconds = cpuSeconds(kafka.service.child.pid as number) + (waitedChildrenCpuSeconds() - formatted);
    await kafka.service.stop();
    return seconds;
  });
}

async function connectStart(side: Side, bootstrapServers: string): Promise<number> {
  return withSide(side, async () => {
    const worker = await startConnectWorker(
      {
        restPort: await freePort(),
        workDir: temporary.create("bench-connect"),
        bootstrapServers,
        pluginDiscovery: side === "now" ? "service_load" : "hybrid_warn",
      },
      quiet,
    );
    const seconds = cpuSeconds(worker.service.child.pid as number);
    await worker.service.stop();
    return seconds;
  });
}

async function flinkJob(side: Side): Promise<number> {
  return withSide(side, async () => {
    const runner = await benchRunner();
    await runner.run([...SMALL_BOUNDED_JOB]);
    const seconds = cpuSeconds(runner.pid as number);
    await runner.close();
    return seconds;
  });
}

type IdleSide = "tick 50 ms" | "tick 10 ms";
const IDLE_SIDES: readonly IdleSide[] = ["tick 50 ms", "tick 10 ms"];

/** CPU seconds a warm runner spends over IDLE_SECONDS without a job. */
async function idleCpu(runner: FlinkRunner): Promise<number> {
  return (await cpuDuring(runner.pid as number, () => sleep(IDLE_SECONDS * 1000))).cpu;
}

type RunnerSide = "new JVM" | "warm runner" | "warm, cluster per job";
const RUNNER_SIDES: readonly RunnerSide[] = ["new JVM", "warm runner", "warm, cluster per job"];

function benchRunner(options: Pick<FlinkRunOptions, "clusterPerJob" | "jvmOptions"> = {}): Promise<FlinkRunner> {
  return FlinkRunner.start(
    { workDir: temporary.create("bench-flink"), config: { "parallelism.default": "1" }, ...options },
    quiet,
  );
}

/**
 * CPU seconds of the routing job in a new runner (its start included) or in a warm one (the job's own): `warm`
 * runs its jobs on one mini-cluster, `perJob` starts one for each job, as Flink's local executor does.
 */
async function routingJob(
  side: RunnerSide,
  warm: { shared: FlinkRunner; perJob: FlinkRunner },
  sql: string[],
): Promise<number> {
  if (side !== "new JVM") {
    const runner = side === "warm runner" ? warm.shared : warm.perJob;
    return (await cpuDuring(runner.pid as number, () => runner.run(sql))).cpu;
  }
  const runner = await benchRunner();
  await runner.run(sql);
  const seconds = cpuSeconds(runner.pid as number);
  await runner.close();
  return seconds;
}

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  // The e2e suites' JVM options (their global setup sets the same).
  process.env[QUICK_JVMS_ENV] = "1";
  // The engines' jars and compiled helpers for this checkout's sources, as the e2e global setup fetches them.
  await ensureAll(progress);
  // The archives the e2e runs map, written as their global setup writes them (not by this bench's first JVMs).
  await writeEngineArchives(progress);
  const lines = [`jvm starts: ${machineLine()}`];
  try {
    const broker = await startKafka({ ...(await brokerPorts()), workDir: temporary.create("bench-broker") }, quiet);
    const engines: [string, (side: Side) => Promise<number>][] = [
      ["Kafka storage format and broker, to ready", kafkaStart],
      ["Kafka Connect worker, to ready", (side) => connectStart(side, broker.bootstrapServers)],
      ["Flink runner with a small bounded job", flinkJob],
    ];
    for (const [name, measure] of engines) {
      progress(name);
      const cpu = await alternate(SIDES, measure, { unit: "CPU s" });
      lines.push(
        `  ${name}`,
        ...SIDES.map((side) => `    ${side.padEnd(6)} ${summary(cpu[side], "CPU s")}`),
        `    ${ratioLine("now/before", cpu.now, cpu.before)}; saved ${(median(cpu.before) - median(cpu.now)).toFixed(2)} CPU s a start`,
      );
    }
    const name = "Flink routing job (shipped filters, sample events)";
    progress(name);
    const sql = await shippedRoutingJob(broker);
    const warm = {
      shared: await withSide("now", () => benchRunner()),
      perJob: await withSide("now", () => benchRunner({ clusterPerJob: true })),
    };
    await warm.shared.run(sql);
    await warm.perJob.run(sql);
    // With class data sharing, as the e2e runs start their JVMs (the last side above may have left it off).
    const cpu = await withSide("now", () =>
      alternate(RUNNER_SIDES, (side) => routingJob(side, warm, sql), { unit: "CPU s" }),
    );
    lines.push(
      `  ${name}`,
      ...RUNNER_SIDES.map((side) => `    ${side.padEnd(21)} ${summary(cpu[side], "CPU s")}`),
      `    ${ratioLine("warm/new", cpu["warm runner"], cpu["new JVM"])}; saved ${(median(cpu["new JVM"]) - median(cpu["warm runner"])).toFixed(2)} CPU s a suite`,
      `    ${ratioLine("one cluster/cluster per job", cpu["warm runner"], cpu["warm, cluster per job"])}; saved ${(median(cpu["warm, cluster per job"]) - median(cpu["warm runner"])).toFixed(2)} CPU s a job`,
    );
    const idleName = `Flink runner idle for ${IDLE_SECONDS} s after its job (one mini-cluster kept)`;
    progress(idleName);
    const idle: Record<IdleSide, FlinkRunner> = {
      "tick 50 ms": warm.shared,
      "tick 10 ms": await withSide("now", () => benchRunner({ jvmOptions: [schedulerTickOption("10ms")] })),
    };
    await idle["tick 10 ms"].run(sql);
    const idleCpuSeconds = await alternate(IDLE_SIDES, (side) => idleCpu(idle[side]), { unit: "CPU s" });
    const perMinute = (side: IdleSide) => (median(idleCpuSeconds[side]) * 60) / IDLE_SECONDS;
    lines.push(
      `  ${idleName}`,
      ...IDLE_SIDES.map((side) => `    ${side.padEnd(10)} ${summary(idleCpuSeconds[side], "CPU s")}`),
      `    ${ratioLine("50 ms/10 ms", idleCpuSeconds["tick 50 ms"], idleCpuSeconds["tick 10 ms"])}; ${perMinute("tick 50 ms").toFixed(2)} against ${perMinute("tick 10 ms").toFixed(2)} CPU s a minute`,
    );
  } finally {
    await stopAll();
    temporary.removeAll();
  }
  lines.push(`done: ${machineLine()}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) void runScript(USAGE, main);
