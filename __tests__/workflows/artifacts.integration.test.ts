/**
 * No workflow artifact or cache holds a secret. The upload and cache steps are read from the workflow files
 * themselves (a new one is covered without editing this test); every TF_VAR_* the workflows set gets a canary;
 * a real Terraform plan (built-in terraform_data: a sensitive variable, a sensitive resource attribute and a
 * sensitive output, with prior state) stands in for the stage's plan; then the workflow's own commands after the
 * plan run exactly as written, and every file an upload or cache step would take is searched for each canary
 * (inside zip files too: a saved plan is one).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { terraform } from "../../providers/mirror";
import { temporaryDirectory } from "../support/helpers";

const ROOT = resolve(__dirname, "..", "..");
const STAGE = "dev";
const hasTools = ["terraform", "openssl", "python3"].every(
  (p) => spawnSync(p, ["version"], { stdio: "ignore" }).error === undefined,
);
if (!hasTools)
  console.warn(
    "\n*** NOT RUN: workflow artifact secrets test, because terraform, openssl or python3 is not on PATH.\n",
  );

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  file: string;
  name: string;
  steps: Step[];
}

function workflowFiles(): string[] {
  const dir = (d: string) => (existsSync(join(ROOT, d)) ? readdirSync(join(ROOT, d)).map((f) => join(d, f)) : []);
  const actions = dir(".github/actions").map((a) => join(a, "action.yml"));
  return [...dir(".github/workflows").filter((f) => /\.ya?ml$/.test(f)), ...actions];
}

/** Every job of every workflow, and every composite action as a job of its own. */
function jobs(): Job[] {
  return workflowFiles().flatMap((file) => {
    const doc = parse(readFileSync(join(ROOT, file), "utf8"));
    if (doc.runs?.steps) return [{ file, name: "(action)", steps: doc.runs.steps }];
    return Object.entries<any>(doc.jobs ?? {}).map(([name, job]) => ({ file, name, steps: job.steps ?? [] }));
  });
}

function tfVarNames(): string[] {
  const names = new Set<string>();
  for (const file of workflowFiles())
    for (const m of readFileSync(join(ROOT, file), "utf8").matchAll(/\b(TF_VAR_\w+)\s*:/g)) names.add(m[1]);
  return [...names].sort();
}

const isUpload = (s: Step) => /^actions\/(upload-artifact|cache)@/.test(s.uses ?? "");
const isPlan = (s: Step) => s.uses === "./.github/actions/plan";

/** Replaces `${{ … }}` with the test's values; an expression it does not know fails, naming it. */
function resolveExpressions(text: string, values: Record<string, string>, where: string): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (expr in values) return values[expr];
    throw new Error(
      `${where}: the test does not know how to resolve \${{ ${expr} }}; add it to the values in __tests__/workflows/artifacts.integration.test.ts`,
    );
  });
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((f) => filesUnder(join(path, f)));
}

/** The text of a file, and of every member when it is a zip archive (a saved plan is one). */
function contents(file: string): string {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 4).toString("latin1") !== "PK\x03\x04") return bytes.toString("latin1");
  const script =
    "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist(): sys.stdout.buffer.write(z.read(n))";
  const out = spawnSync("python3", ["-c", script, file], { maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`cannot read zip ${file}: ${out.stderr}`);
  return bytes.toString("latin1") + out.stdout.toString("latin1");
}

function bash(script: string, cwd: string, env: Record<string, string>, where: string): void {
  const res = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`${where} failed (${res.status}):\n${script}\n${res.stderr}${res.stdout}`);
}

/** A Terraform configuration whose plan holds every canary: sensitive variables, attribute and output. */
function fixtureConfig(variables: string[], generation: number): object {
  const names = variables.map((v) => v.slice("TF_VAR_".length));
  return {
    variable: Object.fromEntries(names.map((n) => [n, { type: "string", sensitive: true }])),
    resource: {
      terraform_data: { holder: { input: names.map((n) => `\${var.${n}}`), triggers_replace: [generation] } },
    },
    output: { held: { value: "${terraform_data.holder.output}", sensitive: true } },
  };
}

(hasTools ? describe : describe.skip)("workflow artifacts and caches", () => {
  const tfVars = tfVarNames();
  const canaries = Object.fromEntries(tfVars.map((v) => [v, `canary-${v}-${randomBytes(6).toString("hex")}`]));

  test("the workflows set secrets as TF_VAR_* and upload something (the test is not vacuous)", () => {
    expect(tfVars).toEqual(
      expect.arrayContaining(["TF_VAR_confluent_cloud_api_secret", "TF_VAR_source_db_admin_password"]),
    );
    expect(jobs().flatMap((j) => j.steps.filter(isUpload)).length).toBeGreaterThanOrEqual(3);
  });

  test("a sealed plan opens only with its key, unchanged, and a changed file is refused", () => {
    const keys = temporaryDirectory("seal-keys");
    const makeKey = (name: string) =>
      bash(
        `openssl req -x509 -newkey rsa:2048 -nodes -keyout ${name}.key -out ${name}.pem -days 1 -subj /CN=${name} 2>/dev/null`,
        keys,
        {},
        "key pair",
      );
    makeKey("stage");
    makeKey("other");
    const dir = temporaryDirectory("sealed");
    const plan = randomBytes(4096);
    writeFileSync(join(dir, "tfplan"), plan);
    writeFileSync(join(dir, ".terraform.lock.hcl"), "# lock\n");
    const seal = () =>
      bash(
        `bash "${ROOT}/.github/scripts/seal-plan.sh" "${dir}"`,
        ROOT,
        { PLAN_ENCRYPTION_CERT: readFileSync(join(keys, "stage.pem"), "utf8") },
        "seal",
      );
    const unseal = (key: string) =>
      spawnSync("bash", [`${ROOT}/.github/scripts/unseal-plan.sh`, dir], {
        env: { ...process.env, PLAN_DECRYPTION_KEY: readFileSync(join(keys, key), "utf8") },
        encoding: "utf8",
      });
    seal();
    expect(unseal("other.key").status).not.toBe(0);
    const sealed = readFileSync(join(dir, "tfplan.sealed"));
    sealed[sealed.length - 40] ^= 1;
    writeFileSync(join(dir, "tfplan.sealed"), sealed);
    rmSync(join(dir, "tfplan"));
    expect(unseal("stage.key").status).not.toBe(0);
    expect(existsSync(join(dir, "tfplan"))).toBe(false);

    writeFileSync(join(dir, "tfplan"), plan);
    seal();
    rmSync(join(dir, "tfplan"));
    rmSync(join(dir, ".terraform.lock.hcl"));
    expect(unseal("stage.key")).toMatchObject({ status: 0 });
    expect(readFileSync(join(dir, "tfplan")).equals(plan)).toBe(true);
    expect(readFileSync(join(dir, ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    // Without the variable, the script says what is missing.
    expect(
      spawnSync("bash", [`${ROOT}/.github/scripts/seal-plan.sh`, dir], {
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      }).stderr,
    ).toContain("set the plan encryption certificate of the stage");
  });

  test("no file an upload or cache step takes holds a canary", () => {
    // Each job runs in a checkout of its own: the project's files linked, its own cdktf.out, synthesized as the
    // jobs do (secrets in the environment must not reach it). A plan job's then also holds a real plan.
    const checkout = (): string => {
      const workspace = temporaryDirectory("workflow");
      for (const entry of readdirSync(ROOT))
        if (![".git", "cdktf.out"].includes(entry)) symlinkSync(join(ROOT, entry), join(workspace, entry));
      return workspace;
    };
    const synthOnly = checkout();
    bash("npm run -s synth:all", synthOnly, { ...canaries, CHECKPOINT_DISABLE: "1" }, "synth");
    const planned = checkout();
    cpSync(join(synthOnly, "cdktf.out"), join(planned, "cdktf.out"), { recursive: true });

    // A real plan with prior state in the stage's directory, where the plan action leaves it.
    const dir = `cdktf.out/stacks/${STAGE}`;
    const planDir = join(planned, dir);
    writeFileSync(join(planDir, "cdk.tf.json"), JSON.stringify(fixtureConfig(tfVars, 1)));
    terraform(planDir, ["init", "-input=false"]);
    terraform(planDir, ["apply", "-auto-approve", "-input=false"], canaries);
    writeFileSync(join(planDir, "cdk.tf.json"), JSON.stringify(fixtureConfig(tfVars, 2)));
    terraform(planDir, ["plan", "-input=false", "-out=tfplan"], canaries);
    expect(contents(join(planDir, "tfplan"))).toContain(Object.values(canaries)[0]);
    // terraform_data needs no provider, so Terraform wrote no lock file; the stack always has one.
    writeFileSync(join(planDir, ".terraform.lock.hcl"), "# no providers\n");

    const keys = temporaryDirectory("plan-key");
    bash(
      `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=test 2>/dev/null`,
      keys,
      {},
      "key pair",
    );
    const values: Record<string, string> = {
      "matrix.stage": STAGE,
      "inputs.stage": STAGE,
      "steps.plan.outputs.dir": dir,
      "vars.PLAN_ENCRYPTION_CERT": readFileSync(join(keys, "cert.pem"), "utf8"),
      ...Object.fromEntries(
        Object.keys(canaries).map((v) => [`secrets.${v.replace(/^TF_VAR_/, "").toUpperCase()}`, canaries[v]]),
      ),
    };

    const leaks: string[] = [];
    const scanned: string[] = [];
    for (const job of jobs()) {
      const planIndex = job.steps.findIndex(isPlan);
      const inPlanJob = planIndex >= 0;
      const workspace = inPlanJob ? planned : synthOnly;
      job.steps.forEach((step, i) => {
        const where = `${job.file} job ${job.name} step ${i + 1}`;
        if (inPlanJob && i === planIndex) {
          // The plan action's own commands after `terraform plan -out=tfplan`, with its variable assignments.
          const action = parse(readFileSync(join(ROOT, ".github/actions/plan/action.yml"), "utf8"));
          const lines: string[] = action.runs.steps
            .map((s: Step) => s.run ?? "")
            .join("\n")
            .split("\n");
          const planLine = lines.findIndex((l) => /terraform .*\bplan\b.*-out=tfplan/.test(l));
          const assignments = lines.slice(0, planLine).filter((l) => /^\s*\w+=/.test(l));
          const after = lines.slice(planLine + 1).filter((l) => !l.includes("GITHUB_OUTPUT"));
          bash([...assignments, ...after].join("\n"), workspace, { STAGE }, `${where} (plan action)`);
        } else if (inPlanJob && i > planIndex && step.run) {
          const env = Object.fromEntries(
            Object.entries(step.env ?? {}).map(([k, v]) => [k, resolveExpressions(String(v), values, where)]),
          );
          bash(resolveExpressions(step.run, values, where), workspace, { ...env, ...canaries }, where);
        }
        if (!isUpload(step)) return;
        const paths = resolveExpressions(String(step.with?.path ?? ""), values, where)
          .split("\n")
          .map((p) => p.trim())
          .filter(Boolean);
        for (const path of paths) {
          for (const file of filesUnder(join(workspace, path))) {
            scanned.push(file);
            const text = contents(file);
            for (const [name, canary] of Object.entries(canaries))
              if (text.includes(canary))
                leaks.push(`${where} uploads ${file.slice(workspace.length + 1)} holding ${name}`);
          }
        }
      });
    }
    expect(leaks).toEqual([]);
    expect(scanned).toEqual(
      expect.arrayContaining([join(planDir, `${STAGE}.plan.json`), join(planDir, "tfplan.sealed")]),
    );
  }, 180_000);
});
