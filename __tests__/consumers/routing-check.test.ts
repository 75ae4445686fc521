/** The verify tool's comparison of routed ids (consumers/routing-check.ts) and its sample events. */
import { compareRouting, describeDifferences, expectedRouting, mergedRouting } from "../../consumers/routing-check";
import { sampleEvents, setPath } from "../../consumers/sample-events";
import { routeEvent } from "../../filters/evaluate";
import { loadFilters } from "../../filters/load";

const filters = loadFilters("filters/filters.yaml");

describe("routing comparison", () => {
  test("missing, extra and duplicated ids per topic", () => {
    const expected = new Map([
      ["a", ["1", "2"]],
      ["b", []],
    ]);
    const actual = new Map([
      ["a", ["2", "2", "3"]],
      ["b", []],
    ]);
    const differences = compareRouting(expected, actual);
    expect(differences).toEqual([{ topic: "a", missing: ["1"], extra: ["3"], duplicated: ["2"] }]);
    expect(describeDifferences(differences)).toBe("a:\n  missing 1: 1\n  extra 1: 3\n  duplicated 1: 2");
    expect(compareRouting(expected, new Map([["a", ["2", "1"]]]))).toEqual([]);
  });

  test("an id captured twice may arrive twice, not three times", () => {
    const expected = new Map([["a", ["1", "1", "2"]]]);
    expect(compareRouting(expected, new Map([["a", ["1", "2", "1"]]]))).toEqual([]);
    expect(compareRouting(expected, new Map([["a", ["1", "1", "1", "2"]]]))).toEqual([
      { topic: "a", missing: [], extra: [], duplicated: ["1"] },
    ]);
  });

  test("expectations of several raw topics merge per output topic", () => {
    const twoTables = loadFilters("filters/filters-two-tables.yaml");
    const loan = { id: "l-1", status: "APPROVED", amount: 1000, term_months: 61, __op: "c" };
    const fromLoans = expectedRouting(twoTables, "dev", [loan], "raw-loan-entities");
    // The same row read from the default raw topic is judged by that topic's filters only.
    const fromEvents = expectedRouting(twoTables, "dev", [{ ...loan, id: "e-1", event_type: "LoanCreated" }]);
    expect(Object.fromEntries(mergedRouting([fromLoans, fromEvents]))).toEqual({
      "filtered-loan-created-events": ["e-1"],
      "filtered-car-created-events": [],
      "filtered-loan-approved-entities": ["l-1"],
      "filtered-long-loan-entities": [],
    });
  });

  test("sample events reach every consumer topic and miss them too", () => {
    const events = sampleEvents(filters, "s");
    const expected = expectedRouting(filters, "dev", events);
    for (const ids of expected.values()) expect(ids.length).toBeGreaterThan(0);
    expect(events.some((e) => routeEvent(filters, "dev", e).length === 0)).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  test("setPath builds objects and arrays along a JSON path", () => {
    const root: Record<string, unknown> = {};
    setPath(root, ["eventBody", "entities", 0, "entityType"], "Loan");
    expect(root).toEqual({ eventBody: { entities: [{ entityType: "Loan" }] } });
  });
});
