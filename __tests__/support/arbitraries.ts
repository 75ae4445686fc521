/** fast-check arbitraries shared by the SQL property test (unit) and the routing property test (real Flink). */
import fc from "fast-check";

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

const predicate = fc.oneof(
  fc.record({
    field: stringField,
    op: fc.constantFrom("equals", "notEquals", "contains", "startsWith", "endsWith"),
    value: text,
  }),
  fc.record({ field: stringField, op: fc.constantFrom("greaterThan", "lessThanOrEqual"), value: orderedText }),
  fc.record({
    field: stringField,
    op: fc.constantFrom("in", "notIn"),
    values: fc.array(text, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    field: numberField,
    op: fc.constantFrom("equals", "greaterThan", "lessThan", "greaterThanOrEqual"),
    type: fc.constant("number"),
    value: num,
  }),
  fc
    .record({ field: numberField, op: fc.constant("between"), type: fc.constant("number"), min: num, max: num })
    .map((p) => ({ ...p, min: Math.min(p.min, p.max), max: Math.max(p.min, p.max) })),
  fc.record({ field: stringField, op: fc.constantFrom("isNull", "isNotNull") }),
  fc.record({
    field: stringField,
    op: fc.constant("matches"),
    value: fc.constantFrom("^a", "b+$", "[0-9]{2}", "x|y", "a.b", "\\sx", "x\\b", "[^\\s]$"),
  }),
);
const { condition } = fc.letrec((tie) => ({
  condition: fc.oneof({ maxDepth: 3, depthSize: "small" }, predicate, tie("group")),
  group: fc.oneof(
    fc.record({ all: fc.array(tie("condition"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie("condition"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie("condition") }),
  ),
}));
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
