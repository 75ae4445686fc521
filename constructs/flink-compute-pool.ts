import { Construct } from "constructs";
import { DataConfluentFlinkRegion } from "../.gen/providers/confluent/data-confluent-flink-region";
import type { Environment } from "../.gen/providers/confluent/environment";
import { FlinkComputePool } from "../.gen/providers/confluent/flink-compute-pool";
import type { StageConfig } from "../stages/config";

export interface RoutingFlinkComputeProps {
  readonly displayName: string;
  /** The environment the pool belongs to. */
  readonly environment: Environment;
  readonly cloud: StageConfig["confluent"]["cloud"];
  readonly region: string;
  /** At least 5 (Confluent's minimum); the stage's statement count is checked against it (flink-sql/limits.ts). */
  readonly maxCfu: number;
}

/** A Flink compute pool and the Flink region it runs in (the region carries the statements' REST endpoint). */
export class RoutingFlinkCompute extends Construct {
  readonly pool: FlinkComputePool;
  readonly region: DataConfluentFlinkRegion;

  constructor(scope: Construct, id: string, props: RoutingFlinkComputeProps) {
    super(scope, id);
    if (props.maxCfu < 5)
      throw new Error(`RoutingFlinkCompute: maxCfu ${props.maxCfu} is below Confluent's minimum of 5`);
    this.pool = new FlinkComputePool(this, "pool", {
      displayName: props.displayName,
      cloud: props.cloud,
      region: props.region,
      maxCfu: props.maxCfu,
      environment: { id: props.environment.id },
    });
    this.region = new DataConfluentFlinkRegion(this, "region", { cloud: props.cloud, region: props.region });
  }
}
