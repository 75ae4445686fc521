/**
 * Review tooling on its own inputs: action words, plan format errors, kinds, SQL diff and routing diagram. The
 * summary, guard, comment and redaction on confluent plans are tested on real plans made by the confluent
 * provider against the local API double (e2e/review-confluent-plans.e2e.ts).
 */
import { loadFilters } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { filterChanges, routingDiagram } from "../../review/diagram";
import { actionOf, kindOf, parsePlan, PlanFormatError } from "../../review/plan";
import { sqlDiff } from "../../review/sql-diff";

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

  test("resource types map to the kinds a reviewer groups by", () => {
    const types = ["confluent_kafka_topic", "confluent_flink_statement", "confluent_connector", "confluent_environment", "confluent_role_binding", "postgresql_role", "aws_secretsmanager_secret", "aws_s3_bucket"];
    expect(types.map(kindOf)).toEqual(["topics", "statements", "connector", "cluster", "identity", "database", "secrets", "other"]);
  });

  test("rejects what is not plan JSON, saying what to pass", () => {
    expect(() => parsePlan("not json", "dev.plan.json")).toThrow(PlanFormatError);
    expect(() => parsePlan('{"planned_values":{}}', "dev.plan.json")).toThrow(/format_version 1.x/);
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
