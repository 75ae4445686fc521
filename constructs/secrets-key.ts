import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import type { KeyPolicy } from "../access/secrets-key-policy";

export interface StageSecretsKeyProps {
  /** `alias/<...>`: how people find the key (resourceNames(stage).secretsKeyAlias). */
  readonly alias: string;
  readonly description: string;
  /** access/secrets-key-policy.ts: who administers it and who decrypts which secret. */
  readonly policy: KeyPolicy;
  /** prevent_destroy: deleting the key makes every secret it encrypted unreadable. */
  readonly protectFromDestroy: boolean;
}

/**
 * The stage's customer-managed KMS key for its secrets, with yearly automatic rotation of its key material (KMS
 * keeps the older material to decrypt what it encrypted) and the longest deletion window (30 days). The policy is
 * plain JSON known at synth, so a scanner reads the same document KMS gets.
 */
export class StageSecretsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: StageSecretsKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: JSON.stringify(props.policy),
      lifecycle: props.protectFromDestroy ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, "alias", { name: props.alias, targetKeyId: this.key.keyId });
  }
}
