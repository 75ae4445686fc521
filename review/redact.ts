/**
 * Every secret a plan carries: values of sensitive variables (the plan JSON holds them in clear) and values
 * under the before/after sensitivity masks of resources and outputs. The comment is scrubbed of all of them as
 * the last step, so no rendering bug can leak one.
 */

import type { Json } from "../lib/json";
import type { PlanJson } from "./plan";

function collectMasked(value: unknown, mask: unknown, into: Set<string>): void {
  if (mask === true) {
    collectAll(value, into);
    return;
  }
  if (mask && typeof mask === "object" && value && typeof value === "object") {
    for (const [key, sub] of Object.entries(mask as Record<string, unknown>))
      collectMasked((value as Record<string, unknown>)[key], sub, into);
  }
}

function collectAll(value: unknown, into: Set<string>): void {
  if (typeof value === "string" || typeof value === "number") into.add(String(value));
  else if (value && typeof value === "object") for (const v of Object.values(value)) collectAll(v, into);
}

export function sensitiveValues(plan: PlanJson): Set<string> {
  const found = new Set<string>();
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, v] of Object.entries(plan.variables ?? {}))
    if (declared[name]?.sensitive) collectAll(v.value, found);
  for (const rc of plan.resource_changes ?? []) {
    collectMasked(rc.change.before, rc.change.before_sensitive, found);
    collectMasked(rc.change.after, rc.change.after_sensitive, found);
  }
  for (const oc of Object.values(plan.output_changes ?? {})) {
    collectMasked(oc.before, oc.before_sensitive, found);
    collectMasked(oc.after, oc.after_sensitive, found);
  }
  const p = plan as Json;
  for (const values of [p.planned_values, p.prior_state?.values]) {
    for (const o of Object.values<Json>(values?.outputs ?? {})) if (o.sensitive) collectAll(o.value, found);
    const modules = values?.root_module ? [values.root_module] : [];
    for (const m of modules) {
      for (const r of m.resources ?? []) collectMasked(r.values, r.sensitive_values, found);
      modules.push(...(m.child_modules ?? []));
    }
  }
  // Below 4 characters a "secret" is not one (true, 0, ""), and scrubbing it would mangle the whole comment.
  return new Set([...found].filter((v) => v.length >= 4));
}

export function redact(text: string, secrets: Iterable<string>): string {
  return redactLongestFirst(text, longestFirst(secrets));
}

/** Longest first, so that a secret inside a longer one does not break the longer one's match. */
function longestFirst(secrets: Iterable<string>): string[] {
  return [...secrets].sort((a, b) => b.length - a.length);
}

function redactLongestFirst(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export const REDACTED = "(sensitive)";

type JsonValue = unknown;

/**
 * A changed sensitive value in an update's `after`. Terraform's own plan output shows that much ("(sensitive
 * value)" under a ~), and the review guard needs it: a statement's changed credentials fail at apply.
 */
export const REDACTED_CHANGED = "(sensitive, changed)";

/**
 * The value with everything its sensitivity mask marks replaced by REDACTED (any length, any type). Given the
 * value before the change (`before`), a masked value that differs from it becomes REDACTED_CHANGED.
 */
function maskValue(value: JsonValue, mask: JsonValue, before?: { value: JsonValue }): JsonValue {
  if (mask === true) {
    if (value === null || value === undefined) return value;
    return before && JSON.stringify(before.value) !== JSON.stringify(value) ? REDACTED_CHANGED : REDACTED;
  }
  if (!mask || typeof mask !== "object" || !value || typeof value !== "object") return value;
  const out: Record<string, JsonValue> | JsonValue[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, JsonValue>) };
  for (const [key, sub] of Object.entries(mask as Record<string, JsonValue>)) {
    const was = before && { value: (before.value as Record<string, JsonValue> | null | undefined)?.[key] };
    (out as Record<string, JsonValue>)[key] = maskValue((value as Record<string, JsonValue>)[key], sub, was);
  }
  return out;
}

/** A module of planned_values / prior_state.values: resources carry `sensitive_values`, outputs `sensitive`. */
function maskModule(module: Json): Json {
  if (!module) return module;
  return {
    ...module,
    resources: module.resources?.map((r: Json) => ({ ...r, values: maskValue(r.values, r.sensitive_values) })),
    child_modules: module.child_modules?.map(maskModule),
  };
}

function maskStateValues(values: Json): Json {
  if (!values) return values;
  const outputs =
    values.outputs &&
    Object.fromEntries(
      Object.entries<Json>(values.outputs).map(([name, o]) => [name, o.sensitive ? { ...o, value: REDACTED } : o]),
    );
  return { ...values, outputs, root_module: maskModule(values.root_module) };
}

function maskChange(rc: Json): Json {
  const { change } = rc;
  const before = change.before === null || change.before === undefined ? undefined : { value: change.before };
  return {
    ...rc,
    change: {
      ...change,
      before: maskValue(change.before, change.before_sensitive),
      after: maskValue(change.after, change.after_sensitive, before),
    },
  };
}

/**
 * Every string in a JSON value (keys too) passed through redact(), the secrets sorted once for the whole value (a
 * plan has thousands of strings).
 */
function redactStrings(value: JsonValue, secrets: readonly string[]): JsonValue {
  if (typeof value === "string") return redactLongestFirst(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redactLongestFirst(k, secrets), redactStrings(v, secrets)]),
    );
  }
  return value;
}

/**
 * `terraform show -json` output that is safe to upload: sensitive variables, every value under a before/after or
 * state sensitivity mask, and sensitive outputs are replaced structurally, then any copy of such a value left
 * anywhere else is scrubbed as the comment is. Actions, addresses and the rest stay for the review tools.
 */
export function redactPlan(plan: PlanJson): PlanJson {
  const p = plan as Json;
  const declared = p.configuration?.root_module?.variables ?? {};
  const masked: Json = {
    ...p,
    variables:
      p.variables &&
      Object.fromEntries(
        Object.entries<Json>(p.variables).map(([name, v]) => [
          name,
          declared[name]?.sensitive ? { ...v, value: REDACTED } : v,
        ]),
      ),
    resource_changes: p.resource_changes?.map(maskChange),
    resource_drift: p.resource_drift?.map(maskChange),
    output_changes:
      p.output_changes &&
      Object.fromEntries(
        Object.entries<Json>(p.output_changes).map(([name, oc]) => [
          name,
          { ...oc, before: maskValue(oc.before, oc.before_sensitive), after: maskValue(oc.after, oc.after_sensitive) },
        ]),
      ),
    planned_values: maskStateValues(p.planned_values),
    prior_state: p.prior_state && { ...p.prior_state, values: maskStateValues(p.prior_state.values) },
  };
  for (const key of Object.keys(masked)) if (masked[key] === undefined) delete masked[key];
  return redactStrings(masked, longestFirst(sensitiveValues(plan))) as PlanJson;
}
