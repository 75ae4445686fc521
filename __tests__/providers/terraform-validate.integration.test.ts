/**
 * Real Terraform: `terraform init -plugin-dir` + `terraform validate` of every synthesized stage against the
 * confluent and postgresql providers built from source into the local mirror (npm run providers:refresh), and
 * the committed schema checked against the real binary's. `.ci/run` builds the mirror and sets
 * CDC_ROUTING_REQUIRE_PROVIDERS=1, so there a missing mirror fails; elsewhere it says so loudly and the tests are
 * reported as skipped, never as passed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dumpProviderSchemas, terraform, terraformInit } from "../../providers/mirror";
import { BUILT_PROVIDERS, CONFLUENT_SCHEMA_PATH } from "../../providers/pins";
import { pinnedConfluentSchema } from "../../providers/refresh";
import { STAGE_NAMES } from "../../stages/names";
import { temporaryDirectory } from "../support/helpers";
import { describeWithRealProviders } from "../support/real-providers";
import { synthStage, withoutAws } from "../support/stack-helpers";

describeWithRealProviders("real terraform validate", () => {
  test.each(STAGE_NAMES)("stage %s: every confluent and postgresql resource validates", (stage) => {
    const dir = temporaryDirectory(`validate-${stage}`);
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(withoutAws(synthStage(stage))));
    terraformInit(dir);
    const result = JSON.parse(terraform(dir, ["validate", "-json"]));
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test("the committed confluent schema is what the real binary reports, byte for byte", () => {
    const dumped = JSON.parse(dumpProviderSchemas(BUILT_PROVIDERS));
    expect(pinnedConfluentSchema(dumped)).toBe(readFileSync(CONFLUENT_SCHEMA_PATH, "utf8"));
  });
});
