/** fast-check arbitraries shared by the SQL property test (unit) and the routing property test (real Flink). */
import fc from "fast-check";
import { BUSINESS_EVENTS_COLUMNS } from "../../filters/model";

// Text that always risks breaking the statement: quotes, back-quotes, comment and statement separators.
const risky = fc.constantFrom("'", "`", "--", ";", "\n", "ü", "");
export const text = fc.tuple(fc.string({ unit: "grapheme", maxLength: 12 }), risky).map(([s, end]) => s + end);
// Text an order comparison may take: characters below U+D800 (the validator's rule), still with the risky endings.
const belowSurrogates = fc.oneof(
  fc.constantFrom("\u00e9", "\u4e2d", "\ud7ff"),
  fc.integer({ min: 0, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
);
const orderedUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  belowSurrogates,
);
export const orderedText = fc.tuple(fc.string({ unit: orderedUnit, maxLength: 12 }), risky).map(([s, end]) => s + end);
export const stringField = fc.constantFrom(
  "id",
  "event_name",
  "event_type",
  "created_date",
  "__table",
  "event_data.eventHeader.uuid",
  "event_data.eventBody.entities[0].entityType",
);
export const numberField = fc.constantFrom("__ts_ms", "event_data.eventBody.entities[0].updatedAttributes.amount");
export const num = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Predicates on a source's fields: text fields, number fields, and optionally numeric columns compared as text. */
function predicateOn(
  stringFields: fc.Arbitrary<string>,
  numberFields: fc.Arbitrary<string>,
  numericColumns?: fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, unknown>> {
  const onText = [
    fc.record({
      field: stringFields,
      op: fc.constantFrom("equals", "notEquals", "contains", "startsWith", "endsWith"),
      value: text,
    }),
    fc.record({ field: stringFields, op: fc.constantFrom("greaterThan", "lessThanOrEqual"), value: orderedText }),
    fc.record({
      field: stringFields,
      op: fc.constantFrom("in", "notIn"),
      values: fc.array(text, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      field: numberFields,
      op: fc.constantFrom("equals", "greaterThan", "lessThan", "greaterThanOrEqual"),
      type: fc.constant("number"),
      value: num,
    }),
    fc
      .record({ field: numberFields, op: fc.constant("between"), type: fc.constant("number"), min: num, max: num })
      .map((p) => ({ ...p, min: Math.min(p.min, p.max), max: Math.max(p.min, p.max) })),
    fc.record({ field: stringFields, op: fc.constantFrom("isNull", "isNotNull") }),
    fc.record({
      field: stringFields,
      op: fc.constant("matches"),
      value: fc.constantFrom("^a", "b+$", "[0-9]{2}", "x|y", "a.b", "\\sx", "x\\b", "[^\\s]$"),
    }),
  ];
  // A numeric column read as text (type: string): its value as the engine prints the number.
  const asText = numericColumns
    ? [
        fc.record({
          field: numericColumns,
          op: fc.constantFrom("equals", "startsWith", "contains", "endsWith"),
          type: fc.constant("string"),
          value: fc.constantFrom("1", "12", "-", "0", "-1", "12.0", "2147483647", "9007199254740991"),
        }),
      ]
    : [];
  return fc.oneof(...onText, ...asText);
}

type Tie = (key: string) => fc.Arbitrary<unknown>;
/** all/any/not trees of predicates, at most three levels deep. */
function conditionsOf(predicate: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec((tie: Tie) => ({
    condition: fc.oneof({ maxDepth: 3, depthSize: "small" }, predicate, tie("group")),
    group: fc.oneof(
      fc.record({ all: fc.array(tie("condition"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ any: fc.array(tie("condition"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie("condition") }),
    ),
  })).condition;
}

const predicate = predicateOn(stringField, numberField);
const condition = conditionsOf(predicate);

export const filterSet = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?$/), { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({
          name: fc.constant(name),
          description: text.filter((s) => s.length > 0),
          outputTopic: fc.constant(`out.${name}`),
          version: fc.integer({ min: 1, max: 50 }),
          operations: fc.subarray(["create", "update", "delete", "snapshot"], { minLength: 1 }),
          stages: fc.subarray(["dev", "staging", "prod"], { minLength: 1 }),
          conditions: condition,
        }),
      ),
    ),
  );

/**
 * The second captured table of the two-source properties, with a column of every type a connector emits (the
 * boolean one is routed, never compared), as a filters file declares it.
 */
export const LOANS_SOURCE = {
  table: "public.loan_entities",
  columns: [
    { name: "id", type: "string", optional: false },
    { name: "status", type: "string" },
    { name: "amount", type: "float64" },
    { name: "term_months", type: "int32" },
    { name: "updated_at", type: "int64" },
    { name: "attributes", type: "json" },
    { name: "approved", type: "boolean" },
  ],
};
export const LOANS_TOPIC = "raw-loan-entities";

const loanCondition = conditionsOf(
  predicateOn(
    fc.constantFrom("id", "status", "__table", "attributes.riskBand", "attributes.tags[0]"),
    fc.constantFrom("amount", "term_months", "updated_at", "__ts_ms", "attributes.score"),
    // float64 read as text is refused (filters/conditions.ts): Java and JavaScript spell doubles differently.
    fc.constantFrom("term_months", "updated_at"),
  ),
);

/**
 * A filters document with two sources (business_events, the file's default, and LOANS_SOURCE), its filters
 * reading either: `filterSet`'s filters, each reading the loans instead with a condition on their fields.
 */
export const twoSourceDocument = filterSet
  .chain((filters) =>
    fc.tuple(
      ...filters.map((f) =>
        fc.oneof(
          fc.constant(f),
          loanCondition.map((conditions) => ({ ...f, source: "loan_entities", conditions })),
        ),
      ),
    ),
  )
  .map((filters) => ({
    sources: [
      { table: "public.business_events", topic: "raw-business-events", columns: BUSINESS_EVENTS_COLUMNS },
      LOANS_SOURCE,
    ],
    filters,
  }));
