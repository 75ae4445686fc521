/**
 * `cdc-routing recover --dir <terraform working directory>` (cli/cdc-routing.ts): after a killed
 * `terraform apply`, says what the re-run needs (docs/runbooks/interrupted-apply.md): the lock info the dead
 * terraform left, and the objects it created that the state does not hold, as `terraform import` lines. Reads only.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../lib/errors";
import type { Json } from "../lib/json";
import { run } from "../lib/run";
import { stateValues } from "./base-apply";
import { duplicateChecks, importEnvironment, lockId, stateResources, stepLine } from "./interrupted-apply";
import { probeOrphans, probes } from "./orphan-probe";

const CLOUD_ENDPOINT = "https://api.confluent.cloud";

function configuration(dir: string): Json {
  const file = readdirSync(dir).find((f) => f.endsWith(".tf.json"));
  if (!file) throw new InputError(`${dir} holds no *.tf.json configuration (cdktf synth writes cdk.tf.json)`);
  return JSON.parse(readFileSync(join(dir, file), "utf8"));
}

export async function interruptedApplyReport(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const lines: string[] = [];
  const info = join(dir, ".terraform.tfstate.lock.info");
  if (existsSync(info))
    lines.push(
      `# lock info left by terraform (lock ID ${lockId(readFileSync(info, "utf8"))}): the local backend's lock went with the process; terraform replaces the file`,
    );
  const shown = await run("terraform", ["show", "-json", "-no-color"], { cwd: dir, env });
  if (shown.code !== 0) throw new InputError(`terraform show failed in ${dir}:\n${shown.output}`);
  const state = JSON.parse(shown.stdout || "{}");
  const config = configuration(dir);
  const values = stateValues(state);
  const cloud = {
    endpoint: config.provider?.confluent?.[0]?.endpoint ?? CLOUD_ENDPOINT,
    key: env.TF_VAR_confluent_cloud_api_key ?? "",
    secret: env.TF_VAR_confluent_cloud_api_secret ?? "",
  };
  const steps = await probeOrphans(probes(config, stateResources(state), values, cloud));
  for (const step of steps) lines.push(stepLine(step, Object.keys(importEnvironment(step, config, values))));
  if (steps.length === 0)
    lines.push(
      "# nothing to import before the re-run: no statement, connector or topic of the configuration outside the state",
    );
  lines.push(
    "# after the re-run converged, run this again: the listings show duplicates it left (API keys, role bindings, clusters and pools are not named uniquely); delete any id not kept",
    ...duplicateChecks(stateResources(state), values),
  );
  return lines;
}
