import { Construct } from "constructs";
import { DataConfluentOrganization } from "../.gen/providers/confluent/data-confluent-organization";
import { DataConfluentSchemaRegistryCluster } from "../.gen/providers/confluent/data-confluent-schema-registry-cluster";
import { Environment } from "../.gen/providers/confluent/environment";

export interface StreamGovernedEnvironmentProps {
  /** The environment's name; Flink's catalog. */
  readonly displayName: string;
  /** The Stream Governance package: billed, so the stage chooses it (no default). */
  readonly streamGovernance: "ESSENTIALS" | "ADVANCED";
}

/** A Confluent Cloud environment with Stream Governance; its Schema Registry is provisioned with it and read back. */
export class StreamGovernedEnvironment extends Construct {
  readonly environment: Environment;
  readonly schemaRegistry: DataConfluentSchemaRegistryCluster;
  readonly organization: DataConfluentOrganization;

  constructor(scope: Construct, id: string, props: StreamGovernedEnvironmentProps) {
    super(scope, id);
    if (!props.displayName.trim()) throw new Error("StreamGovernedEnvironment: displayName is empty");
    this.environment = new Environment(this, "environment", {
      displayName: props.displayName,
      streamGovernance: { package: props.streamGovernance },
    });
    this.schemaRegistry = new DataConfluentSchemaRegistryCluster(this, "schema-registry", {
      environment: { id: this.environment.id },
      // The registry appears shortly after the environment; read it only once the environment exists.
      dependsOn: [this.environment],
    });
    this.organization = new DataConfluentOrganization(this, "organization", {});
  }
}
