/** The state backend per stage: committed values, environment overrides, validation, the offline plan. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { buildApp } from "../main";
import { backendWithOverrides, BackendOverrideError, type BackendConfig } from "../stages/backend";
import { parseStageConfig } from "../stages/config";
import { stageConfig } from "../stages/stages";
import { offlinePlan, requiredProviderSources } from "../cli/offline-plan";
import { describeWithRealProviders } from "./real-providers";
import { run } from "../cli/main";
import { temporaryDirectory } from "./helpers";

const committed: BackendConfig = { kind: "s3", bucket: "cdc-routing-terraform-state", key: "dev/terraform.tfstate", region: "eu-west-1", lock: "s3-lockfile" };

describe("state backend from the stage config, with environment overrides", () => {
  test("no override: the committed values, for every stage", () => {
    for (const name of ["dev", "staging", "prod"] as const) {
      expect(stageConfig(name, {}).backend).toEqual({ ...committed, key: `${name}/terraform.tfstate` });
    }
  });

  test("bucket, key template, region and lock from the environment", () => {
    const env = { CDC_ROUTING_STATE_BUCKET: "acme-tf-state", CDC_ROUTING_STATE_KEY: "routing/{stage}.tfstate", CDC_ROUTING_STATE_REGION: "us-east-2", CDC_ROUTING_STATE_LOCK: "dynamodb:tf-locks" };
    expect(stageConfig("staging", env).backend).toEqual({ kind: "s3", bucket: "acme-tf-state", key: "routing/staging.tfstate", region: "us-east-2", lock: { dynamodbTable: "tf-locks" } });
    expect(backendWithOverrides(committed, "dev", { CDC_ROUTING_STATE_REGION: "eu-central-1", CDC_ROUTING_STATE_BUCKET: "" })).toEqual({ ...committed, region: "eu-central-1" });
  });

  test("the synthesized backend follows: S3 lock file by default, a DynamoDB table when asked", () => {
    const synth = (env: NodeJS.ProcessEnv) => {
      const app = Testing.app({ outdir: temporaryDirectory("backend") });
      buildApp(["dev"], app, { stageOf: (n) => stageConfig(n, env) });
      return JSON.parse(Testing.synth(app.node.findChild("dev") as Parameters<typeof Testing.synth>[0])).terraform.backend;
    };
    expect(synth({})).toEqual({ s3: { bucket: "cdc-routing-terraform-state", key: "dev/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true } });
    expect(synth({ CDC_ROUTING_STATE_LOCK: "dynamodb:tf-locks" }).s3).toEqual({ bucket: "cdc-routing-terraform-state", key: "dev/terraform.tfstate", region: "eu-west-1", encrypt: true, dynamodb_table: "tf-locks" });
    expect(synth({ CDC_ROUTING_STATE: "local" })).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });

  test.each([
    [{ CDC_ROUTING_STATE_BUCKET: "Acme_State" }, "CDC_ROUTING_STATE_BUCKET='Acme_State' must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"],
    [{ CDC_ROUTING_STATE_BUCKET: "192.168.1.1" }, "CDC_ROUTING_STATE_BUCKET='192.168.1.1' must be an S3 bucket name (no '..', not an IP address)"],
    [{ CDC_ROUTING_STATE_REGION: "Ireland" }, "CDC_ROUTING_STATE_REGION='Ireland' must be an AWS region such as eu-west-1"],
    [{ CDC_ROUTING_STATE_KEY: "state.tfstate" }, "CDC_ROUTING_STATE_KEY='state.tfstate' must contain {stage} (e.g. cdc-routing/{stage}/terraform.tfstate) so the stages' states stay apart"],
    [{ CDC_ROUTING_STATE_KEY: "/{stage}.tfstate" }, "CDC_ROUTING_STATE_KEY='/dev.tfstate' must be an S3 object key without a leading or trailing '/'"],
    [{ CDC_ROUTING_STATE_LOCK: "dynamo" }, "CDC_ROUTING_STATE_LOCK='dynamo' must be s3-lockfile or dynamodb:<table>"],
    [{ CDC_ROUTING_STATE_LOCK: "dynamodb:x" }, "CDC_ROUTING_STATE_LOCK='x' must be a DynamoDB table name (3-255 letters, digits, '_', '-', '.')"],
    [{ CDC_ROUTING_STATE: "gcs" }, "CDC_ROUTING_STATE='gcs' must be s3 or local"],
    [{ CDC_ROUTING_STATE: "local", CDC_ROUTING_STATE_BUCKET: "acme-tf-state" }, "CDC_ROUTING_STATE=local keeps state in a local file; unset CDC_ROUTING_STATE_BUCKET"],
  ])("invalid override %j names the variable and what is allowed", (env, message) => {
    expect(() => stageConfig("dev", env)).toThrow(BackendOverrideError);
    expect(() => stageConfig("dev", env)).toThrow(message);
  });

  test("a protected stage refuses local state, and says how to plan it offline instead", () => {
    expect(() => stageConfig("prod", { CDC_ROUTING_STATE: "local" })).toThrow("CDC_ROUTING_STATE=local: stage prod is protected and keeps its state in S3; to plan it without cloud access use `npx cdc-routing plan --stage prod`");
    expect(() => parseStageConfig({ ...stageConfig("dev", {}), backend: { ...committed, lock: "none" } })).toThrow("backend.lock");
  });
});

describe("cdc-routing plan: local state, no cloud credentials", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test("with an endpoint given and an empty provider mirror it stops naming the missing provider; the stack points at the endpoint, with local state and no aws or database resources", async () => {
    const out = temporaryDirectory("offline-plan");
    process.env.CDC_ROUTING_CACHE = temporaryDirectory("empty-cache"); // an empty provider mirror
    let stderr = "";
    await expect(offlinePlan("dev", out, { CDC_ROUTING_CONFLUENT_ENDPOINT: "http://127.0.0.1:8090/" }, (s) => (stderr += s), () => undefined)).rejects.toThrow(
      /^providers missing from the filesystem mirror .*: confluentinc\/confluent; /,
    );
    expect(stderr).toContain("plan: Confluent Cloud API: http://127.0.0.1:8090\n");
    const stack = JSON.parse(readFileSync(join(out, "stacks", "dev", "cdk.tf.json"), "utf8"));
    expect(stack.provider.confluent[0].endpoint).toBe("http://127.0.0.1:8090");
    expect(stack.terraform.backend).toBeUndefined();
    expect(Object.keys(stack.resource).filter((t) => /^(aws|postgresql)_/.test(t))).toEqual([]);
    expect(readdirSync(join(out, "stacks"))).toEqual(["dev"]);
  });

  test("an endpoint that is not an http(s) URL is refused, naming the variable", async () => {
    await expect(offlinePlan("dev", temporaryDirectory("offline-plan"), { CDC_ROUTING_CONFLUENT_ENDPOINT: "127.0.0.1:8090" }, () => undefined, () => undefined)).rejects.toThrow(
      "CDC_ROUTING_CONFLUENT_ENDPOINT='127.0.0.1:8090' must be an http(s) URL such as http://127.0.0.1:8090",
    );
  });

  describeWithRealProviders("the offline plan end to end (local Confluent API double, real terraform and confluent provider)", () => {
    test("a protected stage plans with local state and no cloud credentials", async () => {
      const out = temporaryDirectory("offline-plan");
      delete process.env.CDC_ROUTING_CONFLUENT_ENDPOINT;
      let stdout = "";
      let stderr = "";
      const code = await run(["plan", "--stage", "prod", "--out", out], (s) => (stdout += s), (s) => (stderr += s + "\n"));
      expect({ code, stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining("(the local double, started for this plan and stopped after it)") });
      expect(stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
      expect(existsSync(join(out, "stacks", "prod", "tfplan"))).toBe(true);
    }, 120_000);
  });

  test("required providers as mirror paths", () => {
    expect(requiredProviderSources({ terraform: { required_providers: { aws: { source: "aws" }, confluent: { source: "registry.terraform.io/confluentinc/confluent" }, postgresql: { source: "cyrilgdn/postgresql" } } } })).toEqual([
      "confluentinc/confluent",
      "cyrilgdn/postgresql",
      "hashicorp/aws",
    ]);
  });
});

