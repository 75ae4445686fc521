import type { TerraformResource } from "cdktf";
import type { ScannerSkip } from "../access/scanner-skips";

/**
 * Writes the scanner checks a resource does not meet on purpose into its Terraform JSON comment property (`//`,
 * which Terraform ignores), in Checkov's inline annotation form `checkov:skip=<id>:<reason>`. Checkov's terraform_json
 * framework (3.3.30) parses the property but applies no skip from it (its runner passes none to the checks), so
 * `npm run scan` (review/scanner.ts) applies them; docs/security.md says so.
 */
export function skipScannerChecks(resource: TerraformResource, skips: readonly ScannerSkip[]): void {
  resource.addOverride(
    "//.checkov",
    skips.map((s) => `checkov:skip=${s.id}:${s.reason}`),
  );
}
