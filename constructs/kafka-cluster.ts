import { Construct } from "constructs";
import { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { clusterTypeBlock, type KafkaClusterSizing, type StageConfig } from "../stages/config";

export interface RoutingKafkaClusterProps {
  displayName: string;
  environmentId: string;
  cloud: StageConfig["confluent"]["cloud"];
  region: string;
  sizing: KafkaClusterSizing;
  /** prevent_destroy: a plan that would delete the cluster fails instead. */
  protectFromDestroy: boolean;
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
      environment: { id: props.environmentId },
      ...clusterTypeBlock(props.sizing),
      lifecycle: props.protectFromDestroy ? { preventDestroy: true } : undefined,
    });
  }
}
