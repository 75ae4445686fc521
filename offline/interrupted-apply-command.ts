/**
 * `npx tsx offline/interrupted-apply-command.ts --dir <terraform working directory>`: after a killed
 * `terraform apply`, says what the re-run needs (docs/runbooks/interrupted-apply.md): the lock info the dead
 * terraform left, and the objects it created that the state does not hold, as `terraform import` lines. Reads only.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { InputError, UsageError } from "../lib/errors";
import type { Json } from "../lib/json";
import { run } from "../lib/run";
import { stateValues } from "./base-apply";
import { duplicateChecks, importEnvironment, lockId, stateResources, stepLine } from "./interrupted-apply";
import { probeOrphans, probes } from "./orphan-probe";

const USAGE = `usage: npx tsx offline/interrupted-apply-command.ts --dir <terraform working directory>

After a terraform apply that was killed: prints the lock info it left and, per Flink statement, connector and
topic of the configuration that the state lacks but Confluent has, its terraform import line (the IMPORT_*
variables it names come from the state). A lock still held (S3) shows in the re-run's "Error acquiring the state
lock" with its ID, for terraform force-unlock. Cloud API key from
TF_VAR_confluent_cloud_api_key / TF_VAR_confluent_cloud_api_secret; endpoint from the configuration's provider
(default https://api.confluent.cloud). Reads only. See docs/runbooks/interrupted-apply.md.`;

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

if (require.main === module) {
  void runScript(USAGE, async (args) => {
    const { values } = parseCommandLine(args, { dir: { type: "string" } });
    if (!values.dir) throw new UsageError("--dir <terraform working directory> is required");
    for (const line of await interruptedApplyReport(values.dir)) console.log(line);
  });
}
