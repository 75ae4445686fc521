/**
 * Real Terraform: `terraform init -plugin-dir` + `terraform validate` of synthesized stacks against providers
 * built into the local mirror (npm run providers:refresh). Where the mirror is absent this says so loudly and
 * the test is reported as skipped, never as passed.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isInMirror, mirrorDir, terraform, terraformInit } from "../providers/mirror";
import { CONFLUENT_PROVIDER, POSTGRESQL_PROVIDER } from "../providers/pins";
import { synthStage } from "./stack-helpers";
import { temporaryDirectory } from "./helpers";

const missing = [CONFLUENT_PROVIDER, POSTGRESQL_PROVIDER].filter((p) => !isInMirror(p)).map((p) => `${p.source} ${p.version}`);
const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const ready = missing.length === 0 && hasTerraform;

if (!ready) {
  const why = !hasTerraform ? "the terraform CLI is not on PATH" : `the provider mirror ${mirrorDir()} lacks ${missing.join(", ")}`;
  console.warn(`\n*** NOT RUN: real terraform validate, because ${why}.\n*** Build the mirror with: npm run providers:refresh\n`);
}

(ready ? describe : describe.skip)("terraform validate with the real providers", () => {
  test("the database side (postgresql provider) and the confluent resources validate", () => {
    const synth = synthStage("dev");
    const dir = temporaryDirectory("validate");
    // Only the providers in the mirror: aws is far too large to build here (its bindings are prebuilt).
    const keep = (section: Record<string, unknown>) => Object.fromEntries(Object.entries(section).filter(([t]) => !t.startsWith("aws_")));
    const config = {
      terraform: { required_providers: { confluent: synth.terraform.required_providers.confluent, postgresql: synth.terraform.required_providers.postgresql } },
      provider: { confluent: synth.provider.confluent, postgresql: synth.provider.postgresql },
      variable: synth.variable,
      resource: keep(synth.resource),
      data: keep(synth.data),
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
    terraformInit(dir);
    expect(terraform(dir, ["validate", "-json"])).toContain('"valid": true');
  });
});
