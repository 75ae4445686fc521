/**
 * `npm run providers:mirror`: the pinned providers into the filesystem mirror unless they are there, downloaded from
 * the Terraform registry where it is reachable, else built from the provider sources with Go (used by .ci/run, the
 * workflows and `npm test`). Exit 1 with one clear message (no terraform, no Go, a missing or damaged archive, the
 * Go tool's own error). `--optional` (npm test): where a tool or the sources are missing, say so and what to install,
 * and exit 0: the tests that need the providers then print NOT RUN.
 */

import { parseCommandLine, runScript } from "../lib/command-line";
import { CommandError, fillMirror, isInMirror, mirrorBlocker, mirrorDir, registryReachable } from "./mirror";
import { BUILT_PROVIDERS, type ProviderBuildPin } from "./pins";

const USAGE = `usage: npm run providers:mirror [-- --optional]

Puts the pinned providers into the provider mirror (${mirrorDir()}) unless they are there: downloaded from the
Terraform registry where it is reachable, else built from the provider sources with Go (minutes the first time).
--optional: a missing tool is a note, not an error (npm test: the tests that need the providers print NOT RUN).`;

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { optional: { type: "boolean", default: false } });
  const missing = BUILT_PROVIDERS.filter((p) => !isInMirror(p));
  const names = (pins: readonly ProviderBuildPin[]) => pins.map((p) => `${p.source} ${p.version}`).join(", ");
  if (missing.length === 0) {
    console.log(`providers: ${names(BUILT_PROVIDERS)} in the mirror ${mirrorDir()}`);
    return;
  }
  const reachable = await registryReachable();
  const blocker = mirrorBlocker(reachable);
  if (blocker && !values.optional) throw new CommandError(blocker);
  if (blocker) {
    console.log(
      `providers: ${names(missing)} not in the mirror and not put there: ${blocker}. The tests that run the real providers print NOT RUN; after installing, npm test puts them there first.`,
    );
    return;
  }
  console.log(
    `providers: ${names(missing)} not in the mirror ${mirrorDir()}; ${reachable ? "downloading them from the Terraform registry" : "building them from the provider sources with Go (minutes with a cold Go cache; progress every 30 s)"}`,
  );
  const started = Date.now();
  await fillMirror(missing, reachable);
  console.log(`providers: mirror ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

void runScript(USAGE, main);
