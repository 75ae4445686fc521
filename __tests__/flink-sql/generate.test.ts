import { loadFilters } from "../../filters/load";
import { likeEscape, numberLiteral, quoteIdentifier, stringLiteral } from "../../flink-sql/escape";
import { type Dialect, generateSql, renderSql, type Shape } from "../../flink-sql/generate";
import { flinkSyntaxErrors } from "../../flink-sql/syntax-check";
import { filterEntry, filtersYaml, parse } from "../support/helpers";

const KAFKA = { bootstrapServers: "127.0.0.1:9092" };
const one = (condition: string, extra = "") => parse(filtersYaml(filterEntry("f", `      - ${condition}`, extra)));
/** The WHERE condition generated for one predicate (after the __op guard). */
function whereOf(condition: string): string {
  const sql = generateSql(one(condition), "dev", { dialect: "confluent", shape: "per-filter" }).statements[0].dml;
  return sql.split("\n  AND ").slice(1).join("\n  AND ").replace(/;$/, "");
}

describe("predicates", () => {
  test.each([
    ["{ field: event_type, op: equals, value: A }", "`event_type` = 'A'"],
    ["{ field: event_type, op: notEquals, value: A }", "`event_type` <> 'A'"],
    ["{ field: event_type, op: in, values: [A, B] }", "`event_type` IN ('A', 'B')"],
    ["{ field: event_type, op: notIn, values: [A] }", "`event_type` NOT IN ('A')"],
    ["{ field: __ts_ms, op: greaterThan, value: 5 }", "`__ts_ms` > 5"],
    ["{ field: __ts_ms, op: greaterThanOrEqual, value: 5 }", "`__ts_ms` >= 5"],
    ["{ field: __ts_ms, op: lessThan, value: -1.5 }", "`__ts_ms` < -1.5"],
    ["{ field: __ts_ms, op: lessThanOrEqual, value: 1e21 }", "`__ts_ms` <= 1E21"],
    ["{ field: __ts_ms, op: between, min: 1, max: 2 }", "`__ts_ms` BETWEEN 1 AND 2"],
    ["{ field: created_date, op: between, min: '2024', max: '2025' }", "`created_date` BETWEEN '2024' AND '2025'"],
    ["{ field: event_name, op: contains, value: '50%_off!' }", "`event_name` LIKE '%50!%!_off!!%' ESCAPE '!'"],
    ["{ field: event_name, op: startsWith, value: Car }", "`event_name` LIKE 'Car%' ESCAPE '!'"],
    ["{ field: event_name, op: endsWith, value: Done }", "`event_name` LIKE '%Done' ESCAPE '!'"],
    [
      "{ field: event_name, op: matches, value: '^a.+b$' }",
      "REGEXP(`event_name`, '^a[^\\n\\r\\u2028\\u2029]+b(?![\\s\\S])')",
    ],
    ["{ field: saved_date, op: isNull }", "`saved_date` IS NULL"],
    ["{ field: saved_date, op: isNotNull }", "`saved_date` IS NOT NULL"],
    [
      '{ field: "event_data.eventBody.entities[0].entityType", op: equals, value: Loan }',
      "JSON_VALUE(`event_data`, '$.eventBody.entities[0].entityType') = 'Loan'",
    ],
    [
      "{ field: event_data.a.amount, op: greaterThan, type: number, value: 0.1 }",
      "TRY_CAST(JSON_VALUE(`event_data`, '$.a.amount') AS DOUBLE) > 0.1",
    ],
    ["{ field: id, op: lessThan, type: number, value: 10 }", "TRY_CAST(`id` AS DOUBLE) < 10"],
    ["{ field: __ts_ms, op: equals, type: string, value: '5' }", "CAST(`__ts_ms` AS STRING) = '5'"],
    // A bound with trailing spaces is cast: Flink drops them from a quoted literal in a search argument.
    ["{ field: __table, op: lessThanOrEqual, value: 'ab ' }", "`__table` <= CAST('ab ' AS STRING)"],
    ["{ field: __table, op: greaterThan, value: 'ab ' }", "`__table` > CAST('ab ' AS STRING)"],
    ["{ field: __table, op: between, min: 'a ', max: 'b' }", "`__table` BETWEEN CAST('a ' AS STRING) AND 'b'"],
    ["{ field: __table, op: equals, value: 'ab ' }", "`__table` = 'ab '"],
  ])("%s", (condition, expected) => {
    expect(whereOf(condition)).toBe(expected);
  });

  test("nested groups are parenthesised with one predicate per line", () => {
    const set = parse(
      filtersYaml(
        filterEntry(
          "f",
          [
            "      any:",
            "        - { field: id, op: isNull }",
            "        - all:",
            "            - { field: event_type, op: equals, value: A }",
            "            - not: { field: event_name, op: equals, value: B }",
          ].join("\n"),
        ),
      ),
    );
    const dml = generateSql(set, "dev", { dialect: "confluent", shape: "per-filter" }).statements[0].dml;
    expect(dml).toContain(
      [
        "WHERE `__op` IN ('c')",
        "  AND (",
        "    `id` IS NULL",
        "    OR (",
        "      `event_type` = 'A'",
        "      AND NOT (`event_name` = 'B')",
        "    )",
        "  );",
      ].join("\n"),
    );
  });
});

describe("escaping", () => {
  test("identifiers double back-quotes", () => {
    expect(quoteIdentifier("a`b")).toBe("`a``b`");
  });
  test.each([
    ["O'Brien", "'O''Brien'"],
    ["a\nb", "'a\nb'"],
    ["x -- y; `z`", "'x -- y; `z`'"],
    ["Zürich 東京 🚗", "'Zürich 東京 🚗'"],
  ])("string literal %j", (value, expected) => {
    expect(stringLiteral(value)).toBe(expected);
  });
  test("numbers round-trip and never print NaN", () => {
    expect(numberLiteral(0.1)).toBe("0.1");
    expect(numberLiteral(-2.5e-7)).toBe("-2.5E-7");
    expect(numberLiteral(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
    // Integer-looking literals beyond BIGINT are rejected by Flink; large integers become DOUBLE literals.
    expect(numberLiteral(Number.MAX_SAFE_INTEGER + 2)).toBe("9.007199254740992E15");
    expect(numberLiteral(-73896968024428150000)).toBe("-7.389696802442815E19");
    expect(() => numberLiteral(NaN)).toThrow("not a finite number");
  });
  test("LIKE escaping covers the escape character itself", () => {
    expect(likeEscape("!%_")).toBe("!!!%!_");
  });
  test("hostile values keep the statement's shape: one INSERT, parses", () => {
    const hostile = "x'; DROP TABLE `t`; --\n*/ END; EXECUTE STATEMENT SET BEGIN ü";
    const set = one(`{ field: event_type, op: equals, value: ${JSON.stringify(hostile)} }`);
    const sql = generateSql(set, "dev", { dialect: "flink", shape: "set", kafka: KAFKA });
    const dml = sql.statements[0].dml;
    expect(dml).toContain(stringLiteral(hostile));
    expect(dml.match(/^INSERT INTO/gm)).toHaveLength(1);
    expect(flinkSyntaxErrors(renderSql(sql))).toEqual([]);
  });
});

describe("dialects, shapes and stages", () => {
  const set = loadFilters("filters/filters.yaml");
  const examples = loadFilters("filters/filters-examples.yaml");

  test.each([
    ["confluent", "set"],
    ["confluent", "per-filter"],
    ["flink", "set"],
    ["flink", "per-filter"],
  ] as Array<[Dialect, Shape]>)("%s/%s parses and is byte-identical on a second run", (dialect, shape) => {
    for (const s of [set, examples]) {
      const first = renderSql(generateSql(s, "dev", { dialect, shape, kafka: KAFKA }));
      expect(renderSql(generateSql(s, "dev", { dialect, shape, kafka: KAFKA }))).toBe(first);
      expect(flinkSyntaxErrors(first)).toEqual([]);
    }
  });

  test("confluent dialect is DML only; flink dialect declares source and sinks", () => {
    const c = generateSql(set, "dev", { dialect: "confluent", shape: "set" });
    expect(c.ddl).toEqual([]);
    const f = generateSql(set, "dev", { dialect: "flink", shape: "set", kafka: { ...KAFKA, bounded: true } });
    expect(f.ddl).toHaveLength(5);
    expect(f.ddl[0]).toContain("'scan.bounded.mode' = 'latest-offset'");
    expect(f.ddl[0]).toContain("'properties.bootstrap.servers' = '127.0.0.1:9092'");
    expect(f.ddl[1]).toMatch(/^CREATE TABLE `filtered-loan-created-events` \(/);
  });

  test("set shape: one statement set reading the source once; per-filter: one INSERT each", () => {
    const s = generateSql(set, "prod", { dialect: "confluent", shape: "set" });
    expect(s.statements).toHaveLength(1);
    expect(s.statements[0].dml).toMatch(/^EXECUTE STATEMENT SET\nBEGIN\n[\s\S]*\nEND;$/);
    expect(s.statements[0].dml.match(/INSERT INTO/g)).toHaveLength(4);
    expect(s.statements[0].name).toMatch(/^prod-routing-set-[0-9a-f]{8}$/);
    const p = generateSql(set, "prod", { dialect: "confluent", shape: "per-filter" });
    expect(p.statements.map((x) => x.name)).toEqual([
      "prod-route-loan-created-v1",
      "prod-route-loan-payment-submitted-v1",
      "prod-route-car-created-v1",
      "prod-route-service-events-v1",
    ]);
  });

  test("stage selection and disabled filters", () => {
    const names = (stage: string) =>
      generateSql(examples, stage, { dialect: "confluent", shape: "per-filter" }).statements.map(
        (s) => s.filters[0].name,
      );
    expect(names("dev")).toEqual(["equality-and-lists", "numeric-comparisons", "text-matching"]);
    expect(names("prod")).toEqual(["equality-and-lists", "text-matching"]);
    expect(renderSql(generateSql(examples, "prod", { dialect: "confluent", shape: "set" }))).not.toContain(
      "example-null-events",
    );
  });

  test("projected columns and the default of all raw columns", () => {
    const sql = renderSql(generateSql(examples, "dev", { dialect: "flink", shape: "per-filter", kafka: KAFKA }));
    expect(sql).toContain("SELECT `id`, `event_type`, `created_date`, `event_data`\nFROM");
    expect(sql).toContain(
      "CREATE TABLE `example-text-events` (\n  `id` STRING,\n  `event_type` STRING,\n  `created_date` STRING,\n  `event_data` STRING\n)",
    );
  });

  test("no enabled filters: no statements", () => {
    const none = generateSql({ sourceTopic: "raw", sources: new Map(), filters: [] }, "dev", {
      dialect: "confluent",
      shape: "set",
    });
    expect(none.statements).toEqual([]);
  });

  test("the flink dialect needs bootstrap servers", () => {
    expect(() => generateSql(set, "dev", { dialect: "flink", shape: "set" })).toThrow(
      "the flink dialect needs kafka.bootstrapServers",
    );
  });

  test("a changed filter changes the set's name (statements are immutable)", () => {
    const a = generateSql(set, "dev", { dialect: "confluent", shape: "set" }).statements[0].name;
    const changed = { ...set, filters: set.filters.map((f, i) => (i === 0 ? { ...f, version: 2 } : f)) };
    expect(generateSql(changed, "dev", { dialect: "confluent", shape: "set" }).statements[0].name).not.toBe(a);
  });

  test("the syntax check can fail", () => {
    expect(flinkSyntaxErrors("INSERT INTO `t` SELECT FROM WHERE")).not.toEqual([]);
    expect(flinkSyntaxErrors("EXECUTE STATEMENT SET BEGIN INSERT INTO `t` SELECT 1; END")).toEqual([]);
  });

  test("a backslash is an ordinary character in Flink SQL strings, also before a quote", () => {
    // Flink 2.2.1 reads '\''' as the two characters \' (the grammar alone calls it an error).
    const sql = whereOf(`{ field: event_name, op: equals, value: '\\''' }`);
    expect(sql).toBe("`event_name` = '\\'''");
    expect(flinkSyntaxErrors(`SELECT 1 FROM t WHERE ${sql}`)).toEqual([]);
    expect(flinkSyntaxErrors("SELECT 1 FROM t WHERE a = '\\'")).toEqual([]);
    expect(flinkSyntaxErrors("SELECT 1 FROM t WHERE a = '\\''")).not.toEqual([]);
  });
});
