/**
 * Every object the double holds that a Terraform resource of this stack manages, under the id the confluent
 * provider stores in the state for it (its `d.SetId` in resource_*.go of provider 2.83.4) and a natural key (what
 * Confluent addresses it by, or its display name), so that a state can be compared with what exists: an object
 * with no resource in the state is an orphan (a killed apply, docs/runbooks/interrupted-apply.md).
 * Left out: what no Terraform resource creates (the seeded organization's objects, which the caller takes as a
 * baseline, and the Schema Registry key the double mints for a connector's converter, deleted with it).
 */
import type { Store } from "./store";

export interface InventoryEntry {
  /** The Terraform resource type that creates such an object. */
  type: string;
  /** The id the provider keeps in the state (and takes for `terraform import`). */
  id: string;
  /** Names the object independently of its id: the same key is computed from a resource's configuration. */
  key: string;
}

export function inventory(store: Store): InventoryEntry[] {
  const connectorKeys = new Set([...store.connectors.values()].map((c) => c.registryKey).filter(Boolean));
  const entries: InventoryEntry[] = [
    ...[...store.environments.values()].map((e) => ({
      type: "confluent_environment",
      id: e.id,
      key: e.display_name,
    })),
    ...[...store.kafkaClusters.values()].map((c) => ({
      type: "confluent_kafka_cluster",
      id: c.id,
      key: c.spec.display_name,
    })),
    ...[...store.computePools.values()].map((p) => ({
      type: "confluent_flink_compute_pool",
      id: p.id,
      key: p.spec.display_name,
    })),
    ...[...store.serviceAccounts.values()].map((s) => ({
      type: "confluent_service_account",
      id: s.id,
      key: s.display_name,
    })),
    ...[...store.apiKeys.values()]
      .filter((k) => !connectorKeys.has(k.id))
      .map((k) => ({ type: "confluent_api_key", id: k.id, key: k.spec.display_name })),
    ...[...store.roleBindings.values()].map((b) => ({
      type: "confluent_role_binding",
      id: b.id,
      key: `${b.principal}|${b.role_name}|${b.crn_pattern}`,
    })),
    ...[...store.topics.values()].map((t) => ({
      type: "confluent_kafka_topic",
      id: `${t.cluster}/${t.name}`,
      key: `${t.cluster}/${t.name}`,
    })),
    ...[...store.connectors.entries()].map(([path, c]) => ({
      // resource_connector.go SetId(connector id); its import id is <environment>/<cluster>/<name>.
      type: "confluent_connector",
      id: c.id,
      key: path,
    })),
    ...[...store.subjects.entries()]
      .map(([path, versions]) => [path, versions.filter((v) => !v.deleted)] as const)
      .filter(([, live]) => live.length > 0)
      .map(([path, live]) => ({
        // resource_schema.go createSchemaId: <cluster>/<subject>/<schema id> (or /latest).
        type: "confluent_schema",
        id: `${path}/${live[live.length - 1].id}`,
        key: path,
      })),
    ...[...store.statements.entries()].map(([path, s]) => ({
      type: "confluent_flink_statement",
      id: `${s.environment_id}/${s.spec.compute_pool_id}/${s.name}`,
      key: path,
    })),
  ];
  return entries.sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
}
