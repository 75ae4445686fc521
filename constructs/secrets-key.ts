import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { credentialNotices, type StageCredentialInputs, secretsKeyPolicyInputs } from "../access/credentials";
import { secretsKeyPolicy } from "../access/secrets-key-policy";
import { resourceNames } from "../stages/resource-names";

export interface StageSecretsKeyProps extends StageCredentialInputs {
  /** prevent_destroy: deleting the key makes every secret it encrypted unreadable. */
  readonly protectFromDestroy: boolean;
}

/**
 * The stage's customer-managed KMS key for its secrets (alias resourceNames(stage).secretsKeyAlias), with yearly
 * automatic rotation of its key material (KMS keeps the older material to decrypt what it encrypted) and the longest
 * deletion window (30 days). Its policy (access/secrets-key-policy.ts) is plain JSON known at synth, so a scanner
 * reads the same document KMS gets.
 */
export class StageSecretsKey extends Construct {
  readonly key: KmsKey;
  /** Lines for synth to print about the stage's credential settings (access/credentials.ts). */
  readonly notices: string[];

  constructor(scope: Construct, id: string, props: StageSecretsKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      description: `Encrypts the secrets of cdc-routing ${props.stage} (consumers' Kafka credentials)`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: JSON.stringify(secretsKeyPolicy(secretsKeyPolicyInputs(props))),
      lifecycle: props.protectFromDestroy ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, "alias", { name: resourceNames(props.stage).secretsKeyAlias, targetKeyId: this.key.keyId });
    this.notices = credentialNotices(props);
  }
}
