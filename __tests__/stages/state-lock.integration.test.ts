/**
 * Two applies of one stage at once, with the backend the stack synthesizes for it: the second refuses the state lock
 * (-lock-timeout=0s) with terraform's lock message, or waits for it (-lock-timeout, as the workflows run apply) and
 * then plans from the first apply's state; they never interleave. Both backends: local (CDC_ROUTING_STATE=local;
 * terraform's lock on the state file) and S3 with the S3-native lock file (`use_lockfile`, Terraform >= 1.10: a
 * conditional PutObject of <key>.tflock with If-None-Match: *, refused 412 while it exists), against moto's S3 server
 * on loopback (`pip install "moto[server]"`; skipped loudly without it).
 * The configuration is the stage's backend block and one terraform_data whose create holds the lock for a few
 * seconds and logs each run of it: a second create would show as a second line.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { buildApp } from "../../app/build-app";
import type { Json } from "../../lib/json";
import { freePort, portOpen } from "../../lib/ports";
import { run, sleep } from "../../lib/run";
import { terraformEnv } from "../../providers/mirror";
import { stageConfig } from "../../stages/stages";
import { temporaryDirectory } from "../support/helpers";

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).error === undefined;
/** .ci/run installs moto's S3 server pinned, outside git, names it here and requires it: missing, the test fails. */
const motoServer = process.env.CDC_ROUTING_MOTO_SERVER || "moto_server";
const motoRequired = process.env.CDC_ROUTING_REQUIRE_MOTO === "1";
const hasMoto = spawnSync(motoServer, ["--help"], { stdio: "ignore" }).error === undefined;
if (!hasTerraform) console.warn("\n*** NOT RUN: concurrent applies, because terraform is not on PATH.\n");
if (hasTerraform && !hasMoto && !motoRequired)
  console.warn(
    `\n*** NOT RUN: concurrent applies on the S3 backend, because ${motoServer} is not there (pip install "moto[server]").\n`,
  );

/** The backend block the stack synthesizes for dev with this environment. */
function stageBackend(env: NodeJS.ProcessEnv): Json {
  const app = Testing.app({ outdir: temporaryDirectory("lock-synth") });
  buildApp(["dev"], app, { stageOf: (n) => stageConfig(n, env) });
  return JSON.parse(Testing.synth(app.node.findChild("dev") as Parameters<typeof Testing.synth>[0])).terraform.backend;
}

/** A configuration whose create holds the state lock for `seconds` and appends a line to `log` when it runs. */
function writeConfig(dir: string, backend: Json, seconds: number, input = "one"): string {
  const log = join(dir, "creates.log");
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { backend },
      resource: {
        terraform_data: {
          probe: {
            input,
            provisioner: [{ "local-exec": { command: `echo created >> ${log} && sleep ${seconds}` } }],
          },
        },
      },
    }),
  );
  return log;
}

const oneLine = (text: string) => text.replace(/\s+/g, " ");
const apply = (dir: string, ...extra: string[]) =>
  run("terraform", ["apply", "-input=false", "-auto-approve", "-no-color", ...extra], {
    cwd: dir,
    env: terraformEnv(),
  });

/** The first apply holds the lock (its create sleeps); a second refuses it, a third waits; one create in all. */
async function raceApplies(dir: string, log: string): Promise<{ refused: string; waited: string }> {
  const init = await run("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env: terraformEnv() });
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
  const first = apply(dir);
  // The create has started once its line is in the log: the first apply holds the lock from before that on.
  for (let i = 0; !readFileSafe(log).includes("created"); i++) {
    if (i > 600) throw new Error("the first apply's create did not start within 60 s");
    await sleep(100);
  }
  const refused = await apply(dir, "-lock-timeout=0s");
  const waiting = apply(dir, "-lock-timeout=120s");
  const [a, waited] = await Promise.all([first, waiting]);
  if (a.code !== 0) throw new Error(`the first apply failed:\n${a.output}`);
  if (waited.code !== 0) throw new Error(`the waiting apply failed:\n${waited.output}`);
  expect(refused.code).toBe(1);
  expect(a.output).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
  // The waiting apply read the state the first one wrote: nothing to create, nothing created twice.
  expect(waited.output).toContain("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
  expect(readFileSafe(log)).toBe("created\n");
  return { refused: oneLine(refused.output), waited: oneLine(waited.output) };
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

(hasTerraform ? describe : describe.skip)("concurrent applies of one stage", () => {
  test("the stack asks for a lock on either backend: S3's lock file by default, the local state file's lock otherwise", () => {
    expect(stageBackend({}).s3).toMatchObject({ use_lockfile: true });
    expect(stageBackend({ CDC_ROUTING_STATE: "local" })).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });

  test("local backend: the second refuses the state file's lock naming the apply that holds it, the third waits", async () => {
    const dir = temporaryDirectory("lock-local");
    const log = writeConfig(dir, stageBackend({ CDC_ROUTING_STATE: "local" }), 4);
    const { refused } = await raceApplies(dir, log);
    expect(refused).toMatch(
      /Error: Error acquiring the state lock .* Lock Info: ID: [0-9a-f-]{36} Path: terraform\.dev\.tfstate Operation: OperationTypeApply Who: \S+ Version: \S+ Created: /,
    );
  }, 120_000);

  test("a saved plan made before another apply moved the state is refused as stale (the deploy workflow applies saved plans)", async () => {
    const dir = temporaryDirectory("lock-stale");
    const backend = stageBackend({ CDC_ROUTING_STATE: "local" });
    writeConfig(dir, backend, 0);
    expect((await run("terraform", ["init", "-input=false"], { cwd: dir, env: terraformEnv() })).code).toBe(0);
    expect((await apply(dir)).code).toBe(0);
    writeConfig(dir, backend, 0, "two");
    const planned = await run("terraform", ["plan", "-input=false", "-no-color", "-out=first.tfplan"], {
      cwd: dir,
      env: terraformEnv(),
    });
    expect(planned.code).toBe(0);
    expect((await apply(dir)).code).toBe(0);
    const stale = await run("terraform", ["apply", "-input=false", "-no-color", "first.tfplan"], {
      cwd: dir,
      env: terraformEnv(),
    });
    expect(stale.code).toBe(1);
    expect(oneLine(stale.output)).toContain("Error: Saved plan is stale");
  }, 120_000);

  if (motoRequired && !hasMoto)
    test("moto's S3 server is installed (CDC_ROUTING_REQUIRE_MOTO)", () => {
      throw new Error(`${motoServer} cannot run: .ci/run installs it (moto[server], pinned)`);
    });
  (hasMoto ? describe : describe.skip)("S3 backend with the lock file, on moto's S3 server", () => {
    let moto: ChildProcess | undefined;
    let endpoint = "";

    beforeAll(async () => {
      const port = await freePort();
      endpoint = `http://127.0.0.1:${port}`;
      moto = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
      for (let i = 0; !(await portOpen(port)); i++) {
        if (i > 300) throw new Error("moto_server did not listen within 30 s");
        await sleep(100);
      }
    }, 60_000);
    afterAll(() => {
      moto?.kill("SIGTERM");
    });

    test("the second refuses: the lock file exists (412 on If-None-Match), named with its holder; the third waits", async () => {
      const s3 = stageBackend({}).s3;
      const bucket = await fetch(`${endpoint}/${s3.bucket}`, {
        method: "PUT",
        body: `<CreateBucketConfiguration><LocationConstraint>${s3.region}</LocationConstraint></CreateBucketConfiguration>`,
      });
      expect(bucket.status).toBe(200);
      const dir = temporaryDirectory("lock-s3");
      // Only where to reach S3 is added; bucket, key, region, encryption and use_lockfile are the stack's.
      const log = writeConfig(
        dir,
        {
          s3: {
            ...s3,
            endpoints: { s3: endpoint },
            use_path_style: true,
            // moto accepts any credentials; these name no account.
            access_key: "moto-local",
            secret_key: "moto-local",
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
          },
        },
        4,
      );
      const { refused } = await raceApplies(dir, log);
      expect(refused).toMatch(/Error: Error acquiring the state lock .*PreconditionFailed/);
      expect(refused).toMatch(
        /Lock Info: ID: [0-9a-f-]{36} Path: cdc-routing-terraform-state\/dev\/terraform\.tfstate Operation: OperationTypeApply/,
      );
      // The lock file is gone after the applies (an existing object would answer 403 to this anonymous GET).
      expect((await fetch(`${endpoint}/${s3.bucket}/${s3.key}.tflock`)).status).toBe(404);
    }, 120_000);
  });
});
