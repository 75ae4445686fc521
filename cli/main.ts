/**
 * cdc-routing CLI: the interface CI and other tooling call.
 *   cdc-routing validate [--filters F]
 *   cdc-routing sql --stage S [--dialect confluent|flink] [--shape set|per-filter] [--filters F]
 *                   [--bootstrap-servers H:P]   (flink dialect)
 *   cdc-routing lock [--stage S] [--cleanup] [--filters F]   record the statements to deploy (statements.lock.json)
 * SQL goes to stdout; errors to stderr; exit 0 on success, 1 on invalid input, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { FilterValidationError, loadFilters } from "../filters/load";
import { generateSql, renderSql, type Dialect, type Shape } from "../flink-sql/generate";
import { EvolutionError } from "../flink-sql/evolution";
import { evolveStage, readLock, writeLock } from "../flink-sql/lock-file";
import { STAGE_NAMES } from "../stages/names";
import { stageConfig } from "../stages/stages";

const DEFAULT_FILTERS = "filters/filters.yaml";
const USAGE = `usage:
  cdc-routing validate [--filters ${DEFAULT_FILTERS}]
  cdc-routing sql --stage <${STAGE_NAMES.join("|")}> [--dialect confluent|flink] [--shape set|per-filter]
                  [--filters ${DEFAULT_FILTERS}] [--bootstrap-servers host:port]
  cdc-routing lock [--stage <${STAGE_NAMES.join("|")}>] [--cleanup] [--filters ${DEFAULT_FILTERS}]`;

class UsageError extends Error {}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got '${value}'`);
  return value as T;
}

export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  try {
    const [verb, ...rest] = argv;
    const { values } = parseArgs({
      args: rest,
      options: {
        filters: { type: "string", default: DEFAULT_FILTERS },
        stage: { type: "string" },
        dialect: { type: "string" },
        shape: { type: "string" },
        "bootstrap-servers": { type: "string" },
        cleanup: { type: "boolean", default: false },
      },
      strict: true,
    });
    if (verb === "validate") {
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      const enabled = set.filters.filter((f) => f.enabled).length;
      err(`${values.filters}: ${set.filters.length} filters valid (${enabled} enabled)`);
      return 0;
    }
    if (verb === "sql") {
      if (!values.stage) throw new UsageError("sql needs --stage");
      const stage = oneOf("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0]);
      const dialect = oneOf<Dialect>("dialect", values.dialect, ["confluent", "flink"], "confluent");
      const shape = oneOf<Shape>("shape", values.shape, ["set", "per-filter"], "set");
      if (dialect === "flink" && !values["bootstrap-servers"]) throw new UsageError("--dialect flink needs --bootstrap-servers");
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      const kafka = values["bootstrap-servers"] ? { bootstrapServers: values["bootstrap-servers"] } : undefined;
      out(renderSql(generateSql(set, stage, { dialect, shape, kafka })));
      return 0;
    }
    if (verb === "lock") {
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      const stages = values.stage ? [oneOf("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0])] : STAGE_NAMES;
      const lock = readLock();
      // Every stage is evolved before anything is written: one bad stage leaves the file untouched.
      const next = { ...lock, ...Object.fromEntries(stages.map((name) => [name, evolveStage(lock, set, stageConfig(name), values.cleanup as boolean)])) };
      writeLock(next);
      for (const name of stages) {
        const l = next[name];
        err(`${name}: running ${l.running.map((r) => r.name + (r.carriedOverFrom ? ` (offsets from ${r.carriedOverFrom})` : "")).join(", ") || "none"}; stopped ${l.stopped.map((r) => r.name).join(", ") || "none"}`);
      }
      return 0;
    }
    throw new UsageError(verb ? `unknown command '${verb}'` : "no command given");
  } catch (e) {
    if (e instanceof EvolutionError) {
      err(e.problems.map((m) => `error: ${m}`).join("\n"));
      err("nothing was written");
      return 1;
    }
    if (e instanceof FilterValidationError) {
      err(e.errors.map((m) => `error: ${m}`).join("\n"));
      err(`${e.errors.length} error(s); nothing was generated`);
      return 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      err(`${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

export function main(): void {
  process.exitCode = run(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s + "\n"));
}

if (require.main === module) main();
