/** Plan summary per stage: counts by action and the changes grouped by kind, as Markdown. */
import { CARRY_OVER_PROPERTY } from "../lock/evolution";
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

/** `**dev**: 1 to create, …` (and `. No changes.` when there are none). */
export function countsLine(stage: string, s: PlanSummary): string {
  const c = s.counts;
  const imports = c.import > 0 ? `, ${c.import} to import` : "";
  const head = `**${stage}**: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete${imports}`;
  return c.create + c.update + c.replace + c.delete + c.import === 0 ? `${head}. No changes.` : head;
}

export const RESOURCE_TABLE_HEAD = ["| kind | action | resource |", "| --- | --- | --- |"];

/** One table row per changed resource, by kind, then address. */
export function resourceRows(s: PlanSummary): string[] {
  return KIND_ORDER.flatMap((kind) =>
    (s.byKind.get(kind) ?? []).map((r) => `| ${kind} | \`${ACTION_ICON[r.action]}\` | \`${r.address}\` |`),
  );
}

/** The changes counted by kind and action: a few lines at any size. */
export function renderKindCounts(s: PlanSummary): string {
  const actions = (Object.keys(ACTION_ICON) as ChangeRow["action"][]).filter(
    (a) => a !== "import" || s.counts.import > 0,
  );
  const rows = KIND_ORDER.filter((kind) => s.byKind.has(kind)).map((kind) => {
    const rowsOfKind = s.byKind.get(kind) ?? [];
    return `| ${kind} | ${actions.map((a) => rowsOfKind.filter((r) => r.action === a).length).join(" | ")} |`;
  });
  return [
    `| kind | ${actions.map((a) => `\`${ACTION_ICON[a]}\``).join(" | ")} |`,
    `| --- |${actions.map(() => " ---: |").join("")}`,
    ...rows,
  ].join("\n");
}

export function renderSummary(stage: string, s: PlanSummary): string {
  const head = countsLine(stage, s);
  const rows = resourceRows(s);
  return rows.length === 0 ? head : [head, "", ...RESOURCE_TABLE_HEAD, ...rows].join("\n");
}

/**
 * Each Flink statement the plan creates, changes or deletes, with what matters for review: the statement it
 * carries offsets over from, or that it stops.
 */
export function statementChanges(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.type === "confluent_flink_statement")
    .flatMap((rc) => {
      const planned = actionOf(rc.change.actions);
      const action = planned === "no-op" && rc.change.importing ? "import" : planned;
      if (action === "no-op" || action === "read") return [];
      const before = (rc.change.before ?? {}) as { stopped?: boolean };
      const after = (rc.change.after ?? {}) as { stopped?: boolean; properties?: Record<string, string> };
      const from = action !== "delete" ? after.properties?.[CARRY_OVER_PROPERTY] : undefined;
      const notes = [
        ...(from ? [`offsets carried over from \`${from}\``] : []),
        ...(before.stopped === false && after.stopped === true ? ["stops"] : []),
        ...(before.stopped === true && after.stopped === false ? ["starts again"] : []),
        ...(action === "delete" && before.stopped === true ? ["already stopped"] : []),
      ];
      return [`- \`${ACTION_ICON[action]}\` \`${rc.address}\`${notes.length ? `: ${notes.join(", ")}` : ""}`];
    })
    .sort();
}
