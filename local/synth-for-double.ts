/**
 * A stage synthesized for the local Confluent Cloud API double: local state, the confluent provider's `endpoint`
 * (its documented base URL of the Confluent Cloud API, default https://api.confluent.cloud) pointed at the
 * double, aws_* and postgresql_* resources left out (no AWS; the database side is the local PostgreSQL's).
 * Shared by the offline plan and `npm run local:deploy`.
 *   npx tsx local/synth-for-double.ts <stage> <outdir> <endpoint>   (a child process: filters and lock come from
 *   CDC_ROUTING_FILTERS / CDC_ROUTING_LOCK, read once per process)
 */
import { join } from "node:path";
import { App } from "cdktf";
import { synthesizeForDouble } from "../app/synthesize-for-double";
import type { StageName } from "../stages/names";

/** Synthesizes `stage` into outdir and returns the path of its cdk.tf.json, rewritten for the double. */
export function synthForDouble(stage: StageName, outdir: string, endpoint: string): string {
  synthesizeForDouble([stage], new App({ outdir }), endpoint);
  return join(outdir, "stacks", stage, "cdk.tf.json");
}

if (require.main === module) {
  const [stage, outdir, endpoint] = process.argv.slice(2);
  process.stdout.write(`${synthForDouble(stage as StageName, outdir, endpoint)}\n`);
}
