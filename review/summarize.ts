/** Plan summary per stage: counts by action and the changes grouped by kind, as Markdown. */
import { type Action, actionOf, type Kind, kindOf, type PlanJson } from "./plan";

export interface ChangeRow {
  address: string;
  type: string;
  /** import: adopted into state with no other change (e.g. a kept, stopped Flink statement missing from state). */
  action: Exclude<Action, "no-op" | "read"> | "import";
}

export interface PlanSummary {
  counts: Record<ChangeRow["action"], number>;
  byKind: Map<Kind, ChangeRow[]>;
}

const KIND_ORDER: Kind[] = ["topics", "statements", "connector", "cluster", "identity", "database", "secrets", "other"];
const ACTION_ICON: Record<ChangeRow["action"], string> = {
  create: "+ create",
  update: "~ update",
  replace: "-/+ replace",
  delete: "- delete",
  import: "<= import",
};

export function summarizePlan(plan: PlanJson): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, import: 0 };
  const byKind = new Map<Kind, ChangeRow[]>();
  for (const rc of plan.resource_changes ?? []) {
    const planned = actionOf(rc.change.actions);
    const action = planned === "no-op" && rc.change.importing ? "import" : planned;
    if (action === "no-op" || action === "read") continue;
    counts[action]++;
    const kind = kindOf(rc.type);
    byKind.set(kind, [...(byKind.get(kind) ?? []), { address: rc.address, type: rc.type, action }]);
  }
  for (const rows of byKind.values()) rows.sort((a, b) => a.address.localeCompare(b.address));
  return { counts, byKind };
}

export function renderSummary(stage: string, s: PlanSummary): string {
  const c = s.counts;
  const imports = c.import > 0 ? `, ${c.import} to import` : "";
  const head = `**${stage}**: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete${imports}`;
  if (c.create + c.update + c.replace + c.delete + c.import === 0) return `${head}. No changes.`;
  const rows = KIND_ORDER.flatMap((kind) =>
    (s.byKind.get(kind) ?? []).map((r) => `| ${kind} | \`${ACTION_ICON[r.action]}\` | \`${r.address}\` |`),
  );
  return [head, "", "| kind | action | resource |", "| --- | --- | --- |", ...rows].join("\n");
}
