/**
 * Builds the pinned providers into the filesystem mirror unless binaries built from the same archives are there
 * (used by .ci/run). Exit 1 with one clear message (missing or damaged archive, no Go, the Go tool's own error).
 */
import { buildProviderIntoMirror } from "./mirror";
import { BUILT_PROVIDERS } from "./pins";
import { scriptArguments } from "../lib/command-line";

scriptArguments(`usage: npx tsx providers/mirror-cli.ts

Builds the pinned providers into the provider mirror unless binaries built from the same archives are there
(used by .ci/run).`, {});

async function main(): Promise<void> {
  for (const pin of BUILT_PROVIDERS) await buildProviderIntoMirror(pin);
}

main().catch((e: unknown) => {
  console.error(`providers: cannot build the provider mirror: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
