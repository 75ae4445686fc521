/**
 * Real Terraform and the real confluent provider (from the local mirror): a kept (stopped) statement missing from
 * state is never planned for creation, because the stack gives it an import block. The Flink REST API answers
 * from a small local server in the shape of the provider's recorded responses
 * (internal/testdata/flink_statement/read_stopped_flink_statement.json, read_deleted_flink_statement.json).
 * Skipped, loudly, where the mirror or the terraform CLI is missing (describeWithRealProviders).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { evolveStage } from "../../lock/stage-lock";
import { terraformEnv, terraformInit } from "../../providers/mirror";
import { CONFLUENT_PROVIDER } from "../../providers/pins";
import { parsePlan } from "../../review/plan";
import { renderSummary, summarizePlan } from "../../review/summarize";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { temporaryDirectory } from "../support/helpers";
import { describeWithRealProviders } from "../support/real-providers";
import { synthStack } from "../support/stack-helpers";

const IDS = {
  org: "1111aaaa-11aa-11aa-11aa-111111aaaaaa",
  env: "env-abc123",
  pool: "lfcp-x7rgx1",
  principal: "sa-flink1",
};

/** The stack after a version bump (per-filter shape): its one stopped statement and its import block. */
function keptStatement(): {
  name: string;
  statement: string;
  properties: Record<string, string>;
  importBlock: { id: string; to: string };
} {
  const filters = loadFilters("filters/filters.yaml");
  const dev = stageConfig("dev");
  const stage = parseStageConfig({ ...dev, flink: { ...dev.flink, shape: "per-filter" } });
  const bumped = {
    ...filters,
    filters: filters.filters.map((f) => (f.name === "loan-created" ? { ...f, version: 2 } : f)),
  };
  const v1 = evolveStage({}, filters, stage);
  const lock = evolveStage({ dev: v1 }, bumped, stage);
  const synth = synthStack((app) => new RoutingStageStack(app, { stage, filters: bumped, lock }));
  const [importBlock] = synth.import;
  const kept = synth.resource.confluent_flink_statement[importBlock.to.split(".")[1]];
  return {
    name: kept.statement_name,
    statement: kept.statement,
    properties: { "sql.current-catalog": "cdc-routing-dev", "sql.current-database": "cdc-routing-dev-kafka" },
    importBlock,
  };
}

/** The kept statement with its references made literal, so the plan needs nothing but the Flink REST API. */
function config(kept: ReturnType<typeof keptStatement>, restEndpoint: string, withImport: boolean): object {
  const resourceName = kept.importBlock.to.split(".")[1];
  return {
    terraform: {
      required_providers: {
        confluent: { source: CONFLUENT_PROVIDER.source, version: `= ${CONFLUENT_PROVIDER.version}` },
      },
    },
    provider: { confluent: [{ cloud_api_key: "cloud-key", cloud_api_secret: "cloud-secret" }] },
    resource: {
      confluent_flink_statement: {
        [resourceName]: {
          statement_name: kept.name,
          statement: kept.statement,
          stopped: true,
          properties: kept.properties,
          organization: { id: IDS.org },
          environment: { id: IDS.env },
          compute_pool: { id: IDS.pool },
          principal: { id: IDS.principal },
          rest_endpoint: restEndpoint,
          credentials: { key: "flink-key", secret: "flink-secret" },
        },
      },
    },
    ...(withImport ? { import: [kept.importBlock] } : {}),
  };
}

/** GET .../statements/<name>: the stopped statement as Confluent returns it, or Confluent's 404 once it is deleted. */
function flinkApi(kept: ReturnType<typeof keptStatement>, exists: boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const found =
      exists && req.url === `/sql/v1/organizations/${IDS.org}/environments/${IDS.env}/statements/${kept.name}`;
    res.writeHead(found ? 200 : 404, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify(
        found
          ? {
              api_version: "sql/v1",
              kind: "Statement",
              environment_id: IDS.env,
              organization_id: IDS.org,
              name: kept.name,
              metadata: {
                created_at: "2026-01-01T00:00:00Z",
                resource_version: "1",
                self: "",
                uid: "8b9c49bb",
                updated_at: "2026-01-01T00:00:00Z",
              },
              spec: {
                compute_pool_id: IDS.pool,
                principal: IDS.principal,
                properties: kept.properties,
                statement: kept.statement,
                stopped: true,
              },
              status: { detail: "", phase: "STOPPED" },
            }
          : { errors: [{ status: "404", detail: `Statement resource=${kept.name} does not exist`, source: {} }] },
      ),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const UNATTENDED = ["-input=false", "-no-color", "-lock=false"];
/** Each test runs init and one to four terraform commands with the provider plugin (about 1 s each when idle). */
const TERRAFORM_TEST_MS = 120_000;

/** terraform without blocking the event loop (the local API answers from this process). */
function terraformAsync(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("terraform", args, { cwd: dir, env: { ...terraformEnv(), ...env } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output }));
  });
}

const importEnv = (restEndpoint: string) => ({
  IMPORT_CONFLUENT_ORGANIZATION_ID: IDS.org,
  IMPORT_CONFLUENT_ENVIRONMENT_ID: IDS.env,
  IMPORT_FLINK_COMPUTE_POOL_ID: IDS.pool,
  IMPORT_FLINK_PRINCIPAL_ID: IDS.principal,
  IMPORT_FLINK_API_KEY: "flink-key",
  IMPORT_FLINK_API_SECRET: "flink-secret",
  IMPORT_FLINK_REST_ENDPOINT: restEndpoint,
});

describeWithRealProviders("a kept (stopped) statement missing from state, planned by real Terraform", () => {
  const kept = keptStatement();
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function scenario(o: { withImport: boolean; exists: boolean; importCredentials: boolean }) {
    server = await flinkApi(kept, o.exists);
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = temporaryDirectory("kept-import");
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config(kept, endpoint, o.withImport)));
    terraformInit(dir);
    const env = o.importCredentials ? importEnv(endpoint) : {};
    return { dir, env, planned: await terraformAsync(dir, ["plan", ...UNATTENDED, "-out=tfplan"], env) };
  }

  test(
    "without the import block the provider would create it, running (it sends no `stopped` on create)",
    async () => {
      const { code, output } = (await scenario({ withImport: false, exists: true, importCredentials: false })).planned;
      expect(code).toBe(0);
      expect(output).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    },
    TERRAFORM_TEST_MS,
  );

  test(
    "with the stack's import block and no import credentials, the plan fails instead of creating it",
    async () => {
      const { code, output } = (await scenario({ withImport: true, exists: true, importCredentials: false })).planned;
      expect(code).toBe(1);
      expect(output).toContain("IMPORT_FLINK_REST_ENDPOINT environment variable must be set");
      expect(output).not.toContain("to add");
    },
    TERRAFORM_TEST_MS,
  );

  test(
    "deleted by Confluent (30 days after stopping): the import fails on the 404, nothing is created",
    async () => {
      const { code, output } = (await scenario({ withImport: true, exists: false, importCredentials: true })).planned;
      expect(code).toBe(1);
      expect(output).toContain(`404 Not Found: Statement resource=${kept.name} does not exist`);
      expect(output).not.toContain("to add");
    },
    TERRAFORM_TEST_MS,
  );

  test(
    "still on Confluent (lost state): the plan adopts it, stopped, and creates nothing; once in state the import block is a no-op",
    async () => {
      const { dir, env, planned } = await scenario({ withImport: true, exists: true, importCredentials: true });
      expect(planned.code).toBe(0);
      expect(planned.output).toContain("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.");
      // The PR review names the import (Terraform's actions alone say no-op).
      const shown = await terraformAsync(dir, ["show", "-json", "tfplan"], env);
      const summary = renderSummary("dev", summarizePlan(parsePlan(shown.output, "tfplan")));
      expect(summary).toContain("**dev**: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 to import");
      expect(summary).toContain(`| statements | \`<= import\` | \`${kept.importBlock.to}\` |`);
      const applied = await terraformAsync(dir, ["apply", ...UNATTENDED, "tfplan"], env);
      expect(applied.output).toContain("Apply complete! Resources: 1 imported, 0 added, 0 changed, 0 destroyed.");
      // The normal case of every later plan: in state, no import credentials needed, nothing to do.
      const again = await terraformAsync(dir, ["plan", ...UNATTENDED, "-detailed-exitcode"]);
      expect(again.output).toContain("No changes.");
      expect(again.code).toBe(0);
    },
    TERRAFORM_TEST_MS,
  );
});
