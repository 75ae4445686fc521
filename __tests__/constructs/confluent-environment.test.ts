/**
 * StreamGovernedEnvironment on its own: a stage's environment name (stages/resource-names.ts) is never empty, so
 * only a direct caller reaches its guard.
 */
import { TerraformStack, Testing } from "cdktf";
import { StreamGovernedEnvironment } from "../../constructs/confluent-environment";
import { testingApp } from "../support/stack-helpers";

function environmentNamed(displayName: string): StreamGovernedEnvironment {
  const stack = new TerraformStack(testingApp(), "test");
  return new StreamGovernedEnvironment(stack, "environment", { displayName, streamGovernance: "ESSENTIALS" });
}

describe("StreamGovernedEnvironment", () => {
  test.each(["", "  "])("an empty display name (%j) is refused", (displayName) => {
    expect(() => environmentNamed(displayName)).toThrow(new Error("StreamGovernedEnvironment: displayName is empty"));
  });

  test("a named one is declared with its package, and its Schema Registry is read once it exists", () => {
    const { environment } = environmentNamed("cdc-routing-test");
    const json = JSON.parse(Testing.synth(TerraformStack.of(environment)));
    const address = `${environment.terraformResourceType}.${environment.friendlyUniqueId}`;
    expect(Object.values(json.resource.confluent_environment)).toEqual([
      { display_name: "cdc-routing-test", stream_governance: { package: "ESSENTIALS" } },
    ]);
    expect(Object.values(json.data.confluent_schema_registry_cluster)).toEqual([
      {
        environment: { id: `\${${address}.id}` },
        depends_on: [address],
      },
    ]);
  });
});
