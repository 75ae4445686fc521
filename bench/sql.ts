/**
 * npm run bench:sql — validates and generates SQL for 1,000 filters and syntax-checks every statement,
 * printing each phase's time and its share of the whole, measured in this one run.
 */
import { stringify } from "yaml";
import { parseFiltersYaml } from "../filters/load";
import { generateSql, renderSql } from "../flink-sql/generate";
import { flinkSyntaxErrors } from "../flink-sql/syntax-check";
import { scriptArguments } from "../cli/command-line";

scriptArguments(`usage: npm run bench:sql     (BENCH_FILTERS=<count>, default 1000)

Validates and generates the SQL of synthetic filters and syntax-checks every statement; prints each phase's time.`, {});

const COUNT = Number(process.env.BENCH_FILTERS ?? 1000);

function syntheticFilters(n: number): string {
  const types = ["LoanCreated", "LoanPaymentSubmitted", "CarCreated", "CarServiceDone"];
  const filters = Array.from({ length: n }, (_, i) => ({
    name: `filter-${i}`,
    description: `synthetic filter ${i} with 'quotes' and ünïcode`,
    outputTopic: `bench-out-${i}`,
    version: 1 + (i % 3),
    operations: i % 2 ? ["create"] : ["create", "snapshot"],
    conditions: {
      all: [
        { field: "event_type", op: "in", values: [types[i % 4], types[(i + 1) % 4]] },
        { any: [
          { field: "event_data.eventBody.entities[0].updatedAttributes.amount", op: "greaterThan", type: "number", value: i * 10.5 },
          { field: "event_name", op: "contains", value: `x${i}%` },
          { not: { field: "event_data.eventHeader.uuid", op: "isNull" } },
        ] },
      ],
    },
  }));
  return stringify({ filters });
}

function time<T>(fn: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

const yamlText = syntheticFilters(COUNT);
const [set, validateMs] = time(() => parseFiltersYaml(yamlText, "bench.yaml"));
const [sqlSet, setMs] = time(() => renderSql(generateSql(set, "dev", { dialect: "confluent", shape: "set" })));
const [perFilter, perFilterMs] = time(() => generateSql(set, "dev", { dialect: "flink", shape: "per-filter", kafka: { bootstrapServers: "127.0.0.1:9092" } }));
const [, warmMs] = time(() => flinkSyntaxErrors("SELECT 1"));
const [errors, parseMs] = time(() => perFilter.statements.flatMap((s) => flinkSyntaxErrors(s.dml)));
if (errors.length) throw new Error(`generated SQL does not parse: ${errors.slice(0, 3).join("; ")}`);

const core = validateMs + setMs + perFilterMs;
const rows: Array<[string, number]> = [
  [`validate ${COUNT} filters (YAML + zod + semantics)`, validateMs],
  ["generate statement set (confluent)", setMs],
  [`generate ${COUNT} per-filter statements (flink)`, perFilterMs],
  ["parser start-up (first parse)", warmMs],
  [`syntax-check ${COUNT} statements`, parseMs],
];
console.log(`bench:sql  ${COUNT} filters, ${(sqlSet.length / 1024).toFixed(0)} KiB of SQL in the set`);
for (const [label, ms] of rows) console.log(`  ${label.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / core).toFixed(2).padStart(6)}x of validate+generate`);
console.log(`  validate + generate total ${core.toFixed(1)} ms (target < 1000 ms): ${core < 1000 ? "ok" : "SLOW"}`);
