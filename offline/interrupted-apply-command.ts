/**
 * `npm run recover:apply -- --dir <terraform working directory>`: after a killed `terraform apply`, says what the
 * re-run needs (docs/runbooks/interrupted-apply.md): the state lock the dead terraform left, and the objects it
 * created that the state does not hold, as `terraform import` lines. Reads only; changes nothing.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { InputError, UsageError } from "../lib/errors";
import type { Json } from "../lib/json";
import { run } from "../lib/run";
import { stateValues } from "./base-apply";
import { heldLockId, importEnvironment, lockId, stateResources, stepLine } from "./interrupted-apply";
import { probeOrphans, probes } from "./orphan-probe";

const USAGE = `usage: npm run recover:apply -- --dir <terraform working directory>

After a terraform apply that was killed: prints the state lock it left (and the force-unlock line when it is
held) and, per Flink statement, connector and topic of the configuration that the state lacks but Confluent has,
its terraform import line (the IMPORT_* variables it names come from the state). Cloud API key from
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
  const plan = await run("terraform", ["plan", "-input=false", "-lock-timeout=0s", "-refresh=false", "-no-color"], {
    cwd: dir,
    env,
  });
  const held = heldLockId(plan.output);
  if (held) lines.push(`terraform force-unlock -force ${held}   # only once no terraform of this stage runs anywhere`);
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
  if (lines.length === 0)
    lines.push("# nothing to do before the re-run: no lock held, no statement, connector or topic outside the state");
  return lines;
}

if (require.main === module) {
  void runScript(USAGE, async (args) => {
    const { values } = parseCommandLine(args, { dir: { type: "string" } });
    if (!values.dir) throw new UsageError("--dir <terraform working directory> is required");
    for (const line of await interruptedApplyReport(values.dir)) console.log(line);
  });
}
