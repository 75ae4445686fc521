/**
 * `cdc-routing plan --stage <stage>`: a Terraform plan of one stage with local state and no cloud credentials,
 * against the local Confluent Cloud API double. Each step stops with what is missing and how to get it:
 *
 *  1. the Confluent Cloud API: CDC_ROUTING_CONFLUENT_ENDPOINT, or the local double (local/confluent-api) started
 *     in this process for the plan;
 *  2. synthesize the stage with a local backend into its own directory (never cdktf.out, which deploys read),
 *     the confluent provider's `endpoint` (its documented base URL of the Confluent Cloud API, default
 *     https://api.confluent.cloud) pointed there, aws_* and postgresql_* resources left out (no AWS, no database);
 *  3. the terraform CLI and the confluent provider in the filesystem mirror (providers/mirror.ts);
 *  4. terraform init -plugin-dir=<mirror>, terraform plan with placeholder values for the sensitive variables.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { InputError } from "../lib/errors";
import { run } from "../lib/run";
import { startConfluentDouble } from "../local/confluent-api/server";
import { mirrorDir, TERRAFORM_HOST, terraformEnv } from "../providers/mirror";
import type { StageName } from "../stages/names";
import { SENSITIVE_VARIABLES } from "./stack-for-double";
import { synthForDouble } from "./synth-for-double";

export const ENDPOINT_ENV = "CDC_ROUTING_CONFLUENT_ENDPOINT";
export const DEFAULT_OFFLINE_OUT = ".offline-plan";

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

export async function offlinePlan(
  stage: StageName,
  outdir: string,
  env: NodeJS.ProcessEnv,
  err: (s: string) => void,
  out: (s: string) => void,
): Promise<number> {
  const given = confluentEndpoint(env);
  const version = spawnSync("terraform", ["version"], { encoding: "utf8", env: terraformEnv() });
  if (version.error || version.status !== 0)
    throw new OfflinePlanStop("the terraform CLI is not on PATH; install Terraform >= 1.10");
  // 1. The Confluent Cloud API: the endpoint given, or the local double started here for this plan.
  const double = given ? undefined : await startConfluentDouble({ log: (line) => step(err, `double: ${line}`) });
  const endpoint = double?.url ?? (given as string);
  try {
    step(
      err,
      `Confluent Cloud API: ${endpoint}${double ? " (the local double, started for this plan and stopped after it)" : ""}`,
    );
    // 2. The stage with local state; the committed state settings are ignored here, so this works for any stage.
    // No AWS account and no source database offline: their resources are left out, as in the double's tests.
    const stackFile = synthForDouble(stage, outdir, endpoint);
    const stackDir = dirname(stackFile);
    step(
      err,
      `synthesized ${stage} with local state into ${relative(process.cwd(), stackDir) || stackDir} (aws_* and postgresql_* resources left out: they need AWS and the database)`,
    );

    // 3. The providers, from the filesystem mirror (the public registry is not reachable here).
    const mirror = mirrorDir();
    const missing = requiredProviderSources(JSON.parse(readFileSync(stackFile, "utf8"))).filter(
      (source) => !providerInMirror(mirror, source),
    );
    if (missing.length > 0) {
      throw new OfflinePlanStop(
        `providers missing from the filesystem mirror ${mirror}: ${missing.join(", ")}; \`npm run providers:refresh\` builds the pinned confluent and postgresql providers from ../shared/provider-src (README: Providers)`,
      );
    }

    // 4. init + plan; placeholders only where the caller did not set the variable. TF_ACC=1: the provider polls
    // every second instead of minutes (provider.go), which matters only against the double.
    const tfEnv: NodeJS.ProcessEnv = {
      ...terraformEnv(),
      ...(double ? { TF_ACC: "1" } : {}),
      ...Object.fromEntries(
        SENSITIVE_VARIABLES.filter((v) => !env[`TF_VAR_${v}`]).map((v) => [`TF_VAR_${v}`, "offline-plan"]),
      ),
    };
    const color = process.stdout.isTTY ? [] : ["-no-color"];
    for (const args of [
      ["init", "-input=false", ...color, `-plugin-dir=${mirror}`],
      ["plan", "-input=false", ...color, "-lock=false", "-out=tfplan"],
    ]) {
      step(err, `terraform ${args.join(" ")}`);
      // Not blocking: the double answers terraform from this process.
      const r = await run("terraform", args, { cwd: stackDir, env: tfEnv });
      out(r.stdout);
      if (r.code !== 0) {
        err(r.output.slice(r.stdout.length));
        return r.code;
      }
    }
    step(err, `saved plan: ${join(stackDir, "tfplan")} (terraform -chdir=${stackDir} show tfplan)`);
    return 0;
  } finally {
    await double?.close();
  }
}
