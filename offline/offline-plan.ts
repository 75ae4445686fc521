/**
 * `cdc-routing plan --stage <stage>`: a Terraform plan of one stage with local state and no cloud credentials,
 * against the local Confluent Cloud API double, as the deployed stage would see the change. Each step stops with
 * what is missing and how to get it:
 *
 *  1. the Confluent Cloud API: CDC_ROUTING_CONFLUENT_ENDPOINT, or the local double (local/confluent-api) started
 *     in this process for the plan;
 *  2. synthesize the stage with a local backend into its own directory (never cdktf.out, which deploys read),
 *     the confluent provider's `endpoint` (its documented base URL of the Confluent Cloud API, default
 *     https://api.confluent.cloud) pointed there, aws_* and postgresql_* resources left out (no AWS, no database);
 *  3. the terraform CLI and the confluent provider in the filesystem mirror (providers/mirror.ts);
 *  4. the base (by default the merge base of HEAD and main; offline/plan-base.ts) synthesized with its own code
 *     and applied to the double, its state the plan's starting point; without a base, an empty state, said so;
 *  5. terraform init -plugin-dir=<mirror>, terraform plan with placeholder values for the sensitive variables.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { EXIT, InputError, UsageError } from "../lib/errors";
import { startConfluentDouble } from "../local/confluent-api/server";
import type { Store } from "../local/confluent-api/store";
import { mirrorDir, TERRAFORM_HOST, terraformEnv, terraformErrors } from "../providers/mirror";
import type { StageName } from "../stages/names";
import { applyBaseStack } from "./base-apply";
import { type BaseChoice, checkoutBase, resolveBase, synthesizeBase } from "./plan-base";
import { DEFAULT_OFFLINE_OUT, ENDPOINT_ENV } from "./plan-options";
import { SENSITIVE_VARIABLES } from "./stack-for-double";
import { synthForDouble } from "./synth-for-double";
import { TerraformRuns } from "./terraform-runs";

export { DEFAULT_OFFLINE_OUT, ENDPOINT_ENV };

export class OfflinePlanStop extends InputError {}

export function confluentEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const text = env[ENDPOINT_ENV];
  if (!text) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new OfflinePlanStop(`${ENDPOINT_ENV}='${text}' must be an http(s) URL such as http://127.0.0.1:8090`);
  return text.replace(/\/+$/, "");
}

/** `registry.terraform.io/<namespace>/<type>` of each required provider ("aws" is hashicorp/aws). */
export function requiredProviderSources(stackJson: {
  terraform?: { required_providers?: Record<string, { source?: string }> };
}): string[] {
  return Object.entries(stackJson.terraform?.required_providers ?? {})
    .map(([name, p]) => {
      const source = (p.source ?? name).replace(`${TERRAFORM_HOST}/`, "");
      return source.includes("/") ? source : `hashicorp/${source}`;
    })
    .sort();
}

/** A provider binary for this platform under any version of `source` in the mirror (`unpacked` layout). */
export function providerInMirror(mirror: string, source: string, platform = "linux_amd64"): boolean {
  const dir = join(mirror, TERRAFORM_HOST, source);
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((version) => {
    const bin = join(dir, version, platform);
    return existsSync(bin) && readdirSync(bin).some((f) => f.startsWith("terraform-provider-"));
  });
}

function step(io: (s: string) => void, text: string): void {
  io(`plan: ${text}\n`);
}

/** Every required provider of a stack file in the mirror, or a stop naming the missing ones and the fix. */
function requireProvidersInMirror(stackFile: string, mirror: string): void {
  const missing = requiredProviderSources(JSON.parse(readFileSync(stackFile, "utf8"))).filter(
    (source) => !providerInMirror(mirror, source),
  );
  if (missing.length > 0) {
    throw new OfflinePlanStop(
      `providers missing from the filesystem mirror ${mirror}: ${missing.join(", ")}; \`npm run providers:mirror\` puts the pinned providers there (from the Terraform registry where it is reachable, else built from ../shared/provider-src with Go; CONTRIBUTING: Providers)`,
    );
  }
}

/**
 * Applies the base's stack to the double and returns its state: the working tree is then planned against what
 * the deployed stage runs. The base's checkout is gone when this returns.
 */
async function applyBase(
  base: { sha: string; description: string; label: string },
  stage: StageName,
  endpoint: string,
  mirror: string,
  tfEnv: NodeJS.ProcessEnv,
  terraform: TerraformRuns,
  store: Store | undefined,
  err: (s: string) => void,
): Promise<string> {
  const say = (text: string) => step(err, `base: ${text}`);
  say(`${base.description} (applied to the double first; --base REF names another, --from-empty none)`);
  const started = Date.now();
  const checkout = await checkoutBase(process.cwd(), base.sha, PROJECT_ROOT, say);
  try {
    terraform.check();
    const stackFile = await synthesizeBase(checkout, stage, join(checkout.dir, DEFAULT_OFFLINE_OUT), endpoint);
    const stackDir = dirname(stackFile);
    say(`synthesized ${stage} with the base's own code`);
    requireProvidersInMirror(stackFile, mirror);
    const init = await terraform.run(
      ["init", "-input=false", "-no-color", `-plugin-dir=${mirror}`],
      stackDir,
      tfEnv,
      say,
    );
    if (init.code !== 0)
      throw new OfflinePlanStop(
        `terraform init of the base failed (exit ${init.code}):\n${terraformErrors(init.output)}`,
      );
    await applyBaseStack({ stackDir, stackFile, env: tfEnv, terraform, store, say });
    const state = readFileSync(join(stackDir, "terraform.tfstate"), "utf8");
    const resources = (JSON.parse(state).resources ?? []).filter((r: { mode: string }) => r.mode === "managed");
    say(`applied ${resources.length} resources to the double in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return state;
  } finally {
    checkout.remove();
  }
}

/** `--base REF` / `--from-empty` as a choice; both at once is a usage error. */
export function baseChoice(ref: string | undefined, fromEmpty: boolean): BaseChoice {
  if (ref !== undefined && fromEmpty)
    throw new UsageError("--base names the base and --from-empty plans from none: give one");
  if (fromEmpty) return { kind: "empty" };
  return ref === undefined ? { kind: "default" } : { kind: "ref", ref };
}

/** The project this code belongs to: its node_modules and generated bindings serve the base's checkout. */
const PROJECT_ROOT = resolve(__dirname, "..");

export async function offlinePlan(
  stage: StageName,
  outdir: string,
  env: NodeJS.ProcessEnv,
  err: (s: string) => void,
  out: (s: string) => void,
  baseChoice: BaseChoice = { kind: "default" },
): Promise<number> {
  const given = confluentEndpoint(env);
  const version = spawnSync("terraform", ["version"], { encoding: "utf8", env: terraformEnv() });
  if (version.error || version.status !== 0)
    throw new OfflinePlanStop("the terraform CLI is not on PATH; install Terraform >= 1.10");
  const base = resolveBase(baseChoice, process.cwd());
  // 1. The Confluent Cloud API: the endpoint given, or the local double started here for this plan.
  const double = given ? undefined : await startConfluentDouble({ log: (line) => step(err, `double: ${line}`) });
  const endpoint = double?.url ?? (given as string);
  const terraform = new TerraformRuns();
  try {
    step(
      err,
      `Confluent Cloud API: ${endpoint}${double ? " (the local double, started for this plan and stopped after it)" : ""}`,
    );
    // 2. The stage with local state; the committed state settings are ignored here, so this works for any stage.
    // No AWS account and no source database offline: their resources are left out, as in the double's tests.
    // The working tree first: its mistakes stop the plan before the base is applied.
    const stackFile = synthForDouble(stage, outdir, endpoint);
    const stackDir = dirname(stackFile);
    step(
      err,
      `synthesized ${stage} with local state into ${relative(process.cwd(), stackDir) || stackDir} (aws_* and postgresql_* resources left out: they need AWS and the database)`,
    );

    // 3. The providers, from the filesystem mirror (the public registry is not reachable here).
    const mirror = mirrorDir();
    requireProvidersInMirror(stackFile, mirror);

    // 4. The state the plan starts from: the base applied to the double, or none. A previous run's state is
    // never reused. Placeholders only where the caller did not set the variable. TF_ACC=1: the provider polls
    // every second instead of minutes (provider.go), which matters only against the double.
    const tfEnv: NodeJS.ProcessEnv = {
      ...terraformEnv(),
      ...(double ? { TF_ACC: "1" } : {}),
      ...Object.fromEntries(
        SENSITIVE_VARIABLES.filter((v) => !env[`TF_VAR_${v}`]).map((v) => [`TF_VAR_${v}`, "offline-plan"]),
      ),
    };
    for (const file of ["terraform.tfstate", "terraform.tfstate.backup"]) rmSync(join(stackDir, file), { force: true });
    if ("sha" in base)
      writeFileSync(
        join(stackDir, "terraform.tfstate"),
        await applyBase(base, stage, endpoint, mirror, tfEnv, terraform, double?.store, err),
      );
    else step(err, `no base (${base.why}): planning from empty, so every resource plans as a creation`);

    // 5. init + plan.
    const color = process.stdout.isTTY ? [] : ["-no-color"];
    for (const args of [
      ["init", "-input=false", ...color, `-plugin-dir=${mirror}`],
      ["plan", "-input=false", ...color, "-lock=false", "-out=tfplan"],
    ]) {
      const r = await terraform.run(args, stackDir, tfEnv, (text) => step(err, text));
      out(r.stdout);
      if (r.code !== 0) {
        err(r.output.slice(r.stdout.length));
        return r.code;
      }
    }
    step(
      err,
      `planned ${stage} ${"sha" in base ? `against ${base.label} (${base.sha.slice(0, 12)}) applied to the double` : "from empty"}; saved plan: ${join(stackDir, "tfplan")} (terraform -chdir=${stackDir} show tfplan)`,
    );
    return 0;
  } catch (e) {
    if (!terraform.interrupted) throw e;
    // Whatever failed after Ctrl-C failed because of it.
    step(err, "interrupted: terraform stopped, the base's checkout removed, the double stopped");
    return EXIT.interrupted;
  } finally {
    terraform.stop();
    await double?.close();
  }
}
