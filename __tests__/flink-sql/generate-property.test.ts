/** Property: any valid filter set generates SQL that parses, in both dialects and both shapes. */
import fc from "fast-check";
import { validateFilters } from "../../filters/validate";
import { generateSql, renderSql } from "../../flink-sql/generate";
import { flinkSyntaxErrors } from "../../flink-sql/syntax-check";
import { filterSet, twoSourceDocument } from "../support/arbitraries";

test("every generated statement parses (random valid filter sets)", () => {
  fc.assert(
    fc.property(
      filterSet,
      fc.constantFrom("confluent", "flink"),
      fc.constantFrom("set", "per-filter"),
      (filters, dialect, shape) => {
        const { set, issues } = validateFilters({ filters });
        expect(issues).toEqual([]);
        for (const stage of ["dev", "staging", "prod"]) {
          const sql = generateSql(set!, stage, { dialect, shape, kafka: { bootstrapServers: "127.0.0.1:9092" } });
          for (const s of sql.statements) expect(flinkSyntaxErrors(s.dml)).toEqual([]);
          expect(flinkSyntaxErrors(renderSql(sql))).toEqual([]);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test("every generated statement parses (random valid filter sets over two sources)", () => {
  fc.assert(
    fc.property(twoSourceDocument, fc.constantFrom("confluent", "flink"), (document, dialect) => {
      const { set, issues } = validateFilters(document);
      expect(issues).toEqual([]);
      const sql = generateSql(set!, "dev", { dialect, shape: "set", kafka: { bootstrapServers: "127.0.0.1:9092" } });
      for (const s of sql.statements) expect(flinkSyntaxErrors(s.dml)).toEqual([]);
      expect(flinkSyntaxErrors(renderSql(sql))).toEqual([]);
    }),
    { numRuns: 40 },
  );
});
