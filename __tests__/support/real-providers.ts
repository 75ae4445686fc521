/**
 * Suites that need the real Terraform CLI and the providers in the mirror (`npm test` puts them there first:
 * providers/mirror-cli.ts). Where they are missing the suite says so loudly, naming what to install or run, and is
 * reported as skipped, never as passed; with CDC_ROUTING_REQUIRE_PROVIDERS=1 (set by .ci/run and the workflows,
 * which fill the mirror first) a missing piece fails instead.
 */
import { isInMirror, mirrorDir, programPresent } from "../../providers/mirror";
import { BUILT_PROVIDERS } from "../../providers/pins";

/** Why the real providers cannot be used here, with the command that fixes it; "" when they can. */
export function realProvidersMissing(): string {
  if (!programPresent("terraform"))
    return "the terraform CLI is not on PATH: install Terraform 1.10 or newer (developer.hashicorp.com/terraform/install), then run npm test again (it puts the providers into the mirror first)";
  const missing = BUILT_PROVIDERS.filter((p) => !isInMirror(p)).map((p) => `${p.source} ${p.version}`);
  if (missing.length === 0) return "";
  const go = programPresent("go")
    ? ""
    : "; without the Terraform registry that needs Go 1.25 or newer on PATH (go.dev/dl) to build them";
  return `the provider mirror ${mirrorDir()} lacks ${missing.join(", ")}: run npm run providers:mirror (npm test runs it first)${go}`;
}

export function describeWithRealProviders(name: string, body: () => void): void {
  const why = realProvidersMissing();
  if (!why) {
    describe(name, body);
    return;
  }
  if (process.env.CDC_ROUTING_REQUIRE_PROVIDERS === "1") {
    test(`${name}: the real providers are required here (CDC_ROUTING_REQUIRE_PROVIDERS=1)`, () => {
      throw new Error(`cannot run: ${why}`);
    });
    return;
  }
  console.warn(`\n*** NOT RUN: ${name}, because ${why}.\n`);
  describe.skip(name, body);
}
