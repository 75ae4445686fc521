/**
 * cdc-routing CLI: the interface CI and other tooling call.
 *   cdc-routing validate [--filters F]
 *   cdc-routing sql --stage S [--dialect confluent|flink] [--shape set|per-filter] [--filters F]
 *                   [--bootstrap-servers H:P]   (flink dialect)
 *   cdc-routing lock [--stage S] [--cleanup] [--restart-retention] [--filters F]   record the statements to deploy (statements.lock.json);
 *                   CDC_ROUTING_NOW fixes the date it records for stopped statements
 * SQL goes to stdout; errors to stderr; exit 0 on success, 1 on invalid input, 2 on usage errors.
 */
import { loadFilters } from "../filters/load";
import { FilterValidationError } from "../filters/errors";
import { generateSql, renderSql, type Dialect, type Shape } from "../flink-sql/generate";
import { ClockError, today } from "../lock/clock";
import { EvolutionError } from "../lock/evolution";
import { expiredNotice, keptStopped } from "../lock/retention";
import { lockedShards, lockStage } from "../lock/stage-lock";
import { readLock, writeLock } from "../lock/lock-file";
import { STAGE_NAMES } from "../stages/names";
import { stageConfig } from "../stages/stages";
import { DEFAULT_OFFLINE_OUT, ENDPOINT_ENV, offlinePlan, OfflinePlanStop } from "../offline/offline-plan";
import { oneOf, parseCommandLine, runCommandSync, UsageError, unknownMessage, type CommandIo, type OptionSpecs } from "../lib/command-line";

const DEFAULT_FILTERS = "filters/filters.yaml";
const STAGES = `<${STAGE_NAMES.join("|")}>`;

interface Verb {
  usage: string;
  summary: string;
  options: OptionSpecs;
  run: (values: Record<string, string | boolean | undefined>, io: CommandIo) => number | Promise<number>;
}

const filtersOption: OptionSpecs = { filters: { type: "string", default: DEFAULT_FILTERS } };

function choice<T extends string>(name: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  return oneOf(`--${name} value`, String(value), allowed);
}

const VERBS: Record<string, Verb> = {
  validate: {
    usage: `cdc-routing validate [--filters ${DEFAULT_FILTERS}]`,
    summary: "check a filters file; every problem with file:line:column (exit 1 if any)",
    options: filtersOption,
    run: (values, io) => {
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      const enabled = set.filters.filter((f) => f.enabled).length;
      io.err(`${values.filters}: ${set.filters.length} filters valid (${enabled} enabled)\n`);
      return 0;
    },
  },
  sql: {
    usage: `cdc-routing sql --stage ${STAGES} [--dialect confluent|flink] [--shape set|per-filter]
                [--filters ${DEFAULT_FILTERS}] [--bootstrap-servers host:port (flink dialect)]`,
    summary: "print the Flink SQL a stage runs (stdout)",
    options: { ...filtersOption, stage: { type: "string" }, dialect: { type: "string" }, shape: { type: "string" }, "bootstrap-servers": { type: "string" } },
    run: (values, io) => {
      if (!values.stage) throw new UsageError("sql needs --stage");
      const stage = choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0]);
      const dialect = choice<Dialect>("dialect", values.dialect, ["confluent", "flink"], "confluent");
      const shape = choice<Shape>("shape", values.shape, ["set", "per-filter"], "set");
      const bootstrapServers = values["bootstrap-servers"] as string | undefined;
      if (dialect === "flink" && !bootstrapServers) throw new UsageError("--dialect flink needs --bootstrap-servers");
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      // The set shape's shards as locked, so this prints what the stage deploys.
      const previousShards = lockedShards(readLock()[stage], stage);
      io.out(renderSql(generateSql(set, stage, { dialect, shape, previousShards, kafka: bootstrapServers ? { bootstrapServers } : undefined })));
      return 0;
    },
  },
  lock: {
    usage: `cdc-routing lock [--stage ${STAGES}] [--cleanup] [--restart-retention] [--filters ${DEFAULT_FILTERS}]
                 --restart-retention: date the kept stopped statements today (for a change applied 29 days or more
                 after it was locked: otherwise synth leaves out predecessors that still run)`,
    summary: "record the statements to deploy in lock/statements.lock.json (npm run statements:lock); CDC_ROUTING_NOW=YYYY-MM-DD fixes the date it stops them on",
    options: { ...filtersOption, stage: { type: "string" }, cleanup: { type: "boolean", default: false }, "restart-retention": { type: "boolean", default: false } },
    run: (values, io) => {
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      const stages = values.stage ? [choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0])] : STAGE_NAMES;
      const lock = readLock();
      const date = today();
      // Every stage is evolved before anything is written: one bad stage leaves the file untouched.
      const next = { ...lock, ...Object.fromEntries(stages.map((name) => [name, lockStage(lock, set, stageConfig(name), { cleanup: values.cleanup as boolean, restartRetention: values["restart-retention"] as boolean, today: date })])) };
      writeLock(next);
      for (const name of stages) {
        const l = next[name];
        for (const s of keptStopped(lock[name], date).expired) io.err(`${expiredNotice(name, s)}\n`);
        io.err(`${name}: running ${l.running.map((r) => r.name + (r.carriedOverFrom ? ` (offsets from ${r.carriedOverFrom})` : "")).join(", ") || "none"}; stopped ${l.stopped.map((r) => `${r.name} (since ${r.stoppedOn})`).join(", ") || "none"}\n`);
        const c = l.connector;
        if (c && c.name !== lock[name]?.connector?.name) io.err(`${name}: connector ${c.name}${c.replaces ? ` replaces ${c.replaces}: it continues from the replication slot without a snapshot` : ": takes the initial snapshot"}\n`);
      }
      return 0;
    },
  },
  plan: {
    usage: `cdc-routing plan --stage ${STAGES} [--out ${DEFAULT_OFFLINE_OUT}]     (npm run plan:offline -- --stage dev)`,
    summary: `plan a stage with local state and no cloud credentials, against the local Confluent Cloud API double (${ENDPOINT_ENV})`,
    options: { stage: { type: "string" }, out: { type: "string", default: DEFAULT_OFFLINE_OUT } },
    run: (values, io) => {
      if (!values.stage) throw new UsageError("plan needs --stage");
      return offlinePlan(choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0]), values.out as string, process.env, io.err, io.out);
    },
  },
};

export const USAGE = [
  "usage: cdc-routing <command> [options]    (cdc-routing <command> --help for one command)",
  "",
  ...Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(9)} ${v.summary}`),
  "  help      this text",
  "",
  ...Object.values(VERBS).map((v) => `  ${v.usage}`),
  "",
  "SQL goes to stdout; messages to stderr. Exit 0 on success, 1 on invalid input, 2 on a usage error.",
].join("\n");

function verbUsage(verb: Verb): string {
  return `usage: ${verb.usage}\n\n${verb.summary}`;
}

/** Reports the project's own input errors (exit 1); usage errors are handled by runCommandSync (exit 2). */
function inputFailure(e: unknown, io: CommandIo): number {
  if (e instanceof EvolutionError) {
    io.err(e.problems.map((m) => `error: ${m}\n`).join(""));
    io.err("nothing was written\n");
    return 1;
  }
  if (e instanceof ClockError) {
    io.err(`error: ${e.message}\n`);
    return 1;
  }
  if (e instanceof OfflinePlanStop) {
    io.err(`plan stopped: ${e.message}\n`);
    return 1;
  }
  if (e instanceof FilterValidationError) {
    io.err(e.errors.map((m) => `error: ${m}\n`).join(""));
    io.err(`${e.summary}; nothing was generated\n`);
    return 1;
  }
  throw e;
}

export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number | Promise<number> {
  const io: CommandIo = { out, err: (s) => err(s.replace(/\n$/, "")) };
  const [name, ...rest] = argv;
  if (name === "help" && rest.length > 0 && VERBS[rest[0]]) return run([rest[0], "--help"], out, err);
  const verb = name === undefined ? undefined : VERBS[name];
  if (!verb) {
    return runCommandSync(name === "help" ? ["--help"] : argv, USAGE, () => {
      throw new UsageError(name === undefined ? "no command given" : unknownMessage("command", name, [...Object.keys(VERBS), "help"]));
    }, io);
  }
  // A verb that waits (plan) finishes later; its failures are reported the same way.
  let pending: Promise<number> | undefined;
  const code = runCommandSync(rest, verbUsage(verb), () => {
    const { values } = parseCommandLine(rest, verb.options);
    try {
      const result = verb.run(values, io);
      if (typeof result === "number") return result;
      pending = result.catch((e: unknown) => inputFailure(e, io));
      return 0;
    } catch (e) {
      return inputFailure(e, io);
    }
  }, io);
  return pending ?? code;
}

export function main(): void {
  void Promise.resolve(run(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s + "\n"))).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
