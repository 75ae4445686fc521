import { sampleEvents } from "../consumers/sample-events";
import { produceEvents } from "../consumers/topic-io";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { distinctFreePorts } from "../lib/ports";
import { FlinkRunner } from "../local/flink";
import { ensureTopics, startKafka } from "../local/kafka";
import { QUICK_JVMS_ENV, stopAll, TemporaryDirs } from "../local/processes";
import { STAGE_NAMES } from "../stages/names";
import { routingStatements } from "../bench/routing-variants";
import { cpuSeconds } from "../bench/stats";

const WARM = [
  "CREATE TABLE numbers (n INT, s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '2000', 'fields.s.length' = '40')",
  "CREATE TABLE sink (n INT, s STRING) WITH ('connector' = 'blackhole')",
  "EXECUTE STATEMENT SET BEGIN INSERT INTO sink SELECT n, s FROM numbers WHERE s = 'x' OR JSON_VALUE(s, '$.a[0].b') = 'y'; INSERT INTO sink SELECT n, s FROM numbers WHERE n IN (1, 2) AND s <> 'z'; END",
];
const temporary = new TemporaryDirs();
const q = () => undefined;
async function main() {
  process.env[QUICK_JVMS_ENV] = "1";
  const [port, controllerPort] = await distinctFreePorts(2);
  const broker = await startKafka({ port, controllerPort, workDir: temporary.create("b") }, q);
  const set = loadFilters(DEFAULT_FILTERS_FILE, { stages: STAGE_NAMES });
  await ensureTopics(broker.client, [set.sourceTopic, ...set.filters.map((f) => f.outputTopic)], 1);
  await produceEvents(broker.client, set.sourceTopic, sampleEvents(set, "bench"));
  const sql = routingStatements(set, { bootstrapServers: broker.bootstrapServers, bounded: true });
  const start = () => FlinkRunner.start({ workDir: temporary.create("f"), config: { "parallelism.default": "1" } }, q);
  for (let round = 0; round < 3; round++) {
    for (const side of ["cold", "warmed"]) {
      const r = await start();
      let wcpu = 0, wwall = 0;
      if (side === "warmed") { const t = Date.now(); await r.run(WARM); wwall = Date.now() - t; wcpu = cpuSeconds(r.pid as number); }
      const before = cpuSeconds(r.pid as number);
      const t = Date.now();
      await r.run(sql);
      const wall = Date.now() - t;
      const cpu = cpuSeconds(r.pid as number) - before;
      const t2 = Date.now();
      const before2 = cpuSeconds(r.pid as number);
      await r.run(sql);
      console.log(side, `warmup ${wcpu.toFixed(2)} cpu ${wwall} ms; routing job ${cpu.toFixed(2)} cpu ${wall} ms; second ${(cpuSeconds(r.pid as number) - before2).toFixed(2)} cpu ${Date.now() - t2} ms`);
      await r.close();
    }
  }
  await stopAll(); temporary.removeAll();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
