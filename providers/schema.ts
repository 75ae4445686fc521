/**
 * Pure helpers over Terraform's `providers schema -json` document: trimming to what the stack uses,
 * deterministic serialisation, and the pin metadata written beside the schema.
 */

export interface AttributeSchema {
  type?: unknown;
  nested_type?: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}

export interface BlockSchema {
  attributes?: Record<string, AttributeSchema>;
  block_types?: Record<string, NestedBlockSchema>;
}

export interface NestedBlockSchema {
  block: BlockSchema;
  nesting_mode: "single" | "list" | "set" | "map" | "group";
  min_items?: number;
  max_items?: number;
}

export interface ResourceSchema {
  version: number;
  block: BlockSchema;
}

export interface SingleProviderSchema {
  provider: ResourceSchema;
  resource_schemas?: Record<string, ResourceSchema>;
  data_source_schemas?: Record<string, ResourceSchema>;
}

export interface ProviderSchemaDocument {
  format_version: string;
  provider_schemas: Record<string, SingleProviderSchema>;
}

/** Where a pinned schema came from; recorded in the committed file so reviewers see the pin. */
export interface ProviderPin {
  source: string; // e.g. confluentinc/confluent
  version: string; // e.g. 2.83.4
  goModule: string;
  goCommit: string;
  /** "terraform providers schema -json" or the path of a hand transcription used as a fallback. */
  origin: string;
}

export interface PinnedSchemaFile extends ProviderSchemaDocument {
  cdc_routing_pin: ProviderPin;
}

/** Resources and data sources the stack writes; the trimmed schema keeps only these. */
export const CONFLUENT_RESOURCES = [
  "confluent_api_key",
  "confluent_connector",
  "confluent_environment",
  "confluent_flink_compute_pool",
  "confluent_flink_statement",
  "confluent_kafka_acl",
  "confluent_kafka_cluster",
  "confluent_kafka_topic",
  "confluent_role_binding",
  "confluent_schema",
  "confluent_service_account",
] as const;

export const CONFLUENT_DATA_SOURCES = [
  "confluent_flink_region",
  "confluent_organization",
  "confluent_schema_registry_cluster",
] as const;

const DROPPED_KEYS = new Set(["description", "description_kind", "deprecation_message"]);

/** Recursively drops documentation keys; they change between builds without changing the API. */
function stripDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDocs);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!DROPPED_KEYS.has(k)) out[k] = stripDocs(v);
    }
    return out;
  }
  return value;
}

function pick<T>(from: Record<string, T> | undefined, names: readonly string[], what: string): Record<string, T> {
  const out: Record<string, T> = {};
  const missing: string[] = [];
  for (const name of names) {
    const s = from?.[name];
    if (s === undefined) missing.push(name);
    else out[name] = s;
  }
  if (missing.length > 0) {
    throw new Error(`provider schema lacks ${what}: ${missing.join(", ")}`);
  }
  return out;
}

/**
 * Keeps one provider and only the named resources and data sources, without documentation.
 * Throws naming every missing resource, so a provider upgrade that drops one is caught at refresh.
 */
export function trimProviderSchema(
  doc: ProviderSchemaDocument,
  providerKey: string,
  resources: readonly string[],
  dataSources: readonly string[],
  pin: ProviderPin,
): PinnedSchemaFile {
  const provider = doc.provider_schemas?.[providerKey];
  if (!provider) {
    const have = Object.keys(doc.provider_schemas ?? {}).join(", ") || "none";
    throw new Error(`schema document has no provider ${providerKey} (it has: ${have})`);
  }
  const trimmed: SingleProviderSchema = {
    provider: provider.provider,
    resource_schemas: pick(provider.resource_schemas, resources, "resources"),
    data_source_schemas: pick(provider.data_source_schemas, dataSources, "data sources"),
  };
  return {
    cdc_routing_pin: pin,
    format_version: doc.format_version,
    provider_schemas: { [providerKey]: stripDocs(trimmed) as SingleProviderSchema },
  };
}

/** JSON with object keys sorted at every level and a trailing newline: byte-identical for equal input. */
export function stableStringify(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}
