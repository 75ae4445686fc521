import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Connector } from "../.gen/providers/confluent/connector";
import { cdcConnectorConfig, type CdcConnectorInputs } from "../connectors/postgres-cdc";

export interface PostgresCdcConnectorProps extends CdcConnectorInputs {
  environmentId: string;
  clusterId: string;
  /** The connector's grants and the raw topic: it must not start before it may write. */
  dependsOn: ITerraformDependable[];
}

/** Confluent's fully managed PostgresCdcSourceV2 writing flattened rows to the raw topic. */
export class PostgresCdcConnector extends Construct {
  readonly connector: Connector;

  constructor(scope: Construct, id: string, props: PostgresCdcConnectorProps) {
    super(scope, id);
    const config = cdcConnectorConfig(props);
    this.connector = new Connector(this, "connector", {
      environment: { id: props.environmentId },
      kafkaCluster: { id: props.clusterId },
      configNonsensitive: config.nonsensitive,
      configSensitive: config.sensitive,
      dependsOn: props.dependsOn,
    });
  }
}
