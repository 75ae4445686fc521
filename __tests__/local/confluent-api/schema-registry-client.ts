/**
 * A Schema Registry of the local double to talk to: a fresh environment with a Stream Governance package (so a
 * registry), a service account and an API key of that registry, and calls to it over HTTP with that key.
 */
import type { ConfluentDouble } from "../../../local/confluent-api/server";

export const basicAuth = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** One call to the double; the body is parsed JSON, undefined when empty. */
export async function callDouble(
  double: ConfluentDouble,
  method: string,
  path: string,
  body?: unknown,
  auth = basicAuth("cloud-key", "cloud-secret"),
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${double.url}${path}`, {
    method,
    headers: { Authorization: auth, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export interface SchemaRegistryClient {
  /** The registry's id (lsrc-…) and REST endpoint, and the API key's id and secret. */
  id: string;
  endpoint: string;
  key: string;
  secret: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export async function schemaRegistryClient(double: ConfluentDouble, name: string): Promise<SchemaRegistryClient> {
  const cloud = (method: string, path: string, body?: unknown) => callDouble(double, method, path, body);
  const env = (
    await cloud("POST", "/org/v2/environments", {
      display_name: name,
      stream_governance_config: { package: "ESSENTIALS" },
    })
  ).body;
  const sr = (await cloud("GET", `/srcm/v3/clusters?environment=${env.id}`)).body.data[0];
  const sa = (await cloud("POST", "/iam/v2/service-accounts", { display_name: `${name}-sr` })).body;
  const key = (
    await cloud("POST", "/iam/v2/api-keys", {
      spec: { owner: { id: sa.id, kind: "ServiceAccount" }, resource: { id: sr.id, kind: "Cluster" } },
    })
  ).body;
  const auth = basicAuth(key.id, key.spec.secret);
  return {
    id: sr.id,
    endpoint: sr.spec.http_endpoint,
    key: key.id,
    secret: key.spec.secret,
    call: (method, path, body) => callDouble(double, method, `/schema-registry/${sr.id}${path}`, body, auth),
  };
}
