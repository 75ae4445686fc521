/**
 * Checks of the policy scanner (Checkov, `npm run scan`) that the stack does not meet on purpose, each with its
 * reason. The stack writes them into the resource they apply to (constructs/scanner-skips.ts); docs/security.md
 * lists them. A skip is a decision about one resource, never a blanket option of the scanner.
 */

export interface ScannerSkip {
  /** Checkov's check id. */
  readonly id: string;
  /** Why the stack does not meet it, pointing at what it does instead. */
  readonly reason: string;
}

/** CKV2_AWS_57 "Ensure Secrets Manager secrets should have automatic rotation enabled". */
export const SECRET_ROTATION_BY_GENERATION: ScannerSkip = {
  id: "CKV2_AWS_57",
  reason:
    "rotated by the stack, not by a Secrets Manager rotation function: bumping the key's generation in the stage " +
    "config creates a new Confluent API key, writes it to this secret and keeps the old key until the clean-up " +
    "(docs/runbooks/rotate-api-keys.md)",
};
