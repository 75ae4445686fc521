/**
 * npm run bench:sql — validates and generates SQL for 1,000 filters and syntax-checks every statement: a
 * warm-up round, then BENCH_ROUNDS (5) rounds; prints each phase's median and spread, and the cold first round.
 */
import { stringify } from "yaml";
import { parseFiltersYaml } from "../filters/load";
import { generateSql, renderSql } from "../flink-sql/generate";
import { flinkSyntaxErrors } from "../flink-sql/syntax-check";
import { parseCommandLine, runScript } from "../lib/command-line";
import { alternate, machineLine, median, summary } from "./stats";

const USAGE = `usage: npm run bench:sql     (BENCH_FILTERS=<count>, default 1000)

Validates and generates the SQL of synthetic filters and syntax-checks every statement; prints each phase's time.`;

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
        {
          any: [
            {
              field: "event_data.eventBody.entities[0].updatedAttributes.amount",
              op: "greaterThan",
              type: "number",
              value: i * 10.5,
            },
            { field: "event_name", op: "contains", value: `x${i}%` },
            { not: { field: "event_data.eventHeader.uuid", op: "isNull" } },
          ],
        },
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
const [, startupMs] = time(() => flinkSyntaxErrors("SELECT 1"));

/** One round: each phase's time in ms (the syntax check's parser is already started). */
function round(): Record<string, number> {
  const [set, validate] = time(() => parseFiltersYaml(yamlText, "bench.yaml"));
  const [, generateSet] = time(() => renderSql(generateSql(set, "dev", { dialect: "confluent", shape: "set" })));
  const [perFilter, generatePerFilter] = time(() =>
    generateSql(set, "dev", { dialect: "flink", shape: "per-filter", kafka: { bootstrapServers: "127.0.0.1:9092" } }),
  );
  const [errors, syntaxCheck] = time(() => perFilter.statements.flatMap((s) => flinkSyntaxErrors(s.dml)));
  if (errors.length) throw new Error(`generated SQL does not parse: ${errors.slice(0, 3).join("; ")}`);
  return { validate, generateSet, generatePerFilter, core: validate + generateSet + generatePerFilter, syntaxCheck };
}

const LABELS: Record<string, string> = {
  validate: `validate ${COUNT} filters (YAML + zod + semantics)`,
  generateSet: "generate statement set (confluent)",
  generatePerFilter: `generate ${COUNT} per-filter statements (flink)`,
  core: "validate + generate",
  syntaxCheck: `syntax-check ${COUNT} statements`,
};

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const rounds: Array<Record<string, number>> = [];
  const phases = await alternate(
    ["validate + generate + check"],
    () => {
      const r = round();
      rounds.push(r);
      return r.core;
    },
    { unit: "ms (validate + generate)" },
  );
  const counted = rounds.slice(1); // the first is the warm-up
  const sqlSet = renderSql(
    generateSql(parseFiltersYaml(yamlText, "bench.yaml"), "dev", { dialect: "confluent", shape: "set" }),
  );
  console.log(
    `bench:sql  ${COUNT} filters, ${(sqlSet.length / 1024).toFixed(0)} KiB of SQL in the set; ${machineLine()}`,
  );
  for (const key of Object.keys(LABELS))
    console.log(
      `  ${LABELS[key].padEnd(52)} ${summary(
        counted.map((r) => r[key]),
        "ms",
        1,
      )}`,
    );
  console.log(`  parser start-up (first parse, once)                  ${startupMs.toFixed(1)} ms`);
  console.log(`  first round (cold, not counted): validate + generate ${rounds[0].core.toFixed(1)} ms`);
  const core = median(phases["validate + generate + check"]);
  console.log(`  validate + generate median ${core.toFixed(1)} ms (target < 1000 ms): ${core < 1000 ? "ok" : "SLOW"}`);
}

void runScript(USAGE, main);
