/**
 * The cdktf app (main.ts) as cdktf runs it, in its own process: byte-identical output, no secret in it, and the
 * retention notice on its output. Integration tests: they start real processes.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { buildApp } from "../../app/build-app";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { STAGE_NAMES } from "../../stages/names";
import { temporaryDirectory } from "../support/helpers";

const values = (o: Record<string, unknown> | undefined) => Object.values(o ?? {}) as Array<Record<string, any>>;

describe("synth in its own process", () => {
  test("synth is deterministic: the compiled app (cdktf.json's) and the sources under tsx with cdktf's token stack traces write byte-identical files", () => {
    const run = (launcher: string[], env: NodeJS.ProcessEnv = {}) => {
      const out = temporaryDirectory("synth");
      execFileSync(process.execPath, [...launcher, "main.ts", "--all"], {
        env: { ...process.env, ...env, CDKTF_OUTDIR: out },
        stdio: "pipe",
      });
      return STAGE_NAMES.map((s) => readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8"));
    };
    // tsx's hook without its cache: nothing written to the system temp dir (tsx keeps its cache there).
    const [a, b] = [
      run(["bin/run.js"]),
      run(["--require", "tsx/cjs"], { CDC_ROUTING_TOKEN_TRACES: "1", TSX_DISABLE_CACHE: "1" }),
    ];
    expect(b).toEqual(a);
    expect(a[0].length).toBeGreaterThan(10000);
  });

  test("leaving out cdktf's preparing resolve and walking plain data itself (RoutingStageStack.prepareStack, toTerraform) change no stage's output", () => {
    const synth = (asStock: boolean) => {
      const out = temporaryDirectory("prepare");
      const stock = asStock
        ? (["prepareStack", "toTerraform"] as const).map((method) =>
            jest.spyOn(RoutingStageStack.prototype, method).mockImplementation(function (this: TerraformStack) {
              return TerraformStack.prototype[method].call(this);
            }),
          )
        : [];
      try {
        buildApp(STAGE_NAMES, new App({ outdir: out })).synth();
        for (const spy of stock) expect(spy.mock.calls).toHaveLength(STAGE_NAMES.length);
      } finally {
        for (const spy of stock) spy.mockRestore();
      }
      return STAGE_NAMES.map((s) => readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8"));
    };
    expect(synth(false)).toEqual(synth(true));
  });

  test("a canary secret in every place a secret could come from never reaches the synthesized JSON", () => {
    const canary = "CANARY-s3cr3t-7f1c";
    const names = [
      "confluent_cloud_api_key",
      "confluent_cloud_api_secret",
      "source_db_admin_password",
      "source_db_replication_password",
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CONFLUENT_CLOUD_API_SECRET: canary,
      CONFLUENT_CLOUD_API_KEY: canary,
      PGPASSWORD: canary,
      AWS_SECRET_ACCESS_KEY: canary,
    };
    for (const n of names) env[`TF_VAR_${n}`] = canary;
    const out = temporaryDirectory("canary");
    execFileSync(process.execPath, ["bin/run.js", "main.ts", "--all"], {
      env: { ...env, CDKTF_OUTDIR: out },
      stdio: "pipe",
    });
    for (const s of STAGE_NAMES) {
      const text = readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8");
      expect(text).not.toContain(canary);
      const synth = JSON.parse(text);
      for (const n of names) expect(synth.variable[n]).toMatchObject({ sensitive: true, type: "string" });
      // Every secret-bearing attribute is a reference to a variable or a generated key, never a literal.
      const connector = values(synth.resource.confluent_connector)[0];
      expect(connector.config_sensitive["database.password"]).toBe("${var.source_db_replication_password}");
      expect(JSON.stringify(connector.config_nonsensitive)).not.toMatch(/password|secret/i);
      expect(values(synth.resource.postgresql_role)[0].password).toBe("${var.source_db_replication_password}");
      expect(synth.provider.postgresql[0].password).toBe("${var.source_db_admin_password}");
      expect(synth.provider.confluent[0].cloud_api_secret).toBe("${var.confluent_cloud_api_secret}");
      for (const v of values(synth.resource.aws_secretsmanager_secret_version))
        expect(v.secret_string).toMatch(/api_secret" = confluent_api_key\.[\w-]+\.secret/);
    }
  });
});

describe("stopped statements past retention, through main.ts", () => {
  test("npm run synth with CDC_ROUTING_NOW prints the line naming the statement it leaves out", () => {
    const dir = temporaryDirectory("retention");
    const lockFile = join(dir, "statements.lock.json");
    copyFileSync("lock/statements.lock.json", lockFile);
    const filtersFile = join(dir, "filters.yaml");
    writeFileSync(
      filtersFile,
      readFileSync("filters/filters.yaml", "utf8").replace(/(name: car-created[\s\S]*?version: )1/, "$12"),
    );
    const env = {
      ...process.env,
      CDC_ROUTING_LOCK: lockFile,
      CDC_ROUTING_FILTERS: filtersFile,
      CDKTF_OUTDIR: join(dir, "out"),
    };
    execFileSync(process.execPath, ["bin/cdc-routing.js", "lock", "--stage", "dev", "--filters", filtersFile], {
      env: { ...env, CDC_ROUTING_NOW: "2026-11-01" },
      stdio: "pipe",
    });
    const synth = ["bin/run.js", "main.ts", "dev"];
    const kept = execFileSync(process.execPath, synth, {
      env: { ...env, CDC_ROUTING_NOW: "2026-11-29" },
      encoding: "utf8",
    });
    expect(kept).not.toContain("left out");
    const dropped = execFileSync(process.execPath, synth, {
      env: { ...env, CDC_ROUTING_NOW: "2026-11-30" },
      encoding: "utf8",
    });
    expect(dropped).toContain(
      "dev: stopped statement dev-routing-set-697589fe (stopped 2026-11-01) is left out: Confluent deletes stopped statements 30 days after they stop",
    );
  }, 60_000);
});
