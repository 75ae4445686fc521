/**
 * The double's Metrics API export (local/confluent-api/metrics-export.ts) on the pure double, over HTTP: who may
 * read it (a Cloud API key whose owner holds MetricsViewer), the per-resource access errors, the Prometheus text
 * with Confluent's names and labels; and the Connect API's status words (observed-engines.ts). The values computed
 * from real engines are proven by __tests__/e2e/monitoring.e2e.ts.
 */
import { confluentConnectorStatus } from "../../../local/confluent-api/observed-engines";
import { type ConfluentDouble, startConfluentDouble } from "../../../local/confluent-api/server";

let double: ConfluentDouble;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const admin = basic("cloud-key", "cloud-secret");

beforeAll(async () => {
  double = await startConfluentDouble({ log: () => undefined });
});
afterAll(() => double.close());

async function call(method: string, path: string, body?: unknown, auth = admin) {
  const res = await fetch(`${double.url}${path}`, {
    method,
    headers: { Authorization: auth, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), text, json: () => JSON.parse(text) };
}

async function environmentWithCluster(name: string) {
  const env = (await call("POST", "/org/v2/environments", { display_name: name })).json();
  const lkc = (
    await call("POST", "/cmk/v2/clusters", {
      spec: {
        display_name: `${name}-kafka`,
        availability: "SINGLE_ZONE",
        cloud: "AWS",
        region: "eu-west-1",
        config: { kind: "Standard" },
        environment: { id: env.id },
      },
    })
  ).json();
  return { env, lkc };
}

/** A service account, optionally with MetricsViewer on crn, and a key: a Cloud API key unless `resource` names one. */
async function reader(name: string, crn?: string, resource?: { id: string; kind: string }) {
  const sa = (await call("POST", "/iam/v2/service-accounts", { display_name: name })).json();
  if (crn)
    await call("POST", "/iam/v2/role-bindings", {
      principal: `User:${sa.id}`,
      role_name: "MetricsViewer",
      crn_pattern: crn,
    });
  const key = (
    await call("POST", "/iam/v2/api-keys", {
      spec: { display_name: name, owner: { id: sa.id, kind: "ServiceAccount" }, ...(resource ? { resource } : {}) },
    })
  ).json();
  expect(key.spec.resource.kind).toBe(resource ? resource.kind : "Cloud");
  return basic(key.id, key.spec.secret);
}

describe("the double's Metrics API export", () => {
  test("MetricsViewer on the environment reads its cluster; another environment's is an access error, not a failure", async () => {
    const dev = await environmentWithCluster("metrics-dev");
    const other = await environmentWithCluster("metrics-other");
    const auth = await reader("metrics-dev-reader", dev.env.metadata.resource_name);
    const r = await call(
      "GET",
      `/v2/metrics/cloud/export?resource.kafka.id=${dev.lkc.id}&resource_kafka_id=${other.lkc.id}`,
      undefined,
      auth,
    );
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = r.text.trim().split("\n");
    expect(lines[0]).toBe("# TYPE confluent_scrape_resource_access_error gauge");
    expect(lines.slice(1).map((l) => l.replace(/ \d+$/, ""))).toEqual([
      `confluent_scrape_resource_access_error{resource_id="${dev.lkc.id}",resource_type="kafka"} 0`,
      `confluent_scrape_resource_access_error{resource_id="${other.lkc.id}",resource_type="kafka"} 1`,
    ]);
    expect(Number(lines[1].split(" ").pop())).toBeGreaterThan(Date.now() - 60_000);
  });

  test("a key that may read none of them gets 403; a resource key 401; no resource named, 400", async () => {
    const dev = await environmentWithCluster("metrics-refusals");
    const path = `/v2/metrics/cloud/export?resource.kafka.id=${dev.lkc.id}`;
    expect((await call("GET", path, undefined, await reader("no-binding"))).status).toBe(403);
    const kafkaKey = await reader("kafka-key", dev.env.metadata.resource_name, { id: dev.lkc.id, kind: "Cluster" });
    expect((await call("GET", path, undefined, kafkaKey)).status).toBe(401);
    expect((await call("GET", path, undefined, "")).status).toBe(401);
    const auth = await reader("metrics-org", `crn://confluent.cloud/organization=${double.store.organizationId}`);
    expect((await call("GET", path, undefined, auth)).status).toBe(200);
    const none = await call("GET", "/v2/metrics/cloud/export", undefined, auth);
    expect([none.status, none.json().errors[0].detail]).toEqual([
      400,
      "Name at least one resource: resource.kafka.id, resource.connector.id or resource.compute_pool.id",
    ]);
  });
});

describe("the Connect API's status words from Kafka Connect's", () => {
  const task = (id: number, state: string, trace?: string) => ({ id, state, worker_id: "w", trace });
  const status = (connector: string, ...tasks: ReturnType<typeof task>[]) =>
    confluentConnectorStatus("c", { connector: { state: connector, worker_id: "w" }, tasks });

  test("RUNNING when every task runs, DEGRADED when some do, FAILED when all failed, PROVISIONING without tasks", () => {
    const trace =
      "org.apache.kafka.connect.errors.ConnectException: boom\nCaused by: org.postgresql.util.PSQLException: denied";
    expect(
      [
        status("RUNNING", task(0, "RUNNING")),
        status("RUNNING", task(0, "RUNNING"), task(1, "FAILED", trace)),
        status("RUNNING", task(0, "FAILED", trace)),
        status("RUNNING"),
        status("PAUSED", task(0, "PAUSED")),
      ].map((s) => [s.connector.state, s.connector.trace]),
    ).toEqual([
      ["RUNNING", ""],
      [
        "DEGRADED",
        "org.apache.kafka.connect.errors.ConnectException: boom (root cause: org.postgresql.util.PSQLException: denied)",
      ],
      [
        "FAILED",
        "org.apache.kafka.connect.errors.ConnectException: boom (root cause: org.postgresql.util.PSQLException: denied)",
      ],
      ["PROVISIONING", ""],
      ["PAUSED", ""],
    ]);
  });
});
