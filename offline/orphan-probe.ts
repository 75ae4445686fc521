/**
 * Finds what a killed apply created but never recorded, by asking Confluent (or the local double: the same API)
 * for each configured resource the state lacks whose name Confluent keeps unique: a Flink statement, a connector,
 * a topic. Those are the objects that make the re-run fail (409, "already exists"); each found is printed as its
 * `terraform import` line. A schema needs none: registering it again answers its id, and the re-run adopts it.
 * A service account's name is unique too (its 409 names it; its id is found by display name, see the runbook);
 * objects Confluent does not name uniquely (API keys, role bindings) are not found this way: the re-run creates
 * them again and the runbook lists them by owner.
 * Credentials: the Cloud API key from TF_VAR_confluent_cloud_api_key/secret (as the deploy has them), the data
 * planes' keys from the state; none is printed.
 */
import type { Json } from "../lib/json";
import { configuredKey, interpolated, type RecoveryStep, type StateResource } from "./interrupted-apply";

export interface Probe {
  address: string;
  type: string;
  /** What `terraform import` takes. */
  importId: string;
  url: string;
  key: string;
  secret: string;
}

const PROBED = ["confluent_flink_statement", "confluent_connector", "confluent_kafka_topic"];

/** Per configured resource of a probed type that the state lacks: where Confluent answers it by name. */
export function probes(
  config: Json,
  state: readonly StateResource[],
  values: Map<string, Json>,
  cloud: { endpoint: string; key: string; secret: string },
): Probe[] {
  const inState = new Set(state.map((r) => r.address));
  const out: Probe[] = [];
  for (const type of PROBED)
    for (const [name, block] of Object.entries<Json>(config.resource?.[type] ?? {})) {
      const address = `${type}.${name}`;
      if (inState.has(address)) continue;
      const r = (text: string | undefined) => (text === undefined ? undefined : interpolated(text, values));
      const key = configuredKey(type, block, values);
      const credentials = { key: r(block.credentials?.key), secret: r(block.credentials?.secret) };
      // A parent not in the state either: its own probe comes first; this one waits for the next run.
      if (key === undefined) continue;
      const found = ((): Omit<Probe, "address" | "type"> | undefined => {
        switch (type) {
          case "confluent_flink_statement": {
            const [org, env, endpoint] = [r(block.organization?.id), r(block.environment?.id), r(block.rest_endpoint)];
            if (!org || !env || !endpoint || !credentials.key || !credentials.secret) return undefined;
            return {
              importId: block.statement_name,
              url: `${endpoint}/sql/v1/organizations/${org}/environments/${env}/statements/${block.statement_name}`,
              key: credentials.key,
              secret: credentials.secret,
            };
          }
          case "confluent_connector": {
            const [env, cluster, name] = key.split("/");
            return {
              importId: key,
              url: `${cloud.endpoint}/connect/v1/environments/${env}/clusters/${cluster}/connectors/${encodeURIComponent(name)}/status`,
              key: cloud.key,
              secret: cloud.secret,
            };
          }
          default: {
            const endpoint = r(block.rest_endpoint);
            if (!endpoint || !credentials.key || !credentials.secret) return undefined;
            const [cluster, topic] = key.split("/");
            return {
              importId: key,
              url: `${endpoint}/kafka/v3/clusters/${cluster}/topics/${encodeURIComponent(topic)}`,
              key: credentials.key,
              secret: credentials.secret,
            };
          }
        }
      })();
      if (found) out.push({ address, type, ...found });
    }
  return out;
}

/** The probes Confluent answers 200: objects that exist with no resource in the state, as import steps. */
export async function probeOrphans(list: readonly Probe[]): Promise<(RecoveryStep & { kind: "import" })[]> {
  const steps: (RecoveryStep & { kind: "import" })[] = [];
  for (const p of list) {
    const auth = Buffer.from(`${p.key}:${p.secret}`).toString("base64");
    const r = await fetch(p.url, { headers: { Authorization: `Basic ${auth}` } });
    await r.arrayBuffer();
    if (r.status === 200)
      steps.push({
        kind: "import",
        address: p.address,
        importId: p.importId,
        orphan: { type: p.type, id: p.importId, key: p.importId },
      });
    else if (r.status !== 404)
      throw new Error(`GET ${p.url} answered ${r.status}: cannot tell whether ${p.address} exists`);
  }
  return steps;
}
