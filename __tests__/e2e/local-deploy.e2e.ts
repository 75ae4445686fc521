/**
 * The whole stack deployed to a local Confluent (offline/local-deploy.ts): `npx cdktf deploy dev`, with the real
 * terraform CLI and the confluent provider from the local mirror, applies dev to the local Confluent Cloud API double,
 * which drives real engines: topics on Kafka, the managed connector as Debezium on Kafka Connect, the statement text on
 * Flink over inferred tables. Rows written to PostgreSQL then reach the example consumers; a filter change deployed
 * while rows keep coming switches the statement with carry-over, and every matching event still arrives exactly once.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RawEvent } from "../../filters/evaluate";
import { sleep } from "../../lib/run";
import { TemporaryDirs } from "../../local/processes";
import {
  ExampleConsumers,
  expectedByConsumer,
  insertRows,
  type LocalConfluent,
  LocalStage,
  sampleRows,
  startLocalConfluent,
  tallyLine,
} from "../../offline/local-deploy";
import { terraformErrors } from "../../providers/mirror";
import { loanCreatedV2CreatesOnly, realProvidersOrNotRun, runEntryPoint } from "./stack-on-double";

const why = realProvidersOrNotRun("local deploy suite", "local deploy");

const quiet = process.env.CDC_ROUTING_VERBOSE ? undefined : () => undefined;
const temporary = new TemporaryDirs();

async function deployed(stage: LocalStage, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const r = await stage.deploy(env);
  if (r.code !== 0) throw new Error(`cdktf deploy failed:\n${terraformErrors(r.output)}`);
}

(why ? describe.skip : describe)("dev deployed to the local Confluent", () => {
  let local: LocalConfluent;
  let dev: LocalStage;
  let consumers: ExampleConsumers;
  const tag = "deploy";

  beforeAll(async () => {
    local = await startLocalConfluent(quiet ?? ((line) => process.stderr.write(`[local] ${line}\n`)));
    dev = new LocalStage(local, "dev", temporary.create("cdktf-out"));
    await deployed(dev);
    consumers = await ExampleConsumers.start(local.pipeline, tag);
  }, 600_000);
  afterAll(async () => {
    await consumers?.stop();
    await local?.stop();
    temporary.removeAll();
  }, 120_000);

  test("npx cdktf diff right after the deploy reports no changes", async () => {
    const r = await dev.diff();
    // Terraform's own words, through cdktf's per-stack prefix and line wrapping.
    const text = r.output
      .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g"), "")
      .replace(/^\s*dev\s+/gm, "")
      .replace(/\s+/g, " ");
    if (!/No changes\./.test(text)) process.stderr.write(`cdktf diff output:\n${r.output}\n`);
    expect({
      code: r.code,
      noChanges: /No changes\. Your infrastructure matches the configuration\./.test(text),
      planned: /Plan: \d+ to add/.test(text),
    }).toEqual({ code: 0, noChanges: true, planned: false });
    expect(local.double.unknownCalls).toEqual([]);
  }, 120_000);

  test("rows written to PostgreSQL reach each example consumer exactly once", async () => {
    const rows = sampleRows(local.pipeline.filters, `${tag}-first`);
    await insertRows(local.pipeline.postgres, rows);
    const tallies = await consumers.await(expectedByConsumer(local.pipeline.filters, "dev", rows), 180_000);
    const problems = tallies
      .filter((t) => t.missing.length || t.duplicated.length || t.unexpected.length)
      .map(tallyLine);
    expect(problems).toEqual([]);
    expect(tallies.some((t) => t.expected > 0)).toBe(true);
  }, 240_000);

  test("a filter change deployed while rows keep coming: carry-over, every matching event exactly once", async () => {
    const dir = temporary.create("filter-change");
    const inputs = loanCreatedV2CreatesOnly(dir);
    // `npm run statements:lock` for every stage, as a developer runs it: cdktf synthesizes all stages (cdktf.json).
    const locked = await runEntryPoint("cli/cdc-routing.ts", ["lock", "--filters", inputs.filters], {
      env: { ...process.env, ...inputs.env },
    });
    expect(locked.output).toMatch(/dev: running .*\(offsets from dev-routing-set-/);

    const written: RawEvent[] = [];
    let writing = true;
    const writer = (async () => {
      for (let batch = 0; writing; batch++) {
        const rows = sampleRows(local.pipeline.filters, `${tag}-switch-${batch}`).slice(0, 20);
        await insertRows(local.pipeline.postgres, rows);
        written.push(...rows);
        await sleep(300);
      }
    })();
    // With carry-over the provider returns while the new statement is PENDING; it starts once its predecessor
    // stopped. Rows keep coming through the apply, the switch and a few seconds of the new statement.
    const phases = () =>
      [...local.double.store.statements.values()].map((s) => [s.name, s.spec.stopped, s.status.phase]);
    try {
      await deployed(dev, inputs.env);
      const deadline = Date.now() + 120_000;
      while (
        Date.now() < deadline &&
        !phases().every(([, stopped, phase]) => phase === (stopped ? "STOPPED" : "RUNNING"))
      )
        await sleep(500);
      await sleep(3000);
    } finally {
      writing = false;
      await writer;
    }
    const statements = phases();
    expect(statements.filter(([, stopped]) => stopped)).toEqual([
      [expect.stringMatching(/^dev-routing-set-/), true, "STOPPED"],
    ]);
    expect(statements.filter(([, stopped]) => !stopped)).toEqual([
      [expect.stringMatching(/^dev-routing-set-/), false, "RUNNING"],
    ]);
    const tallies = await consumers.await(expectedByConsumer(local.pipeline.filters, "dev", written), 180_000);
    const switched = tallies.map((t) => ({
      ...t,
      missing: t.missing.filter((id) => id.startsWith(`${tag}-switch`)),
      duplicated: t.duplicated.filter((id) => id.startsWith(`${tag}-switch`)),
    }));
    expect(switched.filter((t) => t.missing.length || t.duplicated.length).map(tallyLine)).toEqual([]);
    expect(written.length).toBeGreaterThan(20);
  }, 600_000);

  test("a connector config the local Debezium rejects fails terraform apply with Kafka Connect's root cause", async () => {
    const file = join(dev.stackDir, "cdk.tf.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    const [[, connector]] = Object.entries(config.resource.confluent_connector as Record<string, any>);
    config.resource.confluent_connector.bad_snapshot = {
      ...connector,
      config_nonsensitive: {
        ...connector.config_nonsensitive,
        name: "cdc-routing-dev-bad-snapshot",
        "slot.name": "bad_snapshot",
        "snapshot.mode": "sometimes",
      },
    };
    writeFileSync(file, JSON.stringify(config, null, 2));
    const r = await dev.terraform("apply", "-input=false", "-auto-approve", "-target=confluent_connector.bad_snapshot");
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/provisioning status is "FAILED"/);
    // Kafka Connect's validation message for the setting, quoted by the provider from the status trace.
    expect(r.output).toMatch(
      /provisioning status is "FAILED": Kafka Connect rejected the connector config: snapshot\.mode: /,
    );
    process.stderr.write(`terraform apply with a rejected connector config:\n${terraformErrors(r.output)}\n`);
  }, 300_000);
});
