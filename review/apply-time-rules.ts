/**
 * Changes that plan clean and fail at apply: the confluent provider (2.83.4) plans them as in-place updates and
 * refuses them only when it applies. No opt-in allows them (apply would fail anyway, half-way through the stage).
 *
 * - `confluent_flink_statement`: `flinkStatementUpdate` (internal/provider/resource_flink_statement.go) fails when
 *   anything but `stopped`, `properties_sensitive`, `principal` and `compute_pool` changes, e.g. `properties`,
 *   `credentials` (another API key) or `statement_name` ("... attribute must be updated for Flink Statement").
 * - `confluent_connector`: `connectorUpdate` (resource_connector.go) fails when `config_nonsensitive.name`
 *   changes ("name" attribute cannot be updated).
 *
 * Works on raw and redacted plan JSON: redaction marks a sensitive value that changed (review/redact.ts), and a
 * value only known after apply (a key not yet created) is marked in `after_unknown`.
 */
import { actionOf, type PlanJson, type ResourceChange } from "./plan";

/** What an update of a statement may change (flinkStatementUpdate's HasChangesExcept list). */
const STATEMENT_UPDATABLE = new Set(["stopped", "properties_sensitive", "principal", "compute_pool"]);
/** Set by the provider or by Terraform itself, never sent as a change. */
const NOT_CONFIGURED = new Set(["id", "latest_offsets", "latest_offsets_timestamp", "timeouts"]);

type Json = unknown;
const same = (a: Json, b: Json) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const anyUnknown = (mark: Json): boolean =>
  mark === true || (!!mark && typeof mark === "object" && Object.values(mark).some(anyUnknown));
const record = (v: Json): Record<string, Json> => (v && typeof v === "object" ? (v as Record<string, Json>) : {});

/** Top-level attributes an update changes, known or not yet known (what the provider's HasChange sees). */
export function changedAttributes(rc: ResourceChange): string[] {
  const before = record(rc.change.before);
  const after = record(rc.change.after);
  const unknown = record(rc.change.after_unknown);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])];
  return keys.filter((k) => !NOT_CONFIGURED.has(k) && (anyUnknown(unknown[k]) || !same(before[k], after[k]))).sort();
}

function describeStatementChange(rc: ResourceChange, attribute: string): string {
  const before = record(rc.change.before);
  const after = record(rc.change.after);
  if (attribute === "credentials")
    return anyUnknown(record(rc.change.after_unknown).credentials)
      ? "`credentials` (an API key created by this apply)"
      : "`credentials` (another API key)";
  if (attribute === "properties") {
    const was = record(before.properties);
    const now = record(after.properties);
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((k) => !same(was[k], now[k])).sort();
    return `\`properties\` (${keys.map((k) => `${k}: ${JSON.stringify(was[k] ?? null)} -> ${JSON.stringify(now[k] ?? null)}`).join("; ")})`;
  }
  if (attribute === "statement_name")
    return `\`statement_name\` (${JSON.stringify(before.statement_name)} -> ${JSON.stringify(after.statement_name ?? "(known after apply)")})`;
  return `\`${attribute}\``;
}

function statementFailure(rc: ResourceChange): string | undefined {
  const refused = changedAttributes(rc).filter((a) => !STATEMENT_UPDATABLE.has(a));
  if (refused.length === 0) return undefined;
  const name = record(rc.change.before).statement_name;
  return (
    `\`${rc.address}\` (statement \`${name}\`) would change ${refused.map((a) => describeStatementChange(rc, a)).join(", ")} in place: ` +
    "the provider plans this as an update and fails at apply (a statement may change only stopped, properties_sensitive, principal and compute_pool). " +
    "Declare a new statement that carries the offsets over instead (a filter version bump, or a new flink.apiKeyGeneration for a new key, then `npm run statements:lock`)."
  );
}

function connectorFailure(rc: ResourceChange): string | undefined {
  const name = (v: Json) => record(record(v).config_nonsensitive).name;
  const unknownName = anyUnknown(record(record(rc.change.after_unknown).config_nonsensitive).name);
  if (!unknownName && same(name(rc.change.before), name(rc.change.after))) return undefined;
  return (
    `\`${rc.address}\` would rename connector \`${name(rc.change.before)}\` to \`${unknownName ? "(known after apply)" : name(rc.change.after)}\` in place: ` +
    "the provider plans this as an update and fails at apply (a connector's name cannot be updated). " +
    "Rename it through `source.connectorName` and `npm run statements:lock`: the stack then replaces the connector, which continues from the replication slot."
  );
}

const RULES: Record<string, (rc: ResourceChange) => string | undefined> = {
  confluent_flink_statement: statementFailure,
  confluent_connector: connectorFailure,
};

/** One message per resource whose planned in-place update Confluent refuses at apply. */
export function applyTimeFailures(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => actionOf(rc.change.actions) === "update" && RULES[rc.type])
    .map((rc) => RULES[rc.type](rc))
    .filter((m): m is string => m !== undefined)
    .sort();
}
