/**
 * The local Confluent Cloud API double (local/confluent-api) over real HTTP on loopback: the documented
 * refusals and their error bodies, and the loud 404 for a route it does not know. The provider's own use of it
 * is proven by __tests__/e2e/confluent-apply.e2e.ts.
 */
import { type ConfluentDouble, startConfluentDouble } from "../../../local/confluent-api/server";
import { basicAuth, callDouble } from "./schema-registry-client";

let double: ConfluentDouble;
const logged: string[] = [];
const cloud = basicAuth("cloud-key", "cloud-secret");

beforeAll(async () => {
  double = await startConfluentDouble({ log: (line) => logged.push(line) });
});
afterAll(() => double.close());

/** One call to the double as the Cloud API key (or `auth`). */
const call = (method: string, path: string, body?: unknown, auth = cloud) =>
  callDouble(double, method, path, body, auth);

/** An environment with a Kafka cluster, a service account and a Kafka API key for it. */
async function cluster(name: string) {
  const env = (
    await call("POST", "/org/v2/environments", {
      display_name: name,
      stream_governance_config: { package: "ESSENTIALS" },
    })
  ).body;
  const lkc = (
    await call("POST", "/cmk/v2/clusters", {
      spec: {
        display_name: `${name}-kafka`,
        availability: "SINGLE_ZONE",
        cloud: "AWS",
        region: "eu-west-1",
        config: { kind: "Basic" },
        environment: { id: env.id },
      },
    })
  ).body;
  const sa = (await call("POST", "/iam/v2/service-accounts", { display_name: `${name}-manager` })).body;
  const key = (
    await call("POST", "/iam/v2/api-keys", {
      spec: {
        display_name: "k",
        owner: { id: sa.id, kind: "ServiceAccount" },
        resource: { id: lkc.id, kind: "Cluster" },
      },
    })
  ).body;
  return { env, lkc, sa, auth: basicAuth(key.id, key.spec.secret) };
}

test("an unknown route answers 404 in Confluent's error shape and is logged with method and path", async () => {
  const r = await call("POST", "/cmk/v3/clusters", {});
  expect(r.status).toBe(404);
  expect(r.body.errors[0]).toMatchObject({ status: "404", code: "resource_not_found" });
  expect(double.unknownCalls).toContain("POST /cmk/v3/clusters");
  expect(logged.join("\n")).toContain("no route for POST /cmk/v3/clusters");
});

test("Cloud API calls without credentials get 401", async () => {
  expect((await call("GET", "/org/v2/environments", undefined, "")).status).toBe(401);
});

test("a missing required field gets 400 naming the field; a duplicate gets 409", async () => {
  const missing = await call("POST", "/cmk/v2/clusters", {
    spec: {
      display_name: "x",
      availability: "SINGLE_ZONE",
      cloud: "AWS",
      config: { kind: "Basic" },
      environment: { id: "env-x" },
    },
  });
  expect(missing).toEqual({
    status: 400,
    body: { errors: [expect.objectContaining({ status: "400", detail: "Missing required field(s): spec.region" })] },
  });
  await call("POST", "/iam/v2/service-accounts", { display_name: "twice" });
  expect((await call("POST", "/iam/v2/service-accounts", { display_name: "twice" })).status).toBe(409);
});

test("a cluster is provisioning on creation and provisioned once read", async () => {
  const env = (await call("POST", "/org/v2/environments", { display_name: "provisioning" })).body;
  const created = await call("POST", "/cmk/v2/clusters", {
    spec: {
      display_name: "p",
      availability: "SINGLE_ZONE",
      cloud: "AWS",
      region: "eu-west-1",
      config: { kind: "Basic" },
      environment: { id: env.id },
    },
  });
  expect([created.status, created.body.status.phase]).toEqual([202, "PROVISIONING"]);
  const phases = [];
  for (let i = 0; i < 2; i++)
    phases.push((await call("GET", `/cmk/v2/clusters/${created.body.id}?environment=${env.id}`)).body.status.phase);
  expect(phases).toEqual(["PROVISIONING", "PROVISIONED"]);
});

describe("Kafka REST v3", () => {
  test("needs a Kafka API key of that cluster", async () => {
    const { lkc } = await cluster("rest-auth");
    const r = await call("GET", `/kafka/v3/clusters/${lkc.id}/topics`);
    expect(r).toEqual({ status: 401, body: { error_code: 40101, message: "Unauthorized" } });
  });

  test("an invalid topic name, a duplicate topic and a partition decrease are refused with Kafka's messages", async () => {
    const { lkc, auth } = await cluster("rest-topics");
    const topics = `/kafka/v3/clusters/${lkc.id}/topics`;
    const invalid = await call("POST", topics, { topic_name: "no spaces!", partitions_count: 1 }, auth);
    expect(invalid).toEqual({
      status: 400,
      body: {
        error_code: 40002,
        message: `Topic name "no spaces!" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
      },
    });
    expect(
      (
        await call(
          "POST",
          topics,
          { topic_name: "t", partitions_count: 3, configs: [{ name: "retention.ms", value: "1000" }] },
          auth,
        )
      ).status,
    ).toBe(201);
    expect((await call("POST", topics, { topic_name: "t", partitions_count: 3 }, auth)).body).toEqual({
      error_code: 40002,
      message: "Topic 't' already exists.",
    });
    const decrease = await call("PATCH", `${topics}/t`, { partitions_count: 2 }, auth);
    expect(decrease).toEqual({
      status: 400,
      body: { error_code: 40002, message: "Topic currently has 3 partitions, which is higher than the requested 2." },
    });
    expect((await call("PATCH", `${topics}/t`, { partitions_count: 4 }, auth)).body.partitions_count).toBe(4);
    const configs = (await call("GET", `${topics}/t/configs`, undefined, auth)).body.data;
    expect(configs.map((c: any) => [c.name, c.value, c.source])).toEqual([
      ["retention.ms", "1000", "DYNAMIC_TOPIC_CONFIG"],
    ]);
  });
});

describe("Flink statements", () => {
  async function flinkSetup() {
    const { env, sa } = await cluster("flink");
    const pool = (
      await call("POST", "/fcpm/v2/compute-pools", {
        spec: { display_name: "pool", cloud: "AWS", region: "eu-west-1", max_cfu: 5, environment: { id: env.id } },
      })
    ).body;
    const key = (
      await call("POST", "/iam/v2/api-keys", {
        spec: {
          owner: { id: sa.id, kind: "ServiceAccount" },
          resource: { id: "aws.eu-west-1", kind: "Region", api_version: "fcpm/v2", environment: env.id },
        },
      })
    ).body;
    const base = `/sql/v1/organizations/${double.store.organizationId}/environments/${env.id}/statements`;
    return { base, pool, sa, auth: basicAuth(key.id, key.spec.secret) };
  }

  test("unknown compute pool: 400 with the detail; SQL is immutable; stop and carry-over follow the documented phases", async () => {
    const { base, pool, sa, auth } = await flinkSetup();
    const spec = {
      statement: "INSERT INTO `b` SELECT * FROM `a`;",
      compute_pool_id: pool.id,
      principal: sa.id,
      properties: {},
    };
    const unknownPool = await call("POST", base, { name: "s0", spec: { ...spec, compute_pool_id: "lfcp-nope" } }, auth);
    expect(unknownPool.status).toBe(400);
    expect(unknownPool.body.errors[0].detail).toMatch(/^Compute pool 'lfcp-nope' does not exist in environment/);

    expect((await call("POST", base, { name: "s1", spec }, auth)).body.status.phase).toBe("PENDING");
    const read = async (name: string) => (await call("GET", `${base}/${name}`, undefined, auth)).body;
    expect([(await read("s1")).status.phase, (await read("s1")).status.phase]).toEqual(["PENDING", "RUNNING"]);
    expect((await call("POST", base, { name: "s1", spec }, auth)).status).toBe(409);

    const current = await read("s1");
    expect(
      (await call("PUT", `${base}/s1`, { ...current, spec: { ...current.spec, statement: "SELECT 1;" } }, auth)).status,
    ).toBe(400);

    await call(
      "POST",
      base,
      { name: "s2", spec: { ...spec, properties: { "sql.tables.initial-offset-from": "s1" } } },
      auth,
    );
    expect([(await read("s2")).status.phase, (await read("s2")).status.phase]).toEqual(["PENDING", "PENDING"]); // s1 still runs
    expect(
      (await call("PUT", `${base}/s1`, { ...current, spec: { ...current.spec, stopped: true } }, auth)).body.status
        .phase,
    ).toBe("STOPPING");
    expect([(await read("s1")).status.phase, (await read("s1")).status.phase]).toEqual(["STOPPING", "STOPPED"]);
    expect((await read("s1")).status.latest_offsets).toEqual({ a: "partition:0,offset:0" });
    expect((await read("s2")).status.phase).toBe("RUNNING");
  });
});
