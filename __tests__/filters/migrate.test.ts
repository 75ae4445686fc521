/** `cdc-routing migrate`: the older filter format rewritten in today's (filters/migrate.ts). */
import { routeEvent } from "../../filters/evaluate";
import { parseFiltersYaml } from "../../filters/load";
import { migrateLegacyFilters } from "../../filters/migrate";
import { predicatesOf } from "../../filters/model";

/** Every operator of the older format, in its own spelling where it had one (regex, exists). */
const OLD_OPERATORS = `
  - id: every-operator
    name: Every operator
    consumerId: auditTeam          # who reads it
    outputTopic: filtered-audit-events
    conditionLogic: AND
    conditions:
      - { field: eventHeader.eventName, operator: equals, value: LoanCreated }
      - { field: event_type, operator: notEquals, value: Test }
      - { field: "eventBody.entities[0].updatedAttributes.amount", operator: greaterThan, value: 10, valueType: number }
      - { field: "eventBody.entities[0].updatedAttributes.amount", operator: greaterThanOrEqual, value: 11, valueType: number }
      - { field: "eventBody.entities[0].updatedAttributes.amount", operator: lessThan, value: 1000, valueType: number }
      - { field: "eventBody.entities[0].updatedAttributes.amount", operator: lessThanOrEqual, value: 999, valueType: number }
      - { field: "eventBody.entities[0].updatedAttributes.amount", operator: between, min: 11, max: 999, valueType: number }
      - { field: "eventBody.entities[0].entityType", operator: in, values: [Loan, LoanPayment] }
      - { field: "eventBody.entities[0].entityType", operator: notIn, values: [Car] }
      - { field: eventHeader.eventType, operator: contains, value: Loan }
      - { field: eventHeader.eventType, operator: startsWith, value: Loan }
      - { field: eventHeader.eventType, operator: endsWith, value: Created }
      - { field: eventHeader.eventType, operator: regex, value: "^Loan[A-Z]" }
      - { field: eventHeader.deletedAt, operator: isNull }
      - { field: eventHeader.uuid, operator: exists }
      - { field: __op, operator: in, values: [c, r] }
  - id: any-of
    name: Cars or services
    consumerId: fleet
    outputTopic: filtered-fleet-events
    conditionLogic: OR
    conditions:
      - field: event_type
        operator: eq
        value: CarCreated
      - field: eventBody.entities[0].entityType
        operator: ==
        value: ServiceRecord
`;

const event = (overrides: Record<string, unknown>, data: unknown) => ({
  id: "e1",
  event_name: null,
  event_type: "LoanCreated",
  created_date: null,
  saved_date: null,
  __op: "c",
  __table: "business_events",
  __ts_ms: 1,
  event_data: JSON.stringify(data),
  ...overrides,
});
const loanData = {
  eventHeader: { eventName: "LoanCreated", eventType: "LoanCreated", uuid: "u1" },
  eventBody: { entities: [{ entityType: "Loan", updatedAttributes: { amount: 500 } }] },
};

describe("migrate: the older filter format into today's", () => {
  test.each([
    ["a list under filters:", `# the older rules\nfilters:${OLD_OPERATORS}`],
    ["a top-level list", `# the older rules${OLD_OPERATORS}`],
  ])(
    "%s: every operator, both condition logics, paths into the event; comments kept; the result validates",
    (_, old) => {
      const { text, notes } = migrateLegacyFilters(old, "old.yaml");
      expect(text).toMatch(/^# the older rules\n\n?filters:\n/);
      expect(text).toContain("consumer: audit-team # who reads it");
      const set = parseFiltersYaml(text, "migrated.yaml");
      const [audit, fleet] = set.filters;
      expect([audit.name, audit.consumer, audit.operations, audit.condition?.kind]).toEqual([
        "every-operator",
        "audit-team",
        ["create", "snapshot"],
        "all",
      ]);
      expect(predicatesOf(audit.condition).map((p) => p.op)).toEqual([
        "equals",
        "notEquals",
        "greaterThan",
        "greaterThanOrEqual",
        "lessThan",
        "lessThanOrEqual",
        "between",
        "in",
        "notIn",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "isNull",
        "isNotNull",
      ]);
      expect(predicatesOf(audit.condition)[0].fieldText).toBe("event_data.eventHeader.eventName");
      expect([fleet.condition?.kind, fleet.operations]).toEqual(["any", ["create"]]);
      expect(notes).toEqual([
        "filter every-operator: operations [create, snapshot] from its condition on __op",
        "filter cars-or-services: operations [create] written: the older format routed only inserts (its SQL added __op = 'c'); add snapshot to also deliver the rows that existed before the connector started",
      ]);
      // The migrated rules route as the older ones meant.
      expect(routeEvent(set, "dev", event({}, loanData))).toEqual(["filtered-audit-events"]);
      expect(routeEvent(set, "dev", event({ event_type: "CarCreated" }, {}))).toEqual(["filtered-fleet-events"]);
    },
  );

  test("a file that is not a list of filters, and one whose result would not validate, are clear errors", () => {
    expect(() => migrateLegacyFilters("source: x\n", "old.yaml")).toThrow("old.yaml: no list of filters");
    expect(() =>
      migrateLegacyFilters(
        "- { id: a, consumerId: c, outputTopic: t, conditions: [{ field: x, operator: almost, value: 1 }] }\n",
        "old.yaml",
      ),
    ).toThrow(/unknown operator 'almost'/);
  });
});
