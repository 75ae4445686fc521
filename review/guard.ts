/**
 * Destructive-change guard: deleting or replacing a Kafka cluster, a topic, the CDC connector or a Flink
 * statement loses data or replays it. Such a plan fails unless the pull request opts in explicitly. A statement
 * that is replaced by one starting from its offsets (carry-over, `sql.tables.initial-offset-from`) is safe, and so
 * is a connector replaced by one that continues from the same replication slot without a snapshot.
 */
import { CARRY_OVER_PROPERTY } from "../lock/evolution";
import { applyTimeFailures } from "./apply-time-rules";
import { actionOf, type PlanJson } from "./plan";

const GUARDED_TYPES = new Set([
  "confluent_kafka_cluster",
  "confluent_kafka_topic",
  "confluent_connector",
  "confluent_flink_statement",
]);

export interface DestructiveChange {
  address: string;
  type: string;
  action: "delete" | "replace";
}

function statementName(value: unknown): string | undefined {
  const name = (value as { statement_name?: unknown } | null)?.statement_name;
  return typeof name === "string" ? name : undefined;
}

/** Statement names that a new statement in this plan carries offsets over from. */
function carriedOver(plan: PlanJson): Set<string> {
  const names = new Set<string>();
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== "confluent_flink_statement" || actionOf(rc.change.actions) !== "create") continue;
    const from = (rc.change.after as { properties?: Record<string, string> } | null)?.properties?.[CARRY_OVER_PROPERTY];
    if (from) names.add(from);
  }
  return names;
}

/**
 * A connector replaced by one that streams from the same replication slot without a snapshot (a rename, see
 * lock/connector-lock.ts) loses nothing and replays nothing: the slot kept the WAL in between.
 */
function continuesFromSlot(before: unknown, after: unknown): boolean {
  const slot = slotOf(before);
  return slot !== undefined && slotOf(after) === slot && connectorSetting(after, "snapshot.mode") === "no_data";
}

/** A connector's nonsensitive setting in a plan's before or after value, when it is text. */
function connectorSetting(value: unknown, key: string): string | undefined {
  const setting = (value as { config_nonsensitive?: Record<string, unknown> } | null)?.config_nonsensitive?.[key];
  return typeof setting === "string" ? setting : undefined;
}

const slotOf = (value: unknown): string | undefined => connectorSetting(value, "slot.name");

export function destructiveChanges(plan: PlanJson): DestructiveChange[] {
  const safe = carriedOver(plan);
  const found: DestructiveChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = actionOf(rc.change.actions);
    if ((action !== "delete" && action !== "replace") || !GUARDED_TYPES.has(rc.type)) continue;
    // Safe: the clean-up of a statement already stopped, or a replaced one whose offsets a new one carries over.
    // Deleting a running one never is, carry-over or not: its successor would start from a statement that is
    // gone (a change applied after its predecessor's retention ran out leaves that predecessor out).
    const stoppedBefore = (rc.change.before as { stopped?: boolean } | null)?.stopped === true;
    if (
      rc.type === "confluent_flink_statement" &&
      (action === "delete" ? stoppedBefore : safe.has(statementName(rc.change.before) ?? ""))
    )
      continue;
    if (
      rc.type === "confluent_connector" &&
      action === "replace" &&
      continuesFromSlot(rc.change.before, rc.change.after)
    )
      continue;
    found.push({ address: rc.address, type: rc.type, action });
  }
  return found.sort((a, b) => a.address.localeCompare(b.address));
}

export const OPT_IN_LABEL = "allow-destructive";

function guardLead(stage: string, optedIn: boolean): string {
  return optedIn
    ? `${stage}: destructive changes allowed by the \`${OPT_IN_LABEL}\` opt-in`
    : `${stage}: destructive changes need an explicit opt-in (label \`${OPT_IN_LABEL}\` on the pull request)`;
}

const verb = (action: DestructiveChange["action"]) => (action === "delete" ? "deleted" : "replaced");

export function guardMessage(stage: string, changes: readonly DestructiveChange[], optedIn: boolean): string {
  if (changes.length === 0) return `${stage}: no destructive changes.`;
  const list = changes.map((c) => `- \`${c.address}\` (${c.type}) would be **${verb(c.action)}**`).join("\n");
  return `${guardLead(stage, optedIn)}:\n${list}`;
}

/**
 * The same changes in fewer characters, for a review that must fit a size limit: one line per resource type and
 * action naming every resource (its address without the type). `sameAs`: an earlier stage with exactly these
 * changes, which lists them.
 */
export function compactGuardMessage(
  stage: string,
  changes: readonly DestructiveChange[],
  optedIn: boolean,
  sameAs?: string,
): string {
  if (changes.length === 0) return `${stage}: no destructive changes.`;
  if (sameAs) return `${guardLead(stage, optedIn)}: the same ${changes.length} as ${sameAs}, listed there.`;
  const groups = new Map<string, DestructiveChange[]>();
  for (const c of changes) groups.set(`${c.type} ${c.action}`, [...(groups.get(`${c.type} ${c.action}`) ?? []), c]);
  const lines = [...groups.values()].map(
    (group) =>
      `- ${group.length} \`${group[0].type}\` would be **${verb(group[0].action)}**: ${group.map((c) => `\`${c.address.slice(c.type.length + 1)}\``).join(", ")}`,
  );
  return `${guardLead(stage, optedIn)}:\n${lines.join("\n")}`;
}

/**
 * Connectors a plan deletes while their replication slot stays declared and no remaining connector reads it: an
 * unread logical slot keeps every WAL segment until the database's disk is full. No opt-in allows this; the fix
 * is to drop the slot in the same change or keep the connector. (A renamed connector is a replacement that reads
 * the same slot, so it is not one of these.)
 */
export function slotsLeftBehind(plan: PlanJson): string[] {
  const keptSlots = new Map<string, string>();
  const readers = new Set<string>();
  const deleted: Array<{ address: string; slot: string }> = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = actionOf(rc.change.actions);
    if (rc.type === "postgresql_replication_slot" && action !== "delete") {
      const name = (rc.change.after as { name?: unknown } | null)?.name;
      if (typeof name === "string") keptSlots.set(name, rc.address);
    }
    if (rc.type !== "confluent_connector") continue;
    if (action === "delete") {
      const slot = slotOf(rc.change.before);
      if (slot) deleted.push({ address: rc.address, slot });
    } else {
      const slot = slotOf(rc.change.after);
      if (slot) readers.add(slot);
    }
  }
  return deleted
    .filter((d) => keptSlots.has(d.slot) && !readers.has(d.slot))
    .map(
      (d) =>
        `\`${d.address}\` would be deleted while replication slot \`${d.slot}\` (\`${keptSlots.get(d.slot)}\`) stays with nothing reading it: ` +
        "an unread slot keeps every WAL segment until the database's disk is full. Remove the slot in the same change, or keep the connector.",
    )
    .sort();
}

/** What no opt-in allows: a replication slot left unread, and in-place updates Confluent refuses at apply. */
export function refusedChanges(plan: PlanJson): string[] {
  return [...slotsLeftBehind(plan), ...applyTimeFailures(plan)];
}
