/**
 * The real terraform CLI and confluent provider 2.83.4 (from the local mirror) against the local double's Schema
 * Registry: confluent_subject_config sets a subject's compatibility level, and confluent_schema is held to it. The
 * provider checks compatibility at plan time (resource_schema.go CustomizeDiff, POST /compatibility …?verbose=true),
 * so a schema Schema Registry would refuse fails the plan with Schema Registry's own messages. Skipped, loudly, where
 * the mirror or the terraform CLI is missing (describeWithRealProviders).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ConfluentDouble, startConfluentDouble } from "../../../local/confluent-api/server";
import { terraformEnv, terraformInit } from "../../../providers/mirror";
import { CONFLUENT_PROVIDER } from "../../../providers/pins";
import { temporaryDirectory } from "../../support/helpers";
import { describeWithRealProviders } from "../../support/real-providers";
import { type SchemaRegistryClient, schemaRegistryClient } from "./schema-registry-client";

const SUBJECT = "raw-car-entities-value";
const V1 = { type: "object", properties: { id: { type: "integer", "connect.index": 0 } } };
const V2 = {
  type: "object",
  properties: { ...V1.properties, colour: { oneOf: [{ type: "null" }, { type: "string" }], "connect.index": 1 } },
};

/** The subject's schema, and its config when a level is given, with literal endpoint and credentials. */
function config(double: ConfluentDouble, sr: SchemaRegistryClient, schema: object, level?: string): object {
  const registry = {
    schema_registry_cluster: { id: sr.id },
    rest_endpoint: sr.endpoint,
    credentials: { key: sr.key, secret: sr.secret },
  };
  return {
    terraform: {
      required_providers: {
        confluent: { source: CONFLUENT_PROVIDER.source, version: `= ${CONFLUENT_PROVIDER.version}` },
      },
    },
    provider: { confluent: [{ cloud_api_key: "cloud-key", cloud_api_secret: "cloud-secret", endpoint: double.url }] },
    resource: {
      ...(level
        ? { confluent_subject_config: { raw: { ...registry, subject_name: SUBJECT, compatibility_level: level } } }
        : {}),
      confluent_schema: {
        raw: {
          ...registry,
          subject_name: SUBJECT,
          format: "JSON",
          schema: JSON.stringify(schema),
          ...(level ? { depends_on: ["confluent_subject_config.raw"] } : {}),
        },
      },
    },
  };
}

/** terraform without blocking the event loop: the double answers from this process. TF_ACC=1: short waits. */
function terraformAsync(dir: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("terraform", [...args, "-input=false", "-no-color"], {
      cwd: dir,
      env: terraformEnv({ TF_ACC: "1" }),
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describeWithRealProviders("confluent_subject_config and confluent_schema against the double's Schema Registry", () => {
  let double: ConfluentDouble;
  beforeAll(async () => {
    double = await startConfluentDouble({ log: () => undefined });
  });
  afterAll(() => double.close());

  test("the subject's level decides what the provider may register; removing the config restores BACKWARD", async () => {
    const sr = await schemaRegistryClient(double, "subject-config");
    const dir = temporaryDirectory("subject-config");
    const write = (schema: object, level?: string) =>
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config(double, sr, schema, level)));
    const apply = () => terraformAsync(dir, ["apply", "-auto-approve"]);
    const settled = async () => {
      const plan = await terraformAsync(dir, ["plan", "-detailed-exitcode"]);
      expect({ code: plan.code, output: plan.output }).toMatchObject({ code: 0 });
    };
    write(V1, "BACKWARD");
    terraformInit(dir);

    // 1. The level and v1; the config reads back as it was set (no drift).
    expect((await apply()).output).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    expect((await sr.call("GET", `/config/${SUBJECT}?defaultToGlobal=false`)).body.compatibilityLevel).toBe("BACKWARD");
    await settled();

    // 2. An optional column on an open model: the plan fails with Schema Registry's reason.
    write(V2, "BACKWARD");
    const refused = await terraformAsync(dir, ["plan"]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("error validating Schema");
    expect(refused.output).toContain("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");

    // 3. NONE first (the plan checks against the level in force, so the level goes before the schema) …
    write(V1, "NONE");
    expect((await apply()).output).toContain("Resources: 0 added, 1 changed, 0 destroyed.");
    await settled();
    // … then v2 is a new version.
    write(V2, "NONE");
    expect((await apply()).output).toContain("Apply complete!");
    expect((await sr.call("GET", `/subjects/${SUBJECT}/versions/latest`)).body.version).toBe(2);
    await settled();

    // 4. Without the resource its config is deleted: the subject is BACKWARD again.
    write(V2);
    expect((await apply()).output).toContain("Resources: 0 added, 0 changed, 1 destroyed.");
    expect((await sr.call("GET", `/config/${SUBJECT}`)).body.error_code).toBe(40408);
    expect(double.unknownCalls).toEqual([]);
    expect(double.store.calls.get("confluent_subject_config")).toBeGreaterThan(0);
  }, 180_000);
});
