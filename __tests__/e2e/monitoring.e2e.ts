/**
 * Monitoring on the local Confluent (docs/monitoring.md): dev deployed with `npx cdktf deploy` to the local API
 * double over the real engines (offline/local-deploy.ts), then
 * - the monitoring files beside the deployed stack are the model's, pointed at the double;
 * - a real Prometheus (Debian's, local/prometheus.ts) scrapes the double's Metrics API export with the generated
 *   configuration and evaluates the generated rules, with the documented test overrides (docs/monitoring.md,
 *   "Testing the alerts"): 1 s scrape and evaluation instead of 1 min, every consumer at 20 records for 15 s, the
 *   metrics reader's key id written in (Debian 12's Prometheus 2.42 reads no username_file). One example consumer
 *   stops reading while rows flow: the lag alert fires for exactly that consumer, and resolves once it reads again;
 * - `cdc-routing status` reports the stage healthy, exit 0; after a record the statement cannot read, its Flink job
 *   fails, and status reports the statement FAILED with the exception, exit 1.
 * The suite's own part (after the deploy) takes well under a minute.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { designStage } from "../../constructs/stage-problems";
import { loadFilters } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { sleep } from "../../lib/run";
import { TemporaryDirs } from "../../local/processes";
import { type LocalPrometheus, startPrometheus } from "../../local/prometheus";
import { readLock } from "../../lock/lock-file";
import { monitoredStatement, monitoringModel } from "../../monitoring/model";
import { MONITORING_FILES, prometheusRules, prometheusScrapeConfig } from "../../monitoring/prometheus";
import {
  ExampleConsumers,
  insertRows,
  type LocalConfluent,
  LocalStage,
  sampleRows,
  startLocalConfluent,
} from "../../offline/local-deploy";
import { localStatusCredentials, localStatusTargets, stackOutputs } from "../../offline/local-status";
import { terraformErrors } from "../../providers/mirror";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { realProvidersOrNotRun, runEntryPoint } from "./stack-on-double";

const why = realProvidersOrNotRun("monitoring suite", "monitoring");

const quiet = process.env.CDC_ROUTING_VERBOSE
  ? (line: string) => process.stderr.write(`[local] ${line}\n`)
  : () => undefined;
const temporary = new TemporaryDirs();
const PAUSED = "loan-servicing";

/** The dev stage's monitoring model, from the inputs synth read (filters, stage config, lock). */
function devModel(filters: FilterSet, stage = stageConfig("dev", {})) {
  const design = designStage({ stage, filters, lock: readLock().dev });
  return monitoringModel({
    stage,
    filters,
    statements: design.sql.statements.map(monitoredStatement),
    connector: design.connectorName,
  });
}

interface PromAlert {
  labels: Record<string, string>;
  state: "pending" | "firing";
}

(why ? describe.skip : describe)("monitoring of dev on the local Confluent", () => {
  let local: LocalConfluent;
  let dev: LocalStage;
  let consumers: ExampleConsumers;
  let prometheus: LocalPrometheus | undefined;
  const filters = loadFilters("filters/filters.yaml");

  beforeAll(async () => {
    // The double's per-minute counters count over 5 s here: the scrape runs every second.
    local = await startLocalConfluent(quiet, { counterWindowMs: 5000 });
    dev = new LocalStage(local, "dev", temporary.create("cdktf-out"));
    const r = await dev.deploy();
    if (r.code !== 0) throw new Error(`cdktf deploy failed:\n${terraformErrors(r.output)}`);
    consumers = await ExampleConsumers.start(local.pipeline, "monitoring");
  }, 600_000);
  afterAll(async () => {
    await consumers?.stop();
    await prometheus?.service.stop();
    await local?.stop();
    temporary.removeAll();
  }, 120_000);

  test("the monitoring files beside the deployed stack are the model's, pointed at the double", () => {
    const model = devModel(filters);
    const files = [MONITORING_FILES.scrape, MONITORING_FILES.rules].map((f) =>
      readFileSync(join(dev.stackDir, "monitoring", f), "utf8"),
    );
    expect(files).toEqual([prometheusScrapeConfig(model, { endpoint: local.double.url }), prometheusRules(model)]);
    expect(parse(files[0]).scrape_configs[0].scheme).toBe("http");
  });

  test("Prometheus on the double's export: the lag alert fires for exactly the consumer that stopped reading, then resolves", async () => {
    const started = Date.now();
    const dir = temporary.create("prometheus");
    const outputs = await stackOutputs(dev.stackDir);
    // The documented test overrides: 1 s intervals, every consumer at 20 records for 15 s, the key id written in.
    // 15 s is three of the statement's 5 s checkpoints: its sinks write exactly-once, so a reading consumer's lag
    // counts the open transaction's records until the checkpoint commits them (5 s had a reading consumer pending
    // under CI load).
    const dev0 = stageConfig("dev", {});
    const stage = parseStageConfig({ ...dev0, monitoring: { ...dev0.monitoring, maxLag: 20, lagFor: "15s" } });
    const model = devModel({ ...filters, consumers: new Map() }, stage);
    const files: Record<string, string> = {
      [MONITORING_FILES.scrape]: prometheusScrapeConfig(model, {
        endpoint: local.double.url,
        interval: "1s",
        username: outputs.metrics_reader_api_key.value,
      }),
      [MONITORING_FILES.rules]: prometheusRules(model),
      [MONITORING_FILES.secret]: outputs.metrics_reader_api_secret.value,
      [MONITORING_FILES.targets]: JSON.stringify(outputs.metrics_scrape_targets.value),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    prometheus = await startPrometheus(join(dir, MONITORING_FILES.scrape), dir, quiet);
    const p = prometheus;
    const lagAlerts = async () =>
      ((await p.api("alerts")) as { alerts: PromAlert[] }).alerts.filter(
        (a) => a.labels.alertname === "ConsumerLagHigh",
      );
    const until = async (what: string, done: () => Promise<boolean>, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (Date.now() > deadline)
          throw new Error(`no ${what} in ${timeoutMs / 1000} s; alerts: ${JSON.stringify(await lagAlerts())}`);
        await sleep(500);
      }
    };
    // Rows flow: every consumer reads and commits, so its group's lag is exported (scraped through the stack's own
    // metrics reader, with MetricsViewer).
    await insertRows(local.pipeline.postgres, sampleRows(local.pipeline.filters, "monitoring-flow", 40));
    await until("lag series for every consumer", async () => {
      const series = (await p.api(
        `query?query=${encodeURIComponent("confluent_kafka_server_consumer_lag_offsets")}`,
      )) as {
        result: Array<{ metric: Record<string, string> }>;
      };
      return model.consumers.every((c) => series.result.some((s) => s.metric.consumer_group_id === c.group));
    });
    expect(await lagAlerts()).toEqual([]);

    consumers.pause(PAUSED);
    const pausedAt = Date.now();
    await insertRows(local.pipeline.postgres, sampleRows(local.pipeline.filters, "monitoring-lag", 400));
    // The reading consumers may be pending while they catch up; the paused one fires and is then the only alert.
    const onlyPausedFiring = [[PAUSED, `${PAUSED}-consumer-group`, "firing"]];
    let alerts: string[][] = [];
    await until(
      "lag alert firing for the paused consumer alone",
      async () => {
        alerts = (await lagAlerts()).map((a) => [a.labels.consumer, a.labels.consumer_group_id, a.state]);
        return JSON.stringify(alerts) === JSON.stringify(onlyPausedFiring);
      },
      60_000,
    );
    expect(alerts).toEqual(onlyPausedFiring);

    consumers.resume(PAUSED);
    await until("resolved lag alert", async () => (await lagAlerts()).length === 0);
    // At no evaluation since the pause did another consumer's alert fire: Prometheus keeps every evaluation's
    // alert states as the ALERTS series. The paused consumer's firing shows the query finds what it looks for.
    const windowSeconds = Math.ceil((Date.now() - pausedAt) / 1000) + 5;
    const firedSincePause = async (consumer: string) =>
      (
        (await p.api(
          `query?query=${encodeURIComponent(`max_over_time(ALERTS{alertname="ConsumerLagHigh",alertstate="firing",consumer${consumer}}[${windowSeconds}s])`)}`,
        )) as { result: Array<{ metric: Record<string, string> }> }
      ).result.map((r) => r.metric.consumer);
    expect(await firedSincePause(`!="${PAUSED}"`)).toEqual([]);
    expect(await firedSincePause(`="${PAUSED}"`)).toEqual([PAUSED]);
    process.stderr.write(
      `monitoring: lag alert fired and resolved in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }, 180_000);

  test("cdc-routing status: healthy, exit 0; a statement whose job failed: FAILED with its exception, exit 1", async () => {
    await insertRows(local.pipeline.postgres, sampleRows(local.pipeline.filters, "monitoring-status", 4));
    const dir = temporary.create("status");
    const targets = await localStatusTargets(dev.stackDir);
    const file = join(dir, "status-targets.json");
    writeFileSync(file, JSON.stringify(targets));
    const env = { ...process.env, ...(await localStatusCredentials(local.double.url, targets)) };
    const status = () =>
      runEntryPoint(
        "cli/cdc-routing.ts",
        ["status", "--stage", "dev", "--targets", file, "--bootstrap-servers", local.pipeline.kafka.bootstrapServers],
        { env },
      );
    const healthy = await status();
    process.stderr.write(`cdc-routing status, healthy:\n${healthy.stdout}`);
    expect(healthy.stdout).toMatch(/^verdict: dev is healthy \(\d+ checks\)$/m);
    expect(healthy.stdout).toMatch(/^ {2}connector +cdc-routing-dev-postgres-cdc +RUNNING/m);
    expect(healthy.stdout).toMatch(/^ {2}task +cdc-routing-dev-postgres-cdc\/0 +RUNNING/m);
    expect(healthy.stdout).toMatch(new RegExp(`^ {2}statement +${targets.statements[0]} +RUNNING`, "m"));
    for (const c of devModel(filters).consumers)
      expect(healthy.stdout).toMatch(new RegExp(`^ {2}consumer +${c.consumer} +lag \\d+`, "m"));
    expect(healthy.stdout).toMatch(/^ {2}raw topic +raw-business-events +\d+ (s|min) ago/m);
    expect(healthy.stdout).toMatch(/^ {2}subject +raw-business-events-value +v1 +the stack's schema/m);
    expect(healthy.code).toBe(0);

    // A record the statement cannot read: its job fails (after its restarts), and its statement with it.
    const producer = local.pipeline.kafka.client.producer();
    await producer.connect();
    await producer.send({ topic: "raw-business-events", messages: [{ key: "x", value: "not json {" }] });
    await producer.disconnect();
    const deadline = Date.now() + 60_000;
    const phase = () =>
      [...local.double.store.statements.values()].find((s) => s.name === targets.statements[0])?.status.phase;
    while (phase() !== "FAILED" && Date.now() < deadline) await sleep(500);
    expect(phase()).toBe("FAILED");
    const failed = await status();
    process.stderr.write(`cdc-routing status, failed:\n${failed.stdout}`);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      new RegExp(
        `^! statement +${targets.statements[0]} +FAILED +The statement's job failed: JsonParseException: Unrecognized token 'not'.*; latest exception \\(.+\\) JsonParseException$`,
        "m",
      ),
    );
    expect(failed.stdout).toMatch(/^verdict: dev is UNHEALTHY: 1 of \d+ checks: statement .* FAILED$/m);
  }, 120_000);
});
