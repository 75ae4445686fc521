/**
 * A stage's credential settings (stages/credentials.ts) applied to the consumers it deploys: the inputs of its KMS
 * key policy, and what synth should say about settings that name no consumer or consumers nobody may read.
 */
import { type CredentialsConfig, consumerCredentialsOf, stageAccount } from "../stages/credentials";
import { resourceNames } from "../stages/resource-names";
import type { SecretsKeyPolicyInputs } from "./secrets-key-policy";

export interface StageCredentialInputs {
  readonly stage: string;
  /** AWS region of the stage's secrets and key. */
  readonly region: string;
  readonly credentials: CredentialsConfig;
  /** The consumers the stage deploys (the access plan's). */
  readonly consumers: readonly string[];
}

export function secretsKeyPolicyInputs(i: StageCredentialInputs): SecretsKeyPolicyInputs {
  return {
    ...stageAccount(i.credentials),
    region: i.region,
    applyRoleArn: i.credentials.applyRoleArn,
    planRoleArn: i.credentials.planRoleArn,
    secrets: i.consumers.map((c) => ({
      label: c,
      secretName: resourceNames(i.stage).consumerSecret(c),
      readers: consumerCredentialsOf(i.credentials, c).readers,
    })),
  };
}

/**
 * Lines for synth to print: consumer settings for a consumer the stage does not deploy (a typo, or a consumer
 * removed: the entry does nothing), and consumers whose secret no reader is declared for (only the stage's apply
 * and plan roles can read it).
 */
export function credentialNotices(i: StageCredentialInputs): string[] {
  const deployed = new Set(i.consumers);
  const unknown = Object.keys(i.credentials.consumers).filter((c) => !deployed.has(c));
  const unread = i.consumers.filter((c) => consumerCredentialsOf(i.credentials, c).readers.length === 0);
  return [
    ...(unknown.length
      ? [
          `${i.stage}: credentials.consumers names consumers this stage does not deploy (ignored): ${unknown.join(", ")}`,
        ]
      : []),
    ...(unread.length
      ? [
          `${i.stage}: no reader declared for the secret of ${unread.join(", ")} (credentials.consumers.<name>.readers); only the stage's apply and plan roles can read it`,
        ]
      : []),
  ];
}
