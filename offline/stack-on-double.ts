/**
 * One synthesized stage run with the real terraform CLI and the real confluent provider (from the local mirror)
 * against the local Confluent Cloud API double (local/confluent-api), in a working directory of its own: what the
 * e2e suites (__tests__/e2e/stack-on-double.ts) and the fault trials (bench/faults) apply stages with. Terraform
 * runs as a child process asynchronously: the double answers in this same process.
 *
 * TF_ACC=1 is set in terraform's environment: the provider then polls every second and shortens its fixed
 * sleeps (a role binding waits 90 s, a connector at least 3 minutes otherwise; provider.go:541,
 * utils_wait.go getDelayAndPollInterval). The provider's waits and state transitions still run.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "../lib/json";
import { type Run, run, runEntryPoint } from "../lib/run";
import type { FaultSettings } from "../local/confluent-api/faults";
import { type ConfluentDouble, startConfluentDouble } from "../local/confluent-api/server";
import type { TemporaryDirs } from "../local/processes";
import { terraformEnv, terraformInit } from "../providers/mirror";
import { type PlanJson, parsePlan } from "../review/plan";
import { configForDouble } from "./stack-for-double";

/** `node bin/run.js main.ts <stage>` into its own outdir, as `cdktf synth` does: the JSON a user deploys. */
export async function synthesize(stage: string, outdir: string, env: NodeJS.ProcessEnv = {}): Promise<Json> {
  const r = await runEntryPoint("main.ts", [stage], { env: { ...process.env, ...env, CDKTF_OUTDIR: outdir } });
  if (r.code !== 0) throw new Error(`synth of ${stage} failed:\n${r.output}`);
  return JSON.parse(readFileSync(join(outdir, "stacks", stage, "cdk.tf.json"), "utf8"));
}

/** Attributes that differ between before and after of each change that is not a no-op: what a perpetual diff is. */
export function pendingChanges(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => !rc.change.actions.every((a) => a === "no-op" || a === "read"))
    .map((rc) => {
      const before = (rc.change.before ?? {}) as Record<string, unknown>;
      const after = (rc.change.after ?? {}) as Record<string, unknown>;
      const unknown = (rc.change as { after_unknown?: Record<string, unknown> }).after_unknown ?? {};
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) || unknown[k],
      );
      return `${rc.address} (${rc.change.actions.join("+")}): ${keys.sort().join(", ")}`;
    });
}

/** One stage's working directory with terraform initialized against the mirror and pointed at a double. */
export class StackOnDouble {
  private readonly variables: Record<string, string>;

  private constructor(
    readonly double: ConfluentDouble,
    readonly dir: string,
    variables: Record<string, string>,
  ) {
    // Throwaway values: the double accepts any Cloud API key; none of them is a real credential.
    const value = () => randomBytes(12).toString("hex");
    this.variables = {
      confluent_cloud_api_key: value(),
      confluent_cloud_api_secret: value(),
      source_db_admin_username: value(),
      source_db_admin_password: value(),
      source_db_replication_password: value(),
      ...variables,
    };
  }

  /**
   * `variables` replace the generated values of the stack's sensitive variables (e.g. canaries); `faults`, API faults
   * the double injects from the start (double.setFaults changes them).
   */
  static async start(
    temporary: TemporaryDirs,
    label: string,
    variables: Record<string, string> = {},
    options: { faults?: FaultSettings; log?: (line: string) => void } = {},
  ): Promise<StackOnDouble> {
    const double = await startConfluentDouble({
      log: options.log ?? ((line) => process.stderr.write(`[confluent-api ${label}] ${line}\n`)),
      faults: options.faults,
    });
    return new StackOnDouble(double, temporary.create(`double-${label}`), variables);
  }

  /** On a double someone else started (and closes), e.g. one driving the local engines (offline/local-deploy.ts). */
  static on(double: ConfluentDouble, temporary: TemporaryDirs, label: string): StackOnDouble {
    return new StackOnDouble(double, temporary.create(`double-${label}`), {});
  }

  /** Writes the stage's synthesized JSON, pointed at the double, and runs `terraform init` from the mirror once. */
  useConfig(synth: Json, edit: (config: Json) => void = () => undefined): void {
    const config = configForDouble(synth, this.double.url);
    edit(config);
    const file = join(this.dir, "main.tf.json");
    const first = !readFileSafe(file);
    writeFileSync(file, JSON.stringify(config, null, 2));
    if (first) terraformInit(this.dir);
  }

  terraform(...args: string[]): Promise<Run> {
    const tfVars = Object.fromEntries(Object.entries(this.variables).map(([k, v]) => [`TF_VAR_${k}`, v]));
    return run("terraform", [...args, "-no-color"], {
      cwd: this.dir,
      env: { ...terraformEnv(), ...tfVars, TF_ACC: "1" },
    });
  }

  async apply(...extra: string[]): Promise<Run> {
    return this.terraform("apply", "-input=false", "-auto-approve", ...extra);
  }

  /** `plan -detailed-exitcode -out`, then `show -json` of it. */
  async plan(file = "tfplan", ...extra: string[]): Promise<{ run: Run; plan?: PlanJson }> {
    const r = await this.planInto(file, extra);
    if (r.code === 1) return { run: r };
    return { run: r, plan: await this.show(file) };
  }

  /**
   * A plan expected to be empty (after an apply): exit code 0 means no changes (`-detailed-exitcode`), so the plan
   * is shown (a Terraform run of its own) only when it has some, to name them.
   */
  async pendingPlanChanges(file = "check.tfplan"): Promise<{ run: Run; pending: string[] }> {
    const r = await this.planInto(file, []);
    return { run: r, pending: r.code === 2 ? pendingChanges(await this.show(file)) : [] };
  }

  private planInto(file: string, extra: string[]): Promise<Run> {
    return this.terraform("plan", "-input=false", "-detailed-exitcode", `-out=${file}`, ...extra);
  }

  private async show(file: string): Promise<PlanJson> {
    const shown = await this.terraform("show", "-json", file);
    if (shown.code !== 0) throw new Error(`terraform show failed:\n${shown.output}`);
    return parsePlan(shown.stdout, file);
  }

  /** Calls answered since the last reset, per resource type, sorted; then resets the counter. */
  takeCalls(): [string, number][] {
    const calls = [...this.double.store.calls.entries()].sort(([a], [b]) => a.localeCompare(b));
    this.double.store.resetCalls();
    return calls;
  }

  sensitiveValues(): string[] {
    return Object.values(this.variables);
  }

  close(): Promise<void> {
    return this.double.close();
  }
}

function readFileSafe(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
