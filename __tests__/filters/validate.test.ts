import { readFileSync } from "node:fs";
import { FilterValidationError } from "../../filters/errors";
import { loadFilters, parseFiltersYaml } from "../../filters/load";
import { errorsOf, filterEntry, filtersYaml, parse } from "../support/helpers";

const ok = (name: string, extra = "") =>
  filterEntry(name, "      - { field: event_type, op: equals, value: LoanCreated }", extra);
const cond = (name: string, line: string) => filterEntry(name, `      - ${line}`);

// Each case: a bad document and every message it must produce, exactly.
const BAD_CASES: Array<[string, string, string[]]> = [
  [
    "unknown operator with suggestion",
    filtersYaml(cond("loan-created", "{ field: event_type, op: equal, value: LoanCreated }")),
    ["unknown operator 'equal' at filters.yaml:8:34 in filter loan-created; did you mean 'equals'?"],
  ],
  [
    "unknown operator far from any",
    filtersYaml(cond("f", "{ field: event_type, op: resembles, value: x }")),
    [
      "unknown operator 'resembles' at filters.yaml:8:34 in filter f; expected one of: equals, notEquals, greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual, contains, startsWith, endsWith, matches, in, notIn, between, isNull, isNotNull",
    ],
  ],
  [
    "unknown key in a filter",
    filtersYaml(ok("f", "    descripton: typo")),
    ["unknown key 'descripton' at filters.yaml:7:5 in filter f; did you mean 'description'?"],
  ],
  [
    "unknown key in a condition",
    filtersYaml(cond("f", "{ field: event_type, op: equals, valeu: x }")),
    [
      "unknown key 'valeu' in condition at filters.yaml:8:42 in filter f; did you mean 'value'?",
      "operator 'equals' needs 'value' at filters.yaml:8:9 in filter f",
    ],
  ],
  [
    "missing required key",
    filtersYaml("  - name: f\n    description: d\n    version: 1\n    operations: [create]\n"),
    ["missing required key 'outputTopic' at filters.yaml:2:5 in filter f"],
  ],
  [
    "version of the wrong type",
    filtersYaml(ok("f").replace("version: 1", "version: one")),
    ["'version' must be a number, got string \"one\" at filters.yaml:5:14 in filter f"],
  ],
  [
    "version not an integer",
    filtersYaml(ok("f").replace("version: 1", "version: 1.5")),
    ["'version' must be an integer, got number 1.5 at filters.yaml:5:14 in filter f"],
  ],
  [
    "enabled of the wrong type",
    filtersYaml(ok("f", "    enabled: sometimes")),
    ["'enabled' must be a boolean, got string \"sometimes\" at filters.yaml:7:14 in filter f"],
  ],
  [
    "duplicate names and topics",
    filtersYaml(`${ok("f")}\n${ok("f")}`),
    [
      "duplicate filter name 'f' (first used by filter 1) at filters.yaml:9:11 in filter f",
      "output topic 'out-f' is already used by filter 'f' at filters.yaml:11:18 in filter f; each filter writes its own topic",
    ],
  ],
  [
    "empty in list",
    filtersYaml(cond("f", "{ field: event_type, op: in, values: [] }")),
    [
      "'values' of 'in' must not be empty at filters.yaml:8:46 in filter f; an empty list matches nothing; remove the condition or the filter",
    ],
  ],
  [
    "regex construct Flink runs differently",
    filtersYaml(cond("f", '{ field: event_type, op: matches, value: "(?<=Loan)Created" }')),
    [
      "'(?<=' (look-behind) is not supported: Flink's Java regular expressions step back in UTF-16 units and refuse many bounded forms; use a look-ahead or a plain group at filters.yaml:8:50 in filter f",
    ],
  ],
  [
    "regex that does not compile",
    filtersYaml(cond("f", '{ field: event_type, op: matches, value: "(unclosed" }')),
    [
      "regular expression does not compile: Invalid regular expression: /(unclosed/u: Unterminated group at filters.yaml:8:50 in filter f",
    ],
  ],
  [
    "topic name Kafka rejects",
    filtersYaml(ok("f").replace("out-f", '"bad topic!"')),
    [
      "output topic 'bad topic!' may contain only ASCII letters, digits, '.', '_' and '-' at filters.yaml:4:18 in filter f",
    ],
  ],
  [
    "topic name too long",
    filtersYaml(ok("f").replace("out-f", "t".repeat(250))),
    [
      "output topic 'tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt' is 250 characters long; Kafka allows at most 249 at filters.yaml:4:18 in filter f",
    ],
  ],
  [
    "output into the source topic",
    filtersYaml(ok("f").replace("out-f", "raw-business-events")),
    [
      "output topic 'raw-business-events' is a source's raw topic; routing into it would loop at filters.yaml:4:18 in filter f",
    ],
  ],
  [
    "name not kebab-case",
    filtersYaml(ok("Loan_Created")),
    [
      "filter name 'Loan_Created' must be kebab-case (a-z, 0-9, single '-') and at most 40 characters at filters.yaml:2:11 in filter Loan_Created",
    ],
  ],
  [
    "unknown stage",
    filtersYaml(ok("f", "    stages: [dev, prd]")),
    ["unknown stage 'prd' at filters.yaml:7:19 in filter f; did you mean 'prod'?"],
  ],
  [
    "unknown operation",
    filtersYaml(ok("f").replace("operations: [create]", "operations: [insert]")),
    ["unknown operation 'insert' at filters.yaml:6:18 in filter f; expected one of: create, update, delete, snapshot"],
  ],
  [
    "empty operations",
    filtersYaml(ok("f").replace("operations: [create]", "operations: []")),
    ["'operations' must not be empty at filters.yaml:6:17 in filter f"],
  ],
  [
    "unknown field",
    filtersYaml(cond("f", "{ field: event_typ, op: equals, value: x }")),
    [
      "unknown field 'event_typ': public.business_events has no such column at filters.yaml:8:18 in filter f; did you mean 'event_type'?; JSON fields are written event_data.<path>",
    ],
  ],
  [
    "invalid JSON path",
    filtersYaml(cond("f", '{ field: "event_data.eventBody.entities[x]", op: isNull }')),
    [
      "invalid JSON path 'event_data.eventBody.entities[x]' (segment 'entities[x]') at filters.yaml:8:18 in filter f; segments are names of letters, digits and '_', optionally followed by [index]",
    ],
  ],
  [
    "number value without type number",
    filtersYaml(cond("f", "{ field: event_type, op: equals, value: 42 }")),
    [
      "'value' must be a string, got number 42 at filters.yaml:8:49 in filter f; quote it, or add 'type: number' to compare numerically",
    ],
  ],
  [
    "string value with type number",
    filtersYaml(cond("f", "{ field: event_data.amount, op: greaterThan, type: number, value: lots }")),
    [
      "'value' must be a number because the comparison has type number, got string \"lots\" at filters.yaml:8:75 in filter f",
    ],
  ],
  [
    "text ordered against a character Flink orders two ways",
    filtersYaml(cond("f", '{ field: created_date, op: lessThanOrEqual, value: "2026-\\U0001F600" }')),
    [
      "'lessThanOrEqual' on text cannot take '\u{1F600}' (U+1F600): Flink orders characters from U+D800 up differently depending on how a record was read, so the filter would route inconsistently at filters.yaml:8:60 in filter f; order text only on values made of characters below U+D800 (dates, codes), or use equals, in or startsWith",
    ],
  ],
  [
    "between on text with a character from U+E000",
    filtersYaml(cond("f", '{ field: created_date, op: between, min: a, max: "\\uFF12" }')),
    [
      "'between' on text cannot take '\uFF12' (U+FF12): Flink orders characters from U+D800 up differently depending on how a record was read, so the filter would route inconsistently at filters.yaml:8:58 in filter f; order text only on values made of characters below U+D800 (dates, codes), or use equals, in or startsWith",
    ],
  ],
  [
    "text operator with type number",
    filtersYaml(cond("f", "{ field: event_data.amount, op: contains, type: number, value: 1 }")),
    ["operator 'contains' compares text and cannot take type number at filters.yaml:8:57 in filter f"],
  ],
  [
    "between without max and min above max",
    filtersYaml(
      `${cond("f", "{ field: __ts_ms, op: between, min: 5 }")}\n${cond("g", "{ field: __ts_ms, op: between, min: 9, max: 1 }").replace(/^/, "")}`,
    ),
    [
      "operator 'between' needs 'max' at filters.yaml:8:9 in filter f",
      "'min' (9) is greater than 'max' (1); between would match nothing at filters.yaml:15:45 in filter g",
    ],
  ],
  [
    "isNull with a value",
    filtersYaml(cond("f", "{ field: saved_date, op: isNull, value: x }")),
    ["operator 'isNull' takes no 'value' at filters.yaml:8:42 in filter f; it takes no value"],
  ],
  [
    "in with value instead of values",
    filtersYaml(cond("f", "{ field: event_type, op: in, value: x }")),
    [
      "operator 'in' takes no 'value' at filters.yaml:8:38 in filter f; it takes: values",
      "operator 'in' needs 'values' at filters.yaml:8:9 in filter f",
    ],
  ],
  [
    "unknown column in projection",
    filtersYaml(ok("f", "    columns: [id, event_tipe]")),
    [
      "unknown column 'event_tipe': public.business_events has no such column at filters.yaml:7:19 in filter f; did you mean 'event_type'?",
    ],
  ],
  [
    "group with two keys",
    filtersYaml(filterEntry("f", "      all: [{ field: id, op: isNull }]\n      any: [{ field: id, op: isNull }]")),
    ["a group has exactly one key (all, any or not), found: all, any at filters.yaml:8:7 in filter f"],
  ],
  [
    "empty any group",
    filtersYaml(filterEntry("f", "      any: []")),
    ["'any' must not be empty at filters.yaml:8:12 in filter f"],
  ],
  [
    "missing op",
    filtersYaml(cond("f", "{ field: id, value: x }")),
    [
      "condition is missing 'op' at filters.yaml:8:9 in filter f; expected one of: equals, notEquals, greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual, contains, startsWith, endsWith, matches, in, notIn, between, isNull, isNotNull",
    ],
  ],
  [
    "unknown top-level key",
    "filter:\n  - name: f\n",
    [
      "missing required key 'filters' at filters.yaml:1:1",
      "unknown key 'filter' at filters.yaml:1:1; did you mean 'filters'?",
    ],
  ],
  [
    "YAML syntax error",
    "filters:\n  - name: [unclosed\n",
    [
      "YAML syntax error at filters.yaml:3:1; Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
  ],
  [
    "legacy format",
    "filters:\n  - id: 1\n    consumerId: loans\n    conditionLogic: AND\n",
    [
      "this file uses the legacy filter format (consumerId, conditionLogic, operator) at filters.yaml:2:5 in filter #1; convert it with `npx cdc-routing migrate <file> --out <new file>` (docs/filters.md: Coming from the older format)",
    ],
  ],
];

describe("filters.yaml validation", () => {
  test.each(BAD_CASES)("%s", (_label, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });

  test("has at least 25 distinct bad-input cases", () => {
    expect(new Set(BAD_CASES.map((c) => c[1])).size).toBeGreaterThanOrEqual(25);
  });

  test("reports every problem of every filter at once", () => {
    const text = filtersYaml(
      `${cond("a", "{ field: nope, op: equals, value: x }")}\n${cond("b", "{ field: id, op: equal, value: x }")}`,
    );
    expect(errorsOf(text)).toHaveLength(2);
  });

  test("the shipped filters and examples are valid", () => {
    expect(loadFilters("filters/filters.yaml").filters.map((f) => f.name)).toEqual([
      "loan-created",
      "loan-payment-submitted",
      "car-created",
      "service-events",
    ]);
    expect(loadFilters("filters/filters-examples.yaml").filters).toHaveLength(4);
  });

  test("defaults: enabled, all stages, all columns, consumer = name, bare list means all", () => {
    const [f] = parse(filtersYaml(ok("f"))).filters;
    expect(f.enabled).toBe(true);
    expect(f.stages).toEqual(["dev", "staging", "prod"]);
    expect(f.columns).toHaveLength(9);
    expect(f.consumer).toBe("f");
    expect(f.condition?.kind).toBe("all");
  });

  test("a missing file is a validation error naming the path", () => {
    expect(() => loadFilters("nope/filters.yaml")).toThrow("cannot read filters file nope/filters.yaml: ENOENT");
  });

  test("JSON paths parse into segments and indexes", () => {
    const set = parseFiltersYaml(filtersYaml(cond("f", '{ field: "event_data.a.b[2][0].c", op: isNull }')));
    expect(set.filters[0].condition).toMatchObject({ of: [{ field: { kind: "json", path: ["a", "b", 2, 0, "c"] } }] });
  });

  test("the examples file uses every operator", () => {
    const text = readFileSync("filters/filters-examples.yaml", "utf8");
    for (const op of [
      "equals",
      "notEquals",
      "in",
      "notIn",
      "greaterThan",
      "greaterThanOrEqual",
      "lessThan",
      "lessThanOrEqual",
      "between",
      "contains",
      "startsWith",
      "endsWith",
      "matches",
      "isNull",
      "isNotNull",
    ]) {
      expect(text).toContain(`op: ${op}`);
    }
  });
});

describe("operator spellings from other rule languages", () => {
  test.each([
    ["eq", "equals"],
    ["==", "equals"],
    ["=", "equals"],
    ["EQUAL", "equals"],
    ["!=", "notEquals"],
    ["neq", "notEquals"],
    ["ne", "notEquals"],
    ["<>", "notEquals"],
    ["not_equals", "notEquals"],
    ["gt", "greaterThan"],
    [">", "greaterThan"],
    ["gte", "greaterThanOrEqual"],
    [">=", "greaterThanOrEqual"],
    ["lt", "lessThan"],
    ["<", "lessThan"],
    ["lte", "lessThanOrEqual"],
    ["<=", "lessThanOrEqual"],
    ["contain", "contains"],
    ["like", "contains"],
    ["regex", "matches"],
    ["regexp", "matches"],
    ["=~", "matches"],
    ["startswith", "startsWith"],
    ["starts_with", "startsWith"],
    ["ends-with", "endsWith"],
    ["prefix", "startsWith"],
    ["nin", "notIn"],
    ["not_in", "notIn"],
    ["one_of", "in"],
    ["range", "between"],
    ["null", "isNull"],
    ["is_null", "isNull"],
    ["exists", "isNotNull"],
    ["not_null", "isNotNull"],
  ])("op: %j suggests %s", (spelling, op) => {
    const text = filtersYaml(cond("f", `{ field: event_type, op: ${JSON.stringify(spelling)}, value: x }`));
    expect(errorsOf(text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^unknown operator '${spelling.replace(/[|\\{}()[\]^$+*?.]/g, "\\$&")}' at filters\\.yaml:8:\\d+ in filter f; did you mean '${op}'\\?$`,
        ),
      ),
    ]);
  });
});

describe("error counts", () => {
  test("a YAML syntax error: the first three of the parser's errors are listed, the summary counts all seven", () => {
    const text =
      "filters:\n  - name: f\n    description: d\n   outputTopic: t\n    version: 1\n  operations: [create\n  x: ]\n";
    expect(() => parseFiltersYaml(text, "filters.yaml")).toThrow(FilterValidationError);
    try {
      parseFiltersYaml(text, "filters.yaml");
    } catch (e) {
      const err = e as FilterValidationError;
      expect(err.problems).toEqual([
        "YAML syntax error at filters.yaml:4:1; Sequence item without - indicator",
        "YAML syntax error at filters.yaml:4:17; Nested mappings are not allowed in compact mappings",
        "YAML syntax error at filters.yaml:4:17; Implicit keys need to be on a single line",
      ]);
      expect(err.summary).toBe(
        "7 YAML syntax errors (the first 3 shown; the other 4 follow from them: fix the first and run again)",
      );
    }
  });

  test("validation errors: one line each, counted", () => {
    const text = filtersYaml(cond("f", "{ field: nope, op: eq, value: x }"));
    try {
      parseFiltersYaml(text, "filters.yaml");
    } catch (e) {
      expect((e as FilterValidationError).summary).toBe("1 error");
    }
    expect.assertions(1);
  });
});
