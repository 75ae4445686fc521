/**
 * Checks a synthesized Terraform JSON configuration against a provider schema: every resource, attribute and
 * block the stack writes exists, every required one is present, and block counts respect min/max items.
 */
import type { BlockSchema, SingleProviderSchema } from "./schema";

const META_ARGUMENTS = new Set([
  "//",
  "depends_on",
  "lifecycle",
  "provider",
  "count",
  "for_each",
  "connection",
  "provisioner",
]);

function checkBlock(config: Record<string, unknown>, block: BlockSchema, where: string, problems: string[]): void {
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, value] of Object.entries(config)) {
    if (META_ARGUMENTS.has(key)) continue;
    const attr = attributes[key];
    if (attr) {
      if (attr.computed && !attr.optional && !attr.required)
        problems.push(`${where}: '${key}' is computed by the provider and cannot be set`);
      continue;
    }
    const nested = blocks[key];
    if (!nested) {
      problems.push(`${where}: unknown attribute or block '${key}'`);
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    if (nested.max_items !== undefined && items.length > nested.max_items) {
      problems.push(`${where}: block '${key}' has ${items.length} items; at most ${nested.max_items} allowed`);
    }
    if (nested.min_items !== undefined && items.length < nested.min_items) {
      problems.push(`${where}: block '${key}' has ${items.length} items; at least ${nested.min_items} required`);
    }
    items.forEach((item, i) => {
      if (item && typeof item === "object")
        checkBlock(item as Record<string, unknown>, nested.block, `${where}.${key}[${i}]`, problems);
    });
  }
  for (const [name, attr] of Object.entries(attributes)) {
    if (attr.required && !(name in config)) problems.push(`${where}: required attribute '${name}' is missing`);
  }
  for (const [name, nested] of Object.entries(blocks)) {
    if ((nested.min_items ?? 0) > 0 && !(name in config))
      problems.push(`${where}: required block '${name}' is missing`);
  }
}

/** Problems for the resources and data sources of one provider (by type-name prefix, e.g. "confluent_"). */
export function conformanceProblems(
  synth: Record<string, unknown>,
  schema: SingleProviderSchema,
  typePrefix: string,
): string[] {
  const problems: string[] = [];
  const sections: Array<["resource" | "data", Record<string, { block: BlockSchema }>]> = [
    ["resource", schema.resource_schemas ?? {}],
    ["data", schema.data_source_schemas ?? {}],
  ];
  for (const [section, schemas] of sections) {
    const byType = (synth[section] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    for (const [type, instances] of Object.entries(byType)) {
      if (!type.startsWith(typePrefix)) continue;
      const s = schemas[type];
      if (!s) {
        problems.push(`${section}.${type}: not in the provider schema`);
        continue;
      }
      for (const [name, config] of Object.entries(instances))
        checkBlock(config, s.block, `${section}.${type}.${name}`, problems);
    }
  }
  const providerConfigs =
    ((synth.provider ?? {}) as Record<string, Array<Record<string, unknown>>>)[typePrefix.replace(/_$/, "")] ?? [];
  providerConfigs.forEach((p, i) => {
    checkBlock(p, schema.provider.block, `provider.${typePrefix.replace(/_$/, "")}[${i}]`, problems);
  });
  return problems;
}
