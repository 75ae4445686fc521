import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { ApiKey } from "../.gen/providers/confluent/api-key";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { consumerSecretValue } from "../access/consumer-secret";
import { SECRET_ROTATION_BY_GENERATION } from "../access/scanner-skips";
import { resourceNames } from "../stages/resource-names";
import { skipScannerChecks } from "./scanner-skips";

export interface ConsumerSecretsProps {
  readonly stage: string;
  /** The cluster consumers connect to (its bootstrap endpoint). */
  readonly cluster: KafkaCluster;
  /** Each consumer's Kafka API key: one secret per entry. */
  readonly keys: ReadonlyMap<string, ApiKey>;
  /** Topics each consumer reads. */
  readonly topics: ReadonlyMap<string, readonly string[]>;
  /** ARN of the stage's KMS key (constructs/secrets-key.ts): every secret is encrypted with it. */
  readonly kmsKeyArn: string;
}

/**
 * One Secrets Manager secret per consumer with its Kafka connection, encrypted with the stage's own key; values are
 * references, never literals. The value always holds the consumer's newest key generation: a rotation writes a new
 * version of the secret, which a consumer that re-reads it picks up (consumers/consumer.ts).
 */
export class ConsumerSecrets extends Construct {
  readonly secrets = new Map<string, SecretsmanagerSecret>();

  constructor(scope: Construct, id: string, props: ConsumerSecretsProps) {
    super(scope, id);
    for (const [consumer, key] of props.keys) {
      const secret = new SecretsmanagerSecret(this, `secret-${consumer}`, {
        name: resourceNames(props.stage).consumerSecret(consumer),
        description: `Kafka credentials of consumer ${consumer} (cdc-routing ${props.stage})`,
        kmsKeyId: props.kmsKeyArn,
      });
      skipScannerChecks(secret, [SECRET_ROTATION_BY_GENERATION]);
      new SecretsmanagerSecretVersion(this, `secret-${consumer}-value`, {
        secretId: secret.id,
        secretString: Fn.jsonencode(
          consumerSecretValue(consumer, props.cluster.bootstrapEndpoint, key, props.topics.get(consumer) ?? []),
        ),
      });
      this.secrets.set(consumer, secret);
    }
  }
}
