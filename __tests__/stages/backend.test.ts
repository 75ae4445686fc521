/** The state backend per stage: committed values, environment overrides, validation, the offline plan. */
import { Testing } from "cdktf";
import { buildApp } from "../../app/build-app";
import { type BackendConfig, BackendOverrideError, backendWithOverrides } from "../../stages/backend";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { temporaryDirectory } from "../support/helpers";

const committed: BackendConfig = {
  kind: "s3",
  bucket: "cdc-routing-terraform-state",
  key: "dev/terraform.tfstate",
  region: "eu-west-1",
  lock: "s3-lockfile",
};

describe("state backend from the stage config, with environment overrides", () => {
  test("no override: the committed values, for every stage", () => {
    for (const name of ["dev", "staging", "prod"] as const) {
      expect(stageConfig(name, {}).backend).toEqual({ ...committed, key: `${name}/terraform.tfstate` });
    }
  });

  test("bucket, key template, region and lock from the environment", () => {
    const env = {
      CDC_ROUTING_STATE_BUCKET: "acme-tf-state",
      CDC_ROUTING_STATE_KEY: "routing/{stage}.tfstate",
      CDC_ROUTING_STATE_REGION: "us-east-2",
      CDC_ROUTING_STATE_LOCK: "dynamodb:tf-locks",
    };
    expect(stageConfig("staging", env).backend).toEqual({
      kind: "s3",
      bucket: "acme-tf-state",
      key: "routing/staging.tfstate",
      region: "us-east-2",
      lock: { dynamodbTable: "tf-locks" },
    });
    expect(
      backendWithOverrides(committed, "dev", {
        CDC_ROUTING_STATE_REGION: "eu-central-1",
        CDC_ROUTING_STATE_BUCKET: "",
      }),
    ).toEqual({ ...committed, region: "eu-central-1" });
  });

  test("the synthesized backend follows: S3 lock file by default, a DynamoDB table when asked", () => {
    const synth = (env: NodeJS.ProcessEnv) => {
      const app = Testing.app({ outdir: temporaryDirectory("backend") });
      buildApp(["dev"], app, { stageOf: (n) => stageConfig(n, env) });
      return JSON.parse(Testing.synth(app.node.findChild("dev") as Parameters<typeof Testing.synth>[0])).terraform
        .backend;
    };
    expect(synth({})).toEqual({
      s3: {
        bucket: "cdc-routing-terraform-state",
        key: "dev/terraform.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(synth({ CDC_ROUTING_STATE_LOCK: "dynamodb:tf-locks" }).s3).toEqual({
      bucket: "cdc-routing-terraform-state",
      key: "dev/terraform.tfstate",
      region: "eu-west-1",
      encrypt: true,
      dynamodb_table: "tf-locks",
    });
    expect(synth({ CDC_ROUTING_STATE: "local" })).toEqual({ local: { path: "terraform.dev.tfstate" } });
  });

  test.each([
    [
      { CDC_ROUTING_STATE_BUCKET: "Acme_State" },
      "CDC_ROUTING_STATE_BUCKET='Acme_State' must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit",
    ],
    [
      { CDC_ROUTING_STATE_BUCKET: "192.168.1.1" },
      "CDC_ROUTING_STATE_BUCKET='192.168.1.1' must be an S3 bucket name (no '..', not an IP address)",
    ],
    [
      { CDC_ROUTING_STATE_REGION: "Ireland" },
      "CDC_ROUTING_STATE_REGION='Ireland' must be an AWS region such as eu-west-1",
    ],
    [
      { CDC_ROUTING_STATE_KEY: "state.tfstate" },
      "CDC_ROUTING_STATE_KEY='state.tfstate' must contain {stage} (e.g. cdc-routing/{stage}/terraform.tfstate) so the stages' states stay apart",
    ],
    [
      { CDC_ROUTING_STATE_KEY: "/{stage}.tfstate" },
      "CDC_ROUTING_STATE_KEY='/dev.tfstate' must be an S3 object key without a leading or trailing '/'",
    ],
    [{ CDC_ROUTING_STATE_LOCK: "dynamo" }, "CDC_ROUTING_STATE_LOCK='dynamo' must be s3-lockfile or dynamodb:<table>"],
    [
      { CDC_ROUTING_STATE_LOCK: "dynamodb:x" },
      "CDC_ROUTING_STATE_LOCK='x' must be a DynamoDB table name (3-255 letters, digits, '_', '-', '.')",
    ],
    [{ CDC_ROUTING_STATE: "gcs" }, "CDC_ROUTING_STATE='gcs' must be s3 or local"],
    [
      { CDC_ROUTING_STATE: "local", CDC_ROUTING_STATE_BUCKET: "acme-tf-state" },
      "CDC_ROUTING_STATE=local keeps state in a local file; unset CDC_ROUTING_STATE_BUCKET",
    ],
  ])("invalid override %j names the variable and what is allowed", (env, message) => {
    expect(() => stageConfig("dev", env)).toThrow(BackendOverrideError);
    expect(() => stageConfig("dev", env)).toThrow(message);
  });

  test("a protected stage refuses local state, and says how to plan it offline instead", () => {
    expect(() => stageConfig("prod", { CDC_ROUTING_STATE: "local" })).toThrow(
      "CDC_ROUTING_STATE=local: stage prod is protected and keeps its state in S3; to plan it without cloud access use `npx cdc-routing plan --stage prod`",
    );
    expect(() => parseStageConfig({ ...stageConfig("dev", {}), backend: { ...committed, lock: "none" } })).toThrow(
      "backend.lock",
    );
  });
});
