/**
 * RoutingFlinkCompute on its own: the stage config (stages/config.ts) allows no maxCfu below 5, so only a direct
 * caller reaches its guard.
 */
import { TerraformStack, Testing } from "cdktf";
import { Environment } from "../../.gen/providers/confluent/environment";
import { RoutingFlinkCompute } from "../../constructs/flink-compute-pool";
import { testingApp } from "../support/stack-helpers";

function computeWith(maxCfu: number): TerraformStack {
  const stack = new TerraformStack(testingApp(), "test");
  const environment = new Environment(stack, "environment", { displayName: "cdc-routing-test" });
  new RoutingFlinkCompute(stack, "flink", {
    displayName: "cdc-routing-test-flink",
    environment,
    cloud: "AWS",
    region: "eu-west-1",
    maxCfu,
  });
  return stack;
}

describe("RoutingFlinkCompute", () => {
  test("a pool below Confluent's minimum of 5 CFU is refused, naming the value", () => {
    expect(() => computeWith(4)).toThrow(new Error("RoutingFlinkCompute: maxCfu 4 is below Confluent's minimum of 5"));
  });

  test("the minimum is accepted: the pool in the environment, and its region", () => {
    const json = JSON.parse(Testing.synth(computeWith(5)));
    expect(Object.values(json.resource.confluent_flink_compute_pool)).toEqual([
      {
        display_name: "cdc-routing-test-flink",
        cloud: "AWS",
        region: "eu-west-1",
        max_cfu: 5,
        environment: { id: "${confluent_environment.environment.id}" },
      },
    ]);
    expect(Object.values(json.data.confluent_flink_region)).toEqual([{ cloud: "AWS", region: "eu-west-1" }]);
  });
});
