/**
 * Every physical name of a stage comes from resourceNames(stage). Renaming one replaces that resource in every
 * deployed stage, so the names are pinned here literally, and no two stages may share one.
 */

import { STAGE_NAMES } from "../../stages/names";
import { type ResourceNames, resourceNames } from "../../stages/resource-names";

/** Every name a stage's resources get, with an alarm and a consumer secret as examples of the derived ones. */
const physicalNames = (names: ResourceNames): string[] => [
  ...Object.values(names).filter((v): v is string => typeof v === "string"),
  names.alarm("replication-slot-lag"),
  names.consumerSecret("loan-servicing"),
];

/** Names that more than one of the given stages' resources have, with the stages that have them. */
function sharedNames(stages: ReadonlyArray<readonly [string, ResourceNames]>): string[] {
  const owners = new Map<string, Set<string>>();
  for (const [stage, names] of stages) {
    for (const name of physicalNames(names)) owners.set(name, (owners.get(name) ?? new Set()).add(stage));
  }
  return [...owners].filter(([, of]) => of.size > 1).map(([name, of]) => `${name}: ${[...of].join(", ")}`);
}

describe("resourceNames: every physical name of a stage", () => {
  test("dev's names are the ones its resources have always had", () => {
    const names = resourceNames("dev");
    const derived = {
      alarm: names.alarm("replication-slot-lag"),
      consumerSecret: names.consumerSecret("loan-servicing"),
    };
    expect({ ...names, ...derived }).toEqual({
      prefix: "cdc-routing-dev",
      environment: "cdc-routing-dev",
      kafkaCluster: "cdc-routing-dev-kafka",
      flinkComputePool: "cdc-routing-dev-flink",
      connector: "cdc-routing-dev-postgres-cdc",
      metricsReader: "cdc-routing-dev-metrics-reader",
      localFlinkGroup: "cdc-routing-dev",
      postgres: "cdc_routing_dev",
      auroraParameterGroup: "cdc-routing-dev-logical-replication",
      alertsTopic: "cdc-routing-dev-alerts",
      stateKey: "dev/terraform.tfstate",
      alarm: "cdc-routing-dev-replication-slot-lag",
      consumerSecret: "cdc-routing/dev/consumers/loan-servicing",
      secretsKeyAlias: "alias/cdc-routing-dev-secrets",
    });
  });

  test.each([
    ["staging", "cdc-routing-staging-kafka", "cdc_routing_staging", "staging/terraform.tfstate"],
    ["prod", "cdc-routing-prod-kafka", "cdc_routing_prod", "prod/terraform.tfstate"],
  ])("%s: cluster %s, PostgreSQL objects %s, state %s", (stage, kafkaCluster, postgres, stateKey) => {
    expect(resourceNames(stage)).toMatchObject({ kafkaCluster, postgres, stateKey });
  });

  test("no two stages share a physical name", () => {
    expect(sharedNames(STAGE_NAMES.map((stage) => [stage, resourceNames(stage)] as const))).toEqual([]);
  });

  test("the check finds a shared name: a stage whose names do not depend on the stage", () => {
    const fixed = (stage: string): ResourceNames => ({ ...resourceNames(stage), kafkaCluster: "cdc-routing-kafka" });
    expect(sharedNames(STAGE_NAMES.map((stage) => [stage, fixed(stage)] as const))).toEqual([
      "cdc-routing-kafka: dev, staging, prod",
    ]);
  });
});
