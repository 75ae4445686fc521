/**
 * Every secret a plan carries: values of sensitive variables (the plan JSON holds them in clear) and values
 * under the before/after sensitivity masks of resources and outputs. The comment is scrubbed of all of them as
 * the last step, so no rendering bug can leak one.
 */
import type { PlanJson } from "./plan";

function collectMasked(value: unknown, mask: unknown, into: Set<string>): void {
  if (mask === true) {
    collectAll(value, into);
    return;
  }
  if (mask && typeof mask === "object" && value && typeof value === "object") {
    for (const [key, sub] of Object.entries(mask as Record<string, unknown>)) collectMasked((value as Record<string, unknown>)[key], sub, into);
  }
}

function collectAll(value: unknown, into: Set<string>): void {
  if (typeof value === "string" || typeof value === "number") into.add(String(value));
  else if (value && typeof value === "object") for (const v of Object.values(value)) collectAll(v, into);
}

export function sensitiveValues(plan: PlanJson): Set<string> {
  const found = new Set<string>();
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, v] of Object.entries(plan.variables ?? {})) if (declared[name]?.sensitive) collectAll(v.value, found);
  for (const rc of plan.resource_changes ?? []) {
    collectMasked(rc.change.before, rc.change.before_sensitive, found);
    collectMasked(rc.change.after, rc.change.after_sensitive, found);
  }
  for (const oc of Object.values(plan.output_changes ?? {})) {
    collectMasked(oc.before, oc.before_sensitive, found);
    collectMasked(oc.after, oc.after_sensitive, found);
  }
  // Below 4 characters a "secret" is not one (true, 0, ""), and scrubbing it would mangle the whole comment.
  return new Set([...found].filter((v) => v.length >= 4));
}

export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join("(sensitive)");
  return out;
}
