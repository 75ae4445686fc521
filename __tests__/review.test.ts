/** Review tooling: plan summary, destructive-change guard, SQL diff, routing diagram, and the rendered comment. */
import { loadFilters } from "../filters/load";
import type { FilterSet } from "../filters/model";
import { renderReview, COMMENT_MARKER } from "../review/comment";
import { filterChanges, routingDiagram } from "../review/diagram";
import { destructiveChanges } from "../review/guard";
import { actionOf, parsePlan, PlanFormatError } from "../review/plan";
import { sensitiveValues } from "../review/redact";
import { sqlDiff } from "../review/sql-diff";
import { renderSummary, summarizePlan } from "../review/summarize";
import { CANARY, carryOverPlan, createPlan, destructivePlan } from "./fixtures/plans";

const head = loadFilters("filters/filters.yaml");
/** The head set with loan-created bumped to v2 (a new condition) and car-created removed. */
function changedSet(): FilterSet {
  const filters = head.filters
    .filter((f) => f.name !== "car-created")
    .map((f) => (f.name === "loan-created" ? { ...f, version: 2 } : f));
  return { ...head, filters };
}

describe("plan summary", () => {
  test("actions map to one word", () => {
    expect([["create"], ["update"], ["delete", "create"], ["create", "delete"], ["delete"], ["no-op"], ["read"]].map(actionOf)).toEqual(["create", "update", "replace", "replace", "delete", "no-op", "read"]);
  });

  test("counts and groups by kind, skipping no-ops", () => {
    const s = summarizePlan(createPlan);
    expect(s.counts).toEqual({ create: 6, update: 0, replace: 0, delete: 0, import: 0 });
    expect([...s.byKind.keys()].sort()).toEqual(["connector", "database", "identity", "secrets", "statements", "topics"]);
    expect(renderSummary("dev", summarizePlan(destructivePlan))).toContain("**dev**: 0 to create, 1 to update, 1 to replace, 1 to delete");
  });

  test("rejects what is not plan JSON, saying what to pass", () => {
    expect(() => parsePlan("not json", "dev.plan.json")).toThrow(PlanFormatError);
    expect(() => parsePlan('{"planned_values":{}}', "dev.plan.json")).toThrow(/format_version 1.x/);
  });
});

describe("destructive-change guard", () => {
  test("names replaced statements without carry-over and deleted topics; an update is fine", () => {
    expect(destructiveChanges(destructivePlan)).toEqual([
      { address: "confluent_flink_statement.routing_route-loan-created_77889900", type: "confluent_flink_statement", action: "replace" },
      { address: "confluent_kafka_topic.topics_car-created_44556677", type: "confluent_kafka_topic", action: "delete" },
    ]);
  });

  test("carry-over and the clean-up of a stopped statement are safe", () => {
    expect(destructiveChanges(carryOverPlan)).toEqual([]);
    expect(destructiveChanges(createPlan)).toEqual([]);
  });

  test("the comment fails the check without opt-in and names the resources; the opt-in passes", () => {
    const blocked = renderReview({ stages: [{ stage: "dev", plan: destructivePlan }], head, optedIn: false });
    expect([...blocked.blocking.keys()]).toEqual(["dev"]);
    expect(blocked.markdown).toContain("need an explicit opt-in (label `allow-destructive`");
    expect(blocked.markdown).toContain("`confluent_kafka_topic.topics_car-created_44556677` (confluent_kafka_topic) would be **deleted**");
    const allowed = renderReview({ stages: [{ stage: "dev", plan: destructivePlan }], head, optedIn: true });
    expect(allowed.blocking.size).toBe(0);
  });
});

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
    expect([...filterChanges(head.filters, changedSet().filters)].filter(([, c]) => c !== "same")).toEqual([["loan-created", "changed"], ["car-created", "removed"]]);
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
});

describe("no secret reaches the comment", () => {
  test("sensitive variables, attributes and outputs are collected", () => {
    expect([...sensitiveValues(createPlan)].sort()).toEqual([CANARY, `${CANARY}-db`, `${CANARY}-out`]);
  });

  test("a canary planted in the plan's sensitive values never appears in the rendered comment", () => {
    // Make the canary show up in rendered text too: as a statement's SQL, which the comment does not print
    // today; redaction must hold even if a later change starts printing attributes.
    const leaky = { ...createPlan, resource_changes: [...createPlan.resource_changes!, { ...createPlan.resource_changes![1], address: `confluent_flink_statement.${CANARY}` }] };
    const { markdown } = renderReview({ stages: [{ stage: "dev", plan: leaky }, { stage: "staging" }], base: head, head: changedSet(), optedIn: false });
    expect(markdown.startsWith(COMMENT_MARKER)).toBe(true);
    expect(markdown).not.toContain(CANARY.slice(0, 12));
    expect(markdown).toContain("confluent_flink_statement.(sensitive)");
    expect(markdown).toContain("**staging**: plan not run");
  });
});
