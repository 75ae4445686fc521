/**
 * The key policy of a stage's KMS key, which encrypts every Secrets Manager secret the stack writes: who may
 * administer the key, and who may decrypt which secret. Decided here as data; constructs/secrets-key.ts renders it.
 *
 * AWS's rules it follows ("Secret encryption and decryption in AWS Secrets Manager",
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html, sections "Permissions for the
 * KMS key" and "Secrets Manager encryption context"): Secrets Manager calls KMS on behalf of the caller, so the caller
 * needs kms:GenerateDataKey to write a secret value and kms:Decrypt to read one, and `kms:ViaService` =
 * `secretsmanager.<region>.amazonaws.com` limits those to calls made through Secrets Manager; every such call carries
 * the secret's ARN as encryption context (`SecretARN`), so `kms:EncryptionContext:SecretARN` limits a reader to its
 * own secret. A secret's ARN is its name, a hyphen and six random characters (hence `-??????`).
 */

export interface SecretReaders {
  /** The secret's name (resourceNames(stage).consumerSecret). */
  readonly secretName: string;
  /** IAM role or user ARNs that may read it. */
  readonly readers: readonly string[];
  /** A short name for the statement id, e.g. the consumer. */
  readonly label: string;
}

export interface SecretsKeyPolicyInputs {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** Administers the key and writes the secrets: the role that applies the stage. */
  readonly applyRoleArn: string;
  /** Reads the key's settings and the secrets' values: what `terraform plan` refreshes. */
  readonly planRoleArn: string;
  readonly secrets: readonly SecretReaders[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { AWS: string | string[] };
  Action: string[];
  Resource: "*";
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface KeyPolicy {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * What administering a key takes, and nothing cryptographic ("Default key policy", key administrators,
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators).
 */
export const KEY_ADMINISTRATION = [
  "kms:CancelKeyDeletion",
  "kms:Create*",
  "kms:Delete*",
  "kms:Describe*",
  "kms:Disable*",
  "kms:Enable*",
  "kms:Get*",
  "kms:List*",
  "kms:Put*",
  "kms:Revoke*",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:Update*",
];
/** What `terraform plan` reads of an aws_kms_key (its refresh): settings, never key material. */
const KEY_SETTINGS_READ = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"];
/**
 * Writing a secret value through Secrets Manager (a new data key per version) and reading one back; kms:Encrypt
 * lets Secrets Manager re-encrypt a secret's existing versions when its key changes (UpdateSecret `KmsKeyId`:
 * without it the versions written before stay under the previous key).
 */
const SECRET_WRITE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];
const SECRET_READ = ["kms:Decrypt"];

/** Statement ids allow letters and digits only in some tools; consumers are kebab-case. */
const sidOf = (label: string): string =>
  label
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");

export function secretArnPattern(i: SecretsKeyPolicyInputs, secretName: string): string {
  return `arn:${i.partition}:secretsmanager:${i.region}:${i.account}:secret:${secretName}-??????`;
}

export function secretsKeyPolicy(i: SecretsKeyPolicyInputs): KeyPolicy {
  const throughSecretsManager = {
    StringEquals: { "kms:ViaService": `secretsmanager.${i.region}.amazonaws.com`, "kms:CallerAccount": i.account },
  };
  const allow = (
    Sid: string,
    AWS: string | string[],
    Action: string[],
    Condition?: PolicyStatement["Condition"],
  ): PolicyStatement => ({
    Sid,
    Effect: "Allow",
    Principal: { AWS },
    Action,
    Resource: "*",
    ...(Condition ? { Condition } : {}),
  });
  return {
    Version: "2012-10-17",
    Statement: [
      allow("AdministerKeyApplyRole", i.applyRoleArn, KEY_ADMINISTRATION),
      allow("WriteSecretsApplyRole", i.applyRoleArn, SECRET_WRITE, throughSecretsManager),
      allow("ReadKeySettingsPlanRole", i.planRoleArn, KEY_SETTINGS_READ),
      allow("ReadSecretsPlanRole", i.planRoleArn, SECRET_READ, throughSecretsManager),
      // Each reader by its ARN as a condition on the account principal, not as the principal: KMS refuses a policy
      // naming a role that does not exist yet, and a role deleted and re-created would no longer match a principal
      // entry. With the account as principal the reader's own IAM policy must allow kms:Decrypt as well
      // (docs/security.md shows it); this statement narrows that to its secret, read through Secrets Manager.
      ...i.secrets
        .filter((s) => s.readers.length > 0)
        .map((s) =>
          allow(`ReadSecret${sidOf(s.label)}`, `arn:${i.partition}:iam::${i.account}:root`, SECRET_READ, {
            ...throughSecretsManager,
            StringLike: { "kms:EncryptionContext:SecretARN": secretArnPattern(i, s.secretName) },
            ArnEquals: { "aws:PrincipalArn": [...s.readers].sort() },
          }),
        ),
    ],
  };
}
