import { evaluateCondition, filterMatches, jsonValue, parseJavaDouble, routeEvent } from "../../filters/evaluate";
import { loadFilters } from "../../filters/load";
import { filterEntry, filtersYaml, parse } from "../support/helpers";

const eventData = (entityType: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventHeader: { uuid: "0a1b2c3d-1111", eventType: "X" },
    eventBody: { entities: [{ entityType, entityId: "1", updatedAttributes: extra }] },
  });
const event = (over: Record<string, unknown> = {}) => ({
  id: "1",
  event_name: "Loan created",
  event_type: "LoanCreated",
  created_date: "2024-05-01T00:00:00Z",
  saved_date: "2024-05-01T00:00:01Z",
  event_data: eventData("Loan", { amount: 1500 }),
  __op: "c",
  __table: "business_events",
  __ts_ms: 1714521600000,
  ...over,
});
const cond = (c: string) => parse(filtersYaml(filterEntry("f", `      - ${c}`))).filters[0];
const tri = (c: string, e: Record<string, unknown>) => evaluateCondition(cond(c).condition!, e);

describe("reference evaluator", () => {
  test("routes the default filters by type and operation", () => {
    const set = loadFilters("filters/filters.yaml");
    expect(routeEvent(set, "dev", event())).toEqual(["filtered-loan-created-events"]);
    expect(routeEvent(set, "dev", event({ __op: "r" }))).toEqual(["filtered-loan-created-events"]);
    expect(routeEvent(set, "dev", event({ __op: "u" }))).toEqual([]);
    expect(
      routeEvent(set, "dev", event({ event_type: "LoanPaymentSubmitted", event_data: eventData("LoanPayment") })),
    ).toEqual(["filtered-loan-payment-submitted-events"]);
    expect(
      routeEvent(set, "dev", event({ event_type: "Other", event_data: eventData("ServiceRecord"), __op: "u" })),
    ).toEqual(["filtered-service-events"]);
  });

  test("JSON_VALUE semantics: scalars as text, NULL for missing, null, objects, arrays, bad JSON", () => {
    const doc = JSON.stringify({ a: { b: [1, { c: true }], s: "x", n: null, o: {} } });
    expect(jsonValue(doc, ["a", "b", 0])).toBe("1");
    expect(jsonValue(doc, ["a", "b", 1, "c"])).toBe("true");
    expect(jsonValue(doc, ["a", "s"])).toBe("x");
    expect(jsonValue(doc, ["a", "n"])).toBeNull();
    expect(jsonValue(doc, ["a", "o"])).toBeNull();
    expect(jsonValue(doc, ["a", "b"])).toBeNull();
    expect(jsonValue(doc, ["a", "b", 5])).toBeNull();
    expect(jsonValue(doc, ["zz"])).toBeNull();
    expect(jsonValue("{not json", ["a"])).toBeNull();
    expect(jsonValue(null, ["a"])).toBeNull();
  });

  test("three-valued logic: a missing value is UNKNOWN, NOT UNKNOWN is UNKNOWN, only TRUE routes", () => {
    const missing = event({ event_data: "{}" });
    expect(tri("{ field: event_data.x, op: equals, value: a }", missing)).toBeNull();
    expect(tri("{ field: event_data.x, op: notEquals, value: a }", missing)).toBeNull();
    expect(tri("{ field: event_data.x, op: notIn, values: [a] }", missing)).toBeNull();
    expect(tri("{ field: event_data.x, op: isNull }", missing)).toBe(true);
    const f = parse(filtersYaml(filterEntry("f", "      not: { field: event_data.x, op: equals, value: a }")))
      .filters[0];
    expect(evaluateCondition(f.condition!, missing)).toBeNull();
    expect(filterMatches(f, missing)).toBe(false);
    const anyTrue = parse(
      filtersYaml(
        filterEntry(
          "f",
          "      any: [{ field: event_data.x, op: equals, value: a }, { field: id, op: equals, value: '1' }]",
        ),
      ),
    ).filters[0];
    expect(filterMatches(anyTrue, missing)).toBe(true);
  });

  test("numbers: TRY_CAST text to double; non-numbers are NULL", () => {
    const withAmount = (amount: unknown) => event({ event_data: eventData("Loan", { amount }) });
    const gt =
      '{ field: "event_data.eventBody.entities[0].updatedAttributes.amount", op: greaterThan, type: number, value: 1000 }';
    expect(tri(gt, withAmount(1500))).toBe(true);
    expect(tri(gt, withAmount("1500.5"))).toBe(true);
    expect(tri(gt, withAmount(1000))).toBe(false);
    expect(tri(gt, withAmount("lots"))).toBeNull();
    expect(tri(gt, withAmount(true))).toBeNull();
    expect(parseJavaDouble(" 1e3 ")).toBe(1000);
    expect(parseJavaDouble("2d")).toBe(2);
    expect(parseJavaDouble("0x10")).toBeNull();
    expect(tri("{ field: __ts_ms, op: between, min: 1, max: 1714521600000 }", event())).toBe(true);
  });

  test("text operators are literal (no wildcard leaks) and strings compare by code point", () => {
    expect(tri("{ field: event_name, op: contains, value: '%' }", event())).toBe(false);
    expect(tri("{ field: event_name, op: contains, value: 'n c' }", event())).toBe(true);
    expect(tri("{ field: event_name, op: startsWith, value: Loan }", event())).toBe(true);
    expect(tri("{ field: event_name, op: endsWith, value: created }", event())).toBe(true);
    expect(tri("{ field: event_name, op: matches, value: 'an c' }", event())).toBe(true);
    // Values stay below U+D800 (validator), where code point and UTF-16 order agree whatever the event holds:
    // U+FF21 and U+1F600 both sort after U+D7A3 either way.
    expect(tri("{ field: event_name, op: lessThan, value: '힣' }", event({ event_name: "가" }))).toBe(true);
    expect(tri("{ field: event_name, op: lessThan, value: '힣' }", event({ event_name: "Ａ" }))).toBe(false);
    expect(tri("{ field: event_name, op: lessThan, value: '힣' }", event({ event_name: "😀" }))).toBe(false);
  });
});
