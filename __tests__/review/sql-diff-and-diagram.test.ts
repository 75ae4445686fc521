/**
 * The review's SQL diff (review/sql-diff.ts) and routing diagram (review/diagram.ts) between two filter sets. The
 * summary, guard, comment and redaction on confluent plans are tested on real plans made by the confluent
 * provider against the local API double (e2e/review-confluent-plans.e2e.ts).
 */
import { loadFilters } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { filterChanges, routingDiagram } from "../../review/diagram";
import { sqlDiff } from "../../review/sql-diff";

const head = loadFilters("filters/filters.yaml");
/** The head set with loan-created bumped to v2 (its version only, its condition unchanged) and car-created removed. */
function changedSet(): FilterSet {
  const filters = head.filters
    .filter((f) => f.name !== "car-created")
    .map((f) => (f.name === "loan-created" ? { ...f, version: 2 } : f));
  return { ...head, filters };
}

describe("SQL diff and diagram", () => {
  test("unchanged filters: no diff", () => {
    expect(sqlDiff(head, head, "dev")).toBe("");
  });

  test("a version bump and a removal show as readable SQL lines", () => {
    const diff = sqlDiff(head, changedSet(), "dev");
    expect(diff).toContain("--- base/dev.sql");
    expect(diff).toContain("-INSERT INTO `filtered-car-created-events`");
    expect(diff).toContain("+-- filter loan-created v2: New loans for the loan servicing consumer.");
    expect(diff).not.toContain("\\n"); // real lines, not an escaped JSON string
  });

  test("diagram marks changed and removed filters", () => {
    expect([...filterChanges(head.filters, changedSet().filters)].filter(([, c]) => c !== "same")).toEqual([
      ["loan-created", "changed"],
      ["car-created", "removed"],
    ]);
    const mermaid = routingDiagram(head, changedSet(), "dev");
    expect(mermaid.split("\n")[0]).toBe("flowchart LR");
    expect(mermaid).toContain('{{"loan-created v2 (changed)"}}');
    expect(mermaid).toContain('{{"car-created v1 (removed)"}}');
    expect(mermaid).toMatch(/raw -\.-> f\d+ -\.-> t\d+/);
  });

  test("labels with quotes stay inside the node", () => {
    // The validator's name rules keep quotes out; the diagram must not rely on that.
    const set = { ...head, filters: [{ ...head.filters[0], outputTopic: 'out"x' }] };
    expect(routingDiagram(undefined, set, "dev")).toContain('t0[("out#quot;x")]');
  });

  test("several sources: each filter hangs off its own raw topic, and a filter added on a new table shows in the SQL diff", () => {
    const twoTables = loadFilters("filters/filters-two-tables.yaml");
    const base = { ...twoTables, filters: twoTables.filters.filter((f) => f.source === "raw-business-events") };
    const mermaid = routingDiagram(base, twoTables, "dev");
    expect(mermaid).toContain('raw[("raw-business-events")]');
    expect(mermaid).toContain('raw1[("raw-loan-entities")]');
    expect(mermaid).toMatch(/raw1 --> f\d+ --> t\d+/);
    expect(mermaid).toContain('{{"loan-approved v1 (added)"}}');
    expect(sqlDiff(base, twoTables, "dev")).toContain("+FROM `raw-loan-entities`");
  });
});
