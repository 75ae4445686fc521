/**
 * Builds the pinned providers into the filesystem mirror when they are not there yet (used by .ci/run).
 * Exit 1 with the Go tool's own message when a provider cannot be built (e.g. the module proxy refuses it).
 */
import { buildProviderIntoMirror, isInMirror, mirrorDir } from "./mirror";
import { CONFLUENT_PROVIDER, POSTGRESQL_PROVIDER } from "./pins";

let failed = false;
for (const pin of [CONFLUENT_PROVIDER, POSTGRESQL_PROVIDER]) {
  if (isInMirror(pin)) {
    console.log(`providers: ${pin.source} ${pin.version} already in ${mirrorDir()}`);
    continue;
  }
  try {
    buildProviderIntoMirror(pin);
  } catch (e) {
    failed = true;
    console.error(`providers: cannot build ${pin.source} ${pin.version}: ${(e as Error).message.split("\n").slice(0, 3).join(" | ")}`);
  }
}
process.exitCode = failed ? 1 : 0;
