/**
 * `npm run scan`: Checkov over the synthesized stages, judged against the stack's inline skips (review/scanner.ts).
 * Reads cdktf.out/stacks/<stage>/cdk.tf.json as synth wrote it; Checkov scans a temporary copy of each without the
 * blocks it cannot parse.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../lib/errors";
import { runCheckov } from "./checkov";
import { inlineSkips, judge, type ScannedStack, type StageScan, scannableStack } from "./scanner";

export const stackFile = (stacksDir: string, stage: string): string => join(stacksDir, stage, "cdk.tf.json");

export async function scanStacks(stacksDir: string, stages: readonly string[]): Promise<StageScan[]> {
  const missing = stages.filter((s) => !existsSync(stackFile(stacksDir, s)));
  if (missing.length > 0)
    throw new InputError(
      `no synthesized stack for ${missing.join(", ")} in ${stacksDir}; run \`npm run synth:all\` first`,
    );
  const work = mkdtempSync(join(tmpdir(), "cdc-routing-scan-"));
  try {
    const scanned: ScannedStack[] = stages.map((stage) => {
      const stack = JSON.parse(readFileSync(stackFile(stacksDir, stage), "utf8"));
      const { json, leftOut } = scannableStack(stack);
      mkdirSync(join(work, stage));
      writeFileSync(stackFile(work, stage), JSON.stringify(json, null, 2));
      return { stage, skips: inlineSkips(stack), leftOut };
    });
    return judge(await runCheckov(work), scanned);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
