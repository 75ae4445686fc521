/**
 * Suites that need the real Terraform CLI and the providers built into the mirror. Where they are missing the
 * suite says so loudly and is reported as skipped, never as passed; with CDC_ROUTING_REQUIRE_PROVIDERS=1 (set by
 * .ci/run, which builds the mirror first) a missing piece fails instead.
 */
import { spawnSync } from "node:child_process";
import { isInMirror, mirrorDir } from "../../providers/mirror";
import { BUILT_PROVIDERS } from "../../providers/pins";

/** Why the real providers cannot be used here, or "" when they can. */
export function realProvidersMissing(): string {
  if (spawnSync("terraform", ["version"], { stdio: "ignore" }).status !== 0) return "the terraform CLI is not on PATH";
  const missing = BUILT_PROVIDERS.filter((p) => !isInMirror(p)).map((p) => `${p.source} ${p.version}`);
  return missing.length > 0 ? `the provider mirror ${mirrorDir()} lacks ${missing.join(", ")}` : "";
}

export function describeWithRealProviders(name: string, body: () => void): void {
  const why = realProvidersMissing();
  if (!why) {
    describe(name, body);
    return;
  }
  if (process.env.CDC_ROUTING_REQUIRE_PROVIDERS === "1") {
    test(`${name}: the real providers are required here (CDC_ROUTING_REQUIRE_PROVIDERS=1)`, () => {
      throw new Error(`cannot run: ${why}. Build the mirror with: npm run providers:refresh`);
    });
    return;
  }
  console.warn(`\n*** NOT RUN: ${name}, because ${why}.\n*** Build the mirror with: npm run providers:refresh\n`);
  describe.skip(name, body);
}
