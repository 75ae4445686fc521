/** Several captured tables: the filters file's `sources:` (filters/sources.ts) and filters reading them. */
import { readFileSync } from "node:fs";
import { routeEvent } from "../../filters/evaluate";
import { parseFiltersYaml } from "../../filters/load";
import { filtersForStage, sourcesForStage } from "../../filters/model";

const TWO_TABLES = "filters/filters-two-tables.yaml";
const text = readFileSync(TWO_TABLES, "utf8");
const errorsOf = (yaml: string): string[] => {
  try {
    parseFiltersYaml(yaml, "f.yaml");
  } catch (e) {
    return [...(e as { problems: string[] }).problems];
  }
  throw new Error("expected the file to be refused");
};

describe("sources: the tables the stages capture", () => {
  const set = parseFiltersYaml(text, TWO_TABLES);

  test("each filter reads its own source; one without `source` reads the default; `stages` defaults to its source's", () => {
    expect(set.filters.map((f) => [f.name, f.source, f.stages])).toEqual([
      ["loan-created", "raw-business-events", ["dev", "staging", "prod"]],
      ["car-created", "raw-business-events", ["dev", "staging", "prod"]],
      ["loan-approved", "raw-loan-entities", ["dev"]],
      ["long-loans", "raw-loan-entities", ["dev"]],
    ]);
    expect(sourcesForStage(set, "dev").map((s) => s.rawTopic)).toEqual(["raw-business-events", "raw-loan-entities"]);
    expect(sourcesForStage(set, "prod").map((s) => s.rawTopic)).toEqual(["raw-business-events"]);
    expect(set.sources.get("raw-loan-entities")?.location).toBe(`${TWO_TABLES}:22:5`);
  });

  test("a filter's default columns are its source's fields; the evaluator routes an event only to its source's filters", () => {
    const loans = filtersForStage(set, "dev").find((f) => f.name === "loan-approved");
    expect(loans?.columns).toEqual([
      "id",
      "status",
      "amount",
      "term_months",
      "updated_at",
      "attributes",
      "__op",
      "__table",
      "__ts_ms",
    ]);
    const approved = { id: "1", status: "APPROVED", amount: 1000, __op: "c" };
    expect(routeEvent(set, "dev", approved, "raw-loan-entities")).toEqual(["filtered-loan-approved-entities"]);
    // The same fields arriving on the other raw topic reach none of the loan filters.
    expect(routeEvent(set, "dev", { ...approved, event_type: "LoanCreated" }, "raw-business-events")).toEqual([
      "filtered-loan-created-events",
    ]);
    expect(
      routeEvent(
        set,
        "dev",
        { id: "2", term_months: 72, attributes: '{"riskBand":"D"}', __op: "r" },
        "raw-loan-entities",
      ),
    ).toEqual(["filtered-long-loan-entities"]);
  });

  const BAD: Array<[string, string, string]> = [
    [
      "a source no stage captures, listing the captured ones",
      text.replace("source: loan_entities", "source: car_entities"),
      "source 'car_entities' is captured by no stage; captured: public.business_events (raw-business-events), public.loan_entities (raw-loan-entities) at f.yaml:56:13 in filter loan-approved; expected one of: public.business_events, public.loan_entities, raw-business-events, raw-loan-entities; or declare the table under sources:",
    ],
    [
      "a field of another table, against the filter's own source",
      text.replace(
        "{ field: status, op: equals, value: APPROVED }",
        "{ field: event_type, op: equals, value: APPROVED }",
      ),
      "unknown field 'event_type': public.loan_entities has no such column at f.yaml:62:20 in filter loan-approved; expected one of: id, status, amount, term_months, updated_at, attributes, __op, __table, __ts_ms; JSON fields are written attributes.<path>",
    ],
    [
      "a JSON path into a column that is not json",
      text.replace("field: attributes.riskBand", "field: status.riskBand"),
      "field 'status.riskBand': column status of public.loan_entities is string, not json, so it has no JSON path at f.yaml:76:20 in filter long-loans; JSON columns of public.loan_entities: attributes",
    ],
    [
      "two tables mapped to one raw topic",
      text.replace("    stages: [dev]\n", "    topic: raw-business-events\n    stages: [dev]\n"),
      "tables public.business_events and public.loan_entities are both routed to raw topic raw-business-events at f.yaml:21:12; each table needs its own raw topic (its value schema is the table's): set 'topic' of public.loan_entities, e.g. raw-loan-entities",
    ],
    [
      "a table listed twice",
      text.replace(
        "\nfilters:\n",
        "\n  - table: business_events\n    columns: [{ name: id, type: string }]\nfilters:\n",
      ),
      "table public.business_events is listed twice (first as source 1) at f.yaml:30:12; list each table once; give it every stage that captures it under 'stages'",
    ],
    [
      "a filter deployed to a stage that does not capture its source",
      text.replace("    source: loan_entities\n", "    source: loan_entities\n    stages: [dev, prod]\n"),
      "stage prod does not capture public.loan_entities, the source of filter 'loan-approved' (captured in: dev) at f.yaml:57:19 in filter loan-approved; add prod to the source's stages under sources:, or remove it from this filter's stages",
    ],
    [
      "a column of an unknown type",
      text.replace("{ name: amount, type: float64 }", "{ name: amount, type: numeric }"),
      'column amount of public.loan_entities: unknown type "numeric" at f.yaml:25:31; expected one of: string, int32, int64, boolean, float64, json (the type the connector emits: text -> string, integer -> int32, bigint -> int64, boolean, double precision -> float64, json/jsonb -> json)',
    ],
    [
      "a float64 column compared as text (Flink spells 12 as 12.0)",
      text.replace(
        "{ field: amount, op: greaterThanOrEqual, value: 1000 }",
        "{ field: amount, op: endsWith, type: string, value: '12' }",
      ),
      "field 'amount' of public.loan_entities is float64: as text it reads the way Java prints a double (12.0 for 12, 1.0E21), so 'endsWith' on it would route by that spelling at f.yaml:63:48 in filter loan-approved; compare it as a number: drop 'type: string' and give a number",
    ],
  ];
  test.each(BAD)("%s: one clear error at its line and column", (_, yaml, expected) => {
    expect(errorsOf(yaml)).toEqual([expected]);
  });

  test("integer columns may be compared as text: Java and JavaScript print integers alike", () => {
    const yaml = text.replace(
      "{ field: term_months, op: greaterThan, value: 60 }",
      "{ field: term_months, op: startsWith, type: string, value: '6' }",
    );
    expect(() => parseFiltersYaml(yaml, "f.yaml")).not.toThrow();
  });
});
