import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { ApiKey } from "../.gen/providers/confluent/api-key";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { consumerGroup } from "../access/grants";
import { resourceNames } from "../stages/resource-names";

export interface ConsumerSecretsProps {
  readonly stage: string;
  /** The cluster consumers connect to (its bootstrap endpoint). */
  readonly cluster: KafkaCluster;
  /** Each consumer's Kafka API key: one secret per entry. */
  readonly keys: ReadonlyMap<string, ApiKey>;
  /** Topics each consumer reads. */
  readonly topics: ReadonlyMap<string, readonly string[]>;
}

/** One Secrets Manager secret per consumer with its Kafka connection; values are references, never literals. */
export class ConsumerSecrets extends Construct {
  readonly secrets = new Map<string, SecretsmanagerSecret>();

  constructor(scope: Construct, id: string, props: ConsumerSecretsProps) {
    super(scope, id);
    for (const [consumer, key] of props.keys) {
      const secret = new SecretsmanagerSecret(this, `secret-${consumer}`, {
        name: resourceNames(props.stage).consumerSecret(consumer),
        description: `Kafka credentials of consumer ${consumer} (cdc-routing ${props.stage})`,
      });
      new SecretsmanagerSecretVersion(this, `secret-${consumer}-value`, {
        secretId: secret.id,
        secretString: Fn.jsonencode({
          bootstrap_servers: props.cluster.bootstrapEndpoint,
          security_protocol: "SASL_SSL",
          sasl_mechanism: "PLAIN",
          api_key: key.id,
          api_secret: key.secret,
          group_id: consumerGroup(consumer),
          topics: props.topics.get(consumer) ?? [],
        }),
      });
      this.secrets.set(consumer, secret);
    }
  }
}
