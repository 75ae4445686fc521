/**
 * `cdc-routing plan`: a stage planned with local state and no cloud credentials against the local Confluent API
 * double, with the real terraform CLI and confluent provider. Integration tests: they start real processes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../cli/cdc-routing";
import { offlinePlan, requiredProviderSources } from "../../offline/offline-plan";
import { temporaryDirectory } from "../support/helpers";
import { describeWithRealProviders } from "../support/real-providers";

describe("cdc-routing plan: local state, no cloud credentials", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("with an endpoint given and an empty provider mirror it stops naming the missing provider; the stack points at the endpoint, with local state and no aws or database resources", async () => {
    const out = temporaryDirectory("offline-plan");
    process.env.CDC_ROUTING_CACHE = temporaryDirectory("empty-cache"); // an empty provider mirror
    let stderr = "";
    await expect(
      offlinePlan(
        "dev",
        out,
        { CDC_ROUTING_CONFLUENT_ENDPOINT: "http://127.0.0.1:8090/" },
        (s) => (stderr += s),
        () => undefined,
      ),
    ).rejects.toThrow(/^providers missing from the filesystem mirror .*: confluentinc\/confluent; /);
    expect(stderr).toContain("plan: Confluent Cloud API: http://127.0.0.1:8090\n");
    const stack = JSON.parse(readFileSync(join(out, "stacks", "dev", "cdk.tf.json"), "utf8"));
    expect(stack.provider.confluent[0].endpoint).toBe("http://127.0.0.1:8090");
    expect(stack.terraform.backend).toBeUndefined();
    expect(Object.keys(stack.resource).filter((t) => /^(aws|postgresql)_/.test(t))).toEqual([]);
    expect(readdirSync(join(out, "stacks"))).toEqual(["dev"]);
  });

  test("an endpoint that is not an http(s) URL is refused, naming the variable", async () => {
    await expect(
      offlinePlan(
        "dev",
        temporaryDirectory("offline-plan"),
        { CDC_ROUTING_CONFLUENT_ENDPOINT: "127.0.0.1:8090" },
        () => undefined,
        () => undefined,
      ),
    ).rejects.toThrow(
      "CDC_ROUTING_CONFLUENT_ENDPOINT='127.0.0.1:8090' must be an http(s) URL such as http://127.0.0.1:8090",
    );
  });

  describeWithRealProviders(
    "the offline plan end to end (local Confluent API double, real terraform and confluent provider)",
    () => {
      test("a protected stage plans with local state and no cloud credentials", async () => {
        const out = temporaryDirectory("offline-plan");
        delete process.env.CDC_ROUTING_CONFLUENT_ENDPOINT;
        let stdout = "";
        let stderr = "";
        const code = await run(["plan", "--stage", "prod", "--out", out], {
          out: (s) => (stdout += s),
          err: (s) => (stderr += s),
        });
        expect({ code, stderr }).toMatchObject({
          code: 0,
          stderr: expect.stringContaining("(the local double, started for this plan and stopped after it)"),
        });
        expect(stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
        expect(existsSync(join(out, "stacks", "prod", "tfplan"))).toBe(true);
      }, 120_000);
    },
  );

  test("required providers as mirror paths", () => {
    expect(
      requiredProviderSources({
        terraform: {
          required_providers: {
            aws: { source: "aws" },
            confluent: { source: "registry.terraform.io/confluentinc/confluent" },
            postgresql: { source: "cyrilgdn/postgresql" },
          },
        },
      }),
    ).toEqual(["confluentinc/confluent", "cyrilgdn/postgresql", "hashicorp/aws"]);
  });
});
