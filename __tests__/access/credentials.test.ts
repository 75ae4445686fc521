/**
 * The stage's KMS key policy (access/secrets-key-policy.ts) and the credential notices (access/credentials.ts), as
 * data: only the apply role administers the key, each consumer's readers decrypt only that consumer's secret and
 * only through Secrets Manager, and no statement names any principal with a wildcard.
 */
import { credentialNotices, secretsKeyPolicyInputs } from "../../access/credentials";
import { KEY_ADMINISTRATION, type PolicyStatement, secretsKeyPolicy } from "../../access/secrets-key-policy";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";

const dev = stageConfig("dev");
const CONSUMERS = ["loan-servicing", "loan-payments", "car-inventory", "service-history"];
const inputs = (stage = dev, consumers = CONSUMERS) => ({
  stage: stage.name,
  region: stage.aws.region,
  credentials: stage.credentials,
  consumers,
});
const policy = (stage = dev, consumers = CONSUMERS) =>
  secretsKeyPolicy(secretsKeyPolicyInputs(inputs(stage, consumers)));
const principals = (s: PolicyStatement): string[] => [s.Principal.AWS].flat();
const VIA_SECRETS_MANAGER = {
  "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
  "kms:CallerAccount": "123456789012",
};

describe("the stage's KMS key policy", () => {
  const statements = policy().Statement;

  test("only the apply role administers the key; no statement names a wildcard principal", () => {
    const administering = statements.filter((s) => s.Action.some((a) => KEY_ADMINISTRATION.includes(a)));
    expect(administering.map((s) => [s.Sid, principals(s)])).toEqual([
      ["AdministerKeyApplyRole", ["arn:aws:iam::123456789012:role/cdc-routing-dev-apply"]],
    ]);
    expect(statements.flatMap(principals).filter((p) => p.includes("*"))).toEqual([]);
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
  });

  test("every cryptographic permission is through Secrets Manager in the stage's account", () => {
    const cryptographic = statements.filter((s) => s.Action.some((a) => /Decrypt|Encrypt|GenerateDataKey/.test(a)));
    expect(cryptographic.map((s) => s.Sid)).toEqual([
      "WriteSecretsApplyRole",
      "ReadSecretsPlanRole",
      "ReadSecretLoanServicing",
      "ReadSecretLoanPayments",
      "ReadSecretCarInventory",
      "ReadSecretServiceHistory",
    ]);
    for (const s of cryptographic) expect(s.Condition?.StringEquals).toEqual(VIA_SECRETS_MANAGER);
  });

  test("a consumer's readers may decrypt that consumer's secret and no other, by their ARN", () => {
    const loanServicing = statements.find((s) => s.Sid === "ReadSecretLoanServicing")!;
    expect(loanServicing).toEqual({
      Sid: "ReadSecretLoanServicing",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: VIA_SECRETS_MANAGER,
        StringLike: {
          "kms:EncryptionContext:SecretARN":
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdc-routing/dev/consumers/loan-servicing-??????",
        },
        ArnEquals: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/loan-servicing-dev"] },
      },
    });
  });

  test("a consumer without readers gets no statement, and synth says so; settings of an undeployed consumer too", () => {
    const stage = parseStageConfig({
      ...dev,
      credentials: {
        ...dev.credentials,
        consumers: { "loan-servicing": { readers: [] }, "loan-archive": { kafkaKeyGenerations: [1, 2] } },
      },
    });
    const sids = policy(stage, ["loan-servicing", "car-inventory"]).Statement.map((s) => s.Sid);
    expect(sids).toEqual([
      "AdministerKeyApplyRole",
      "WriteSecretsApplyRole",
      "ReadKeySettingsPlanRole",
      "ReadSecretsPlanRole",
    ]);
    expect(credentialNotices(inputs(stage, ["loan-servicing", "car-inventory"]))).toEqual([
      "dev: credentials.consumers names consumers this stage does not deploy (ignored): loan-archive",
      "dev: no reader declared for the secret of loan-servicing, car-inventory (credentials.consumers.<name>.readers); only the stage's apply and plan roles can read it",
    ]);
    expect(credentialNotices(inputs())).toEqual([]);
  });
});
