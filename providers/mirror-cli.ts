/**
 * Builds the pinned providers into the filesystem mirror unless binaries built from the same archives are there
 * (used by .ci/run). Exit 1 with one clear message (missing or damaged archive, no Go, the Go tool's own error).
 */

import { parseCommandLine, runScript } from "../lib/command-line";
import { buildProviderIntoMirror } from "./mirror";
import { BUILT_PROVIDERS } from "./pins";

const USAGE = `usage: npx tsx providers/mirror-cli.ts

Builds the pinned providers into the provider mirror unless binaries built from the same archives are there
(used by .ci/run).`;

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  for (const pin of BUILT_PROVIDERS) await buildProviderIntoMirror(pin);
}

void runScript(USAGE, main);
