/**
 * Mermaid routing diagram: raw topics -> filter -> consumer topic, with added, changed and removed filters marked.
 * Each filter hangs off its own source's raw topic.
 */
import type { Filter, FilterSet } from "../filters/model";
import { filtersForStage } from "../filters/model";
import { getOrThrow } from "../lib/maps";

export type FilterChange = "added" | "changed" | "removed" | "same";

export function filterChanges(base: readonly Filter[], head: readonly Filter[]): Map<string, FilterChange> {
  const before = new Map(base.map((f) => [f.name, JSON.stringify(f)]));
  const changes = new Map<string, FilterChange>();
  for (const f of head)
    changes.set(f.name, !before.has(f.name) ? "added" : before.get(f.name) === JSON.stringify(f) ? "same" : "changed");
  for (const f of base) if (!changes.has(f.name)) changes.set(f.name, "removed");
  return changes;
}

const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

export function routingDiagram(base: FilterSet | undefined, head: FilterSet, stage: string): string {
  const headFilters = filtersForStage(head, stage);
  const baseFilters = base ? filtersForStage(base, stage) : [];
  const changes = filterChanges(baseFilters, headFilters);
  const shown = [...headFilters, ...baseFilters.filter((f) => changes.get(f.name) === "removed")];
  const topics = [...new Set(shown.map((f) => f.outputTopic))];
  const sources = [...new Set([head.sourceTopic, ...shown.map((f) => f.source)])];
  const sourceNode = (topic: string) => (sources.indexOf(topic) === 0 ? "raw" : `raw${sources.indexOf(topic)}`);
  const lines = ["flowchart LR", ...sources.map((s) => `  ${sourceNode(s)}[(${label(s)})]`)];
  topics.forEach((t, i) => {
    lines.push(`  t${i}[(${label(t)})]`);
  });
  shown.forEach((f, i) => {
    const change = getOrThrow(changes, f.name);
    const note = change === "same" ? "" : ` (${change})`;
    lines.push(`  f${i}{{${label(`${f.name} v${f.version}${note}`)}}}`);
    lines.push(
      `  ${sourceNode(f.source)} ${change === "removed" ? "-.->" : "-->"} f${i} ${change === "removed" ? "-.->" : "-->"} t${topics.indexOf(f.outputTopic)}`,
    );
    if (change !== "same") lines.push(`  class f${i} ${change}`);
  });
  lines.push(
    "  classDef added fill:#d4f7d4,stroke:#2e7d32",
    "  classDef changed fill:#fff3b0,stroke:#b38600",
    "  classDef removed fill:#fde0e0,stroke:#c62828,stroke-dasharray: 4 2",
  );
  return lines.join("\n");
}
