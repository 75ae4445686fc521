/**
 * The pinned Checkov (review/checkov.ts) over the three synthesized stages, as `npm run scan` runs it in CI: every
 * stage passes with only the stack's inline skips; plain Checkov parses each shipped stage as it is; a stage that
 * still carries moved or import blocks is scanned without them, and a secret without the stage's key fails. Where
 * Checkov is not installed the suite says so and is skipped; with CDC_ROUTING_REQUIRE_SCANNER=1 (.ci/run and the
 * pull-request workflow, which install it first) it fails instead.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../app/build-app";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { CHECKOV_VERSION, checkovMissing, checkovTempDir, REQUIRE_SCANNER_ENV, runCheckov } from "../../review/checkov";
import { scanStacks, stackFile } from "../../review/scan";
import { type StageScan, scanLines, scanPassed } from "../../review/scanner";
import { parseStageConfig } from "../../stages/config";
import { STAGE_NAMES } from "../../stages/names";
import { stageConfig } from "../../stages/stages";
import { temporaryDirectory, withEnv } from "../support/helpers";
import { SNAPSHOT_DATE } from "../support/stack-helpers";
import { edit, lockFor } from "../support/statement-locks";

const why = checkovMissing();
if (why && process.env[REQUIRE_SCANNER_ENV] === "1")
  throw new Error(`the scan suite must run here (${REQUIRE_SCANNER_ENV}=1): ${why}; install it: npm run scan:install`);
if (why)
  console.warn(
    `\n*** NOT RUN: the Checkov scan of the stages, because ${why}.\n*** Install it: npm run scan:install\n`,
  );

/** The three stages as `npm run synth:all` writes them. */
function synthesizeAll(): string {
  const app = new App({ outdir: temporaryDirectory("scan-synth") });
  buildApp(STAGE_NAMES, app, { today: SNAPSHOT_DATE }).synth();
  return join(app.outdir, "stacks");
}

const summary = (s: StageScan) => ({
  stage: s.stage,
  passed: scanPassed(s),
  skipped: s.skipped.map((k) => k.check),
  failed: s.failed.map((r) => `${r.check_id} ${r.resource}`),
  leftOut: s.leftOut,
});

(why ? describe.skip : describe)(`Checkov ${CHECKOV_VERSION} over the synthesized stages`, () => {
  let stacks: string;
  beforeAll(() => {
    stacks = synthesizeAll();
  }, 120_000);

  test("every stage passes; the only skips are the stack's own, each consumer secret's CKV2_AWS_57 with its reason", async () => {
    const scans = await scanStacks(stacks, STAGE_NAMES);
    for (const s of scans) console.log(scanLines(s).join("\n"));
    const secretSkips = ["CKV2_AWS_57", "CKV2_AWS_57", "CKV2_AWS_57", "CKV2_AWS_57"];
    expect(scans.map(summary)).toEqual(
      STAGE_NAMES.map((stage) => ({ stage, passed: true, skipped: secretSkips, failed: [], leftOut: {} })),
    );
    for (const s of scans) {
      // The KMS key's, the secrets' encryption, the alarms' and the provider's checks ran and passed.
      expect(s.passed).toBe(11);
      expect(s.skipped.every((k) => k.reason.includes("docs/runbooks/rotate-api-keys.md"))).toBe(true);
    }
  }, 120_000);

  test("plain Checkov (no copy, nothing left out) parses every shipped stage: no moved or import block in them", async () => {
    const report = await runCheckov(stacks);
    expect(report.parsingErrors).toEqual([]);
    expect(report.passed.length + report.failed.length).toBe(3 * 15);
  }, 120_000);

  test("a scan leaves nothing in the system temp dir: Checkov's HCL parser keeps its grammar cache in Checkov's own", async () => {
    // An empty temp dir of the process's own: where the parser wrote its cache file before, and never removed it.
    const systemTemp = temporaryDirectory("scan-system-temp");
    await withEnv({ TMPDIR: systemTemp }, async () => {
      await runCheckov(stacks);
    })();
    expect(readdirSync(systemTemp)).toEqual([]);
    expect(readdirSync(checkovTempDir()).some((f) => f.startsWith(".lark_cache"))).toBe(true);
  }, 120_000);

  test("a stage with moved blocks (deployedBefore.grantRenaming) or import blocks (kept statements): plain Checkov cannot parse it, the scan leaves them out and passes", async () => {
    const dev = parseStageConfig({ ...stageConfig("dev", {}), deployedBefore: { grantRenaming: true } });
    const filters = loadFilters("filters/filters.yaml");
    const v1 = lockFor(filters, dev, undefined, "2026-11-01");
    // A filter change keeps the old statement, stopped, with an import block (constructs/flink-statements.ts).
    const lock = lockFor(
      edit(filters, "car-created", () => ({ version: 2 })),
      dev,
      v1,
      "2026-11-20",
    );
    const app = new App({ outdir: temporaryDirectory("scan-legacy") });
    new RoutingStageStack(app, {
      stage: dev,
      filters: edit(filters, "car-created", () => ({ version: 2 })),
      lock,
      today: SNAPSHOT_DATE,
    });
    app.synth();
    const dir = join(app.outdir, "stacks");

    const plain = await runCheckov(dir);
    expect(plain.parsingErrors).toHaveLength(1);
    expect(plain.passed).toEqual([]);
    const [scan] = await scanStacks(dir, ["dev"]);
    expect(summary(scan)).toEqual({
      stage: "dev",
      passed: true,
      skipped: ["CKV2_AWS_57", "CKV2_AWS_57", "CKV2_AWS_57", "CKV2_AWS_57"],
      failed: [],
      leftOut: { moved: 27, import: 1 },
    });
    expect(scanLines(scan)[1]).toBe(
      "  left out of the scan (Checkov cannot parse them; they configure no resource): 1 import block, 27 moved blocks",
    );
  }, 120_000);

  test("a secret without the stage's key fails CKV_AWS_149; a skip with nothing left to skip fails as stale", async () => {
    const dir = temporaryDirectory("scan-broken");
    const stack = JSON.parse(readFileSync(stackFile(stacks, "prod"), "utf8"));
    const secrets = stack.resource.aws_secretsmanager_secret;
    const [first, second] = Object.keys(secrets);
    delete secrets[first].kms_key_id;
    // The check this skip names passes on the key (rotation is on): nothing to skip.
    const [key] = Object.values(stack.resource.aws_kms_key) as Record<string, any>[];
    key["//"].checkov = ["checkov:skip=CKV_AWS_7:not needed"];
    mkdirSync(join(dir, "prod"));
    writeFileSync(stackFile(dir, "prod"), JSON.stringify(stack));
    const [scan] = await scanStacks(dir, ["prod"]);
    expect(scanPassed(scan)).toBe(false);
    expect(scan.failed.map((r) => `${r.check_id} ${r.resource}`)).toEqual([`CKV_AWS_149 resource.${first}`]);
    expect(scan.staleSkips.map((k) => k.check)).toEqual(["CKV_AWS_7"]);
    expect(second).toBeDefined();
  }, 120_000);
});
