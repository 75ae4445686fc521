import { DataResource, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Connector } from "../.gen/providers/confluent/connector";
import type { Environment } from "../.gen/providers/confluent/environment";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import type { ServiceAccount } from "../.gen/providers/confluent/service-account";
import { type CdcConnectorInputs, cdcConnectorConfig } from "../connectors/postgres-cdc";

export interface PostgresCdcConnectorProps extends Omit<CdcConnectorInputs, "serviceAccountId"> {
  readonly environment: Environment;
  /** The cluster the raw topic is on. */
  readonly cluster: KafkaCluster;
  /** The account the connector runs as (PipelineIdentity's connector account). */
  readonly serviceAccount: ServiceAccount;
  /** The connector's grants and the raw topic: required, it must not start before it may write. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * Confluent's fully managed PostgresCdcSourceV2 writing flattened rows to the raw topic.
 *
 * A connector's name cannot change in place: the provider plans the update and then fails at apply ("name
 * attribute cannot be updated", resource_connector.go connectorUpdate, 2.83.4). The name is therefore also the
 * trigger of a `terraform_data` the connector is `replace_triggered_by`: a rename plans a replacement, which
 * Terraform runs destroy-first, so the old connector has let go of the replication slot before the new one
 * (`snapshot.mode=no_data`, from the lock) streams from it.
 */
export class PostgresCdcConnector extends Construct {
  readonly connector: Connector;

  constructor(scope: Construct, id: string, props: PostgresCdcConnectorProps) {
    super(scope, id);
    const config = cdcConnectorConfig({ ...props, serviceAccountId: props.serviceAccount.id });
    const name = new DataResource(this, "name", { triggersReplace: { name: props.connectorName } });
    this.connector = new Connector(this, "connector", {
      environment: { id: props.environment.id },
      kafkaCluster: { id: props.cluster.id },
      configNonsensitive: config.nonsensitive,
      configSensitive: config.sensitive,
      dependsOn: [...props.dependsOn],
      // A bare address: cdktf would write a resource object as "${...}", which Terraform's JSON syntax refuses here.
      lifecycle: { replaceTriggeredBy: [`${name.terraformResourceType}.${name.friendlyUniqueId}`] },
    });
  }
}
