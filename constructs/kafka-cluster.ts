import { Construct } from "constructs";
import type { Environment } from "../.gen/providers/confluent/environment";
import { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { clusterTypeBlock, type KafkaClusterSizing, type StageConfig } from "../stages/config";

export interface RoutingKafkaClusterProps {
  /** The cluster's name; Flink's database. */
  readonly displayName: string;
  /** The environment the cluster belongs to. */
  readonly environment: Environment;
  readonly cloud: StageConfig["confluent"]["cloud"];
  readonly region: string;
  readonly sizing: KafkaClusterSizing;
  /**
   * prevent_destroy: a plan that would delete the cluster fails instead.
   * @default true - protected: a cluster holds data (aws-cdk's default for stateful resources is to retain them)
   */
  readonly protectFromDestroy?: boolean;
}

/** Kafka cluster of any type (basic, standard, enterprise, dedicated with CKUs). */
export class RoutingKafkaCluster extends Construct {
  readonly cluster: KafkaCluster;

  constructor(scope: Construct, id: string, props: RoutingKafkaClusterProps) {
    super(scope, id);
    this.cluster = new KafkaCluster(this, "cluster", {
      displayName: props.displayName,
      availability: props.sizing.availability,
      cloud: props.cloud,
      region: props.region,
      environment: { id: props.environment.id },
      ...clusterTypeBlock(props.sizing),
      lifecycle: (props.protectFromDestroy ?? true) ? { preventDestroy: true } : undefined,
    });
  }
}
