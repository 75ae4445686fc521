/**
 * `cdc-routing plan --stage <stage>`: a Terraform plan of one stage with local state and no cloud credentials,
 * against the local Confluent Cloud API double. Each step stops with what is missing and how to get it:
 *
 *  1. synthesize the stage with a local backend into its own directory (never cdktf.out, which deploys read),
 *     the AWS provider told not to reach AWS, and the confluent provider's `endpoint` (its documented base URL
 *     of the Confluent Cloud API, default https://api.confluent.cloud) set to CDC_ROUTING_CONFLUENT_ENDPOINT;
 *  2. without that endpoint a plan would need Confluent Cloud credentials: stop and say so;
 *  3. the terraform CLI and every required provider in the filesystem mirror (providers/mirror.ts);
 *  4. terraform init -plugin-dir=<mirror>, terraform plan with placeholder values for the sensitive variables.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../main";
import { mirrorDir, TERRAFORM_HOST, terraformEnv } from "../providers/mirror";
import type { StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";
import { keepOnlySynthesizedStacks } from "./synth-output";

export const ENDPOINT_ENV = "CDC_ROUTING_CONFLUENT_ENDPOINT";
export const DEFAULT_OFFLINE_OUT = ".offline-plan";

/** Sensitive variables get these unless the caller set TF_VAR_<name>: the doubles do not check them. */
const PLACEHOLDER_VARIABLES = ["confluent_cloud_api_key", "confluent_cloud_api_secret", "source_db_admin_username", "source_db_admin_password", "source_db_replication_password"];

export class OfflinePlanStop extends Error {}

export function confluentEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const text = env[ENDPOINT_ENV];
  if (!text) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) throw new OfflinePlanStop(`${ENDPOINT_ENV}='${text}' must be an http(s) URL such as http://127.0.0.1:8090`);
  return text.replace(/\/+$/, "");
}

/** `registry.terraform.io/<namespace>/<type>` of each required provider ("aws" is hashicorp/aws). */
export function requiredProviderSources(stackJson: { terraform?: { required_providers?: Record<string, { source?: string }> } }): string[] {
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

export function offlinePlan(stage: StageName, outdir: string, env: NodeJS.ProcessEnv, err: (s: string) => void, out: (s: string) => void): number {
  const endpoint = confluentEndpoint(env);
  // 1. The stage with local state; the committed state settings are ignored here, so this works for any stage.
  const app = new App({ outdir });
  buildApp([stage], app, { stageOf: (name) => ({ ...stageConfig(name, {}), backend: { kind: "local" } }), offline: { confluentApiEndpoint: endpoint } });
  app.synth();
  keepOnlySynthesizedStacks(outdir, [stage]);
  const stackDir = join(outdir, "stacks", stage);
  step(err, `synthesized ${stage} with local state into ${relative(process.cwd(), stackDir) || stackDir}`);

  // 2. The Confluent Cloud API: the local double, or nothing (a real plan needs real credentials).
  if (!endpoint) {
    throw new OfflinePlanStop(
      [
        `a plan reads the Confluent Cloud API, and that needs Confluent Cloud credentials (TF_VAR_confluent_cloud_api_key/secret).`,
        `Without them, plan against the local Confluent Cloud API double: start it (\`npx tsx local/confluent-api/server.ts\` prints its URL)`,
        `and set ${ENDPOINT_ENV}=http://127.0.0.1:<port>.`,
      ].join("\n"),
    );
  }
  step(err, `Confluent Cloud API: ${endpoint}`);

  // 3. terraform and the providers, from the filesystem mirror (the public registry is not reachable here).
  const version = spawnSync("terraform", ["version"], { encoding: "utf8", env: terraformEnv() });
  if (version.error || version.status !== 0) throw new OfflinePlanStop("the terraform CLI is not on PATH; install Terraform >= 1.10");
  const mirror = mirrorDir();
  const stackJson = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const missing = requiredProviderSources(stackJson).filter((source) => !providerInMirror(mirror, source));
  if (missing.length > 0) {
    throw new OfflinePlanStop(`providers missing from the filesystem mirror ${mirror}: ${missing.join(", ")}; \`npm run providers:refresh\` builds the pinned confluent and postgresql providers where the Go module proxy serves them, others must be copied in (README: Providers)`);
  }

  // 4. init + plan; placeholders only where the caller did not set the variable.
  const tfEnv: NodeJS.ProcessEnv = { ...terraformEnv(), ...Object.fromEntries(PLACEHOLDER_VARIABLES.filter((v) => !env[`TF_VAR_${v}`]).map((v) => [`TF_VAR_${v}`, "offline-plan"])) };
  for (const args of [["init", "-input=false", `-plugin-dir=${mirror}`], ["plan", "-input=false", "-lock=false", "-out=tfplan"]]) {
    step(err, `terraform ${args.join(" ")}`);
    const r = spawnSync("terraform", args, { cwd: stackDir, env: tfEnv, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    out(r.stdout);
    if (r.status !== 0) {
      err(r.stderr);
      return r.status ?? 1;
    }
  }
  step(err, `saved plan: ${join(stackDir, "tfplan")} (terraform -chdir=${stackDir} show tfplan)`);
  return 0;
}
