/**
 * cdc-routing CLI (bin/cdc-routing.js): the interface CI and other tooling call.
 *   cdc-routing validate [--filters F]
 *   cdc-routing sql --stage S [--dialect confluent|flink] [--shape set|per-filter] [--filters F]
 *                   [--bootstrap-servers H:P]   (flink dialect)
 *   cdc-routing lock [--stage S] [--cleanup] [--restart-retention] [--filters F]   record the statements to deploy
 *                   (lock/statements.lock.json); CDC_ROUTING_NOW fixes the date it records for stopped statements
 *   cdc-routing plan --stage S [--base REF | --from-empty] [--out DIR]   the offline plan (offline/offline-plan.ts)
 * SQL goes to stdout; messages to stderr; exit codes as lib/errors.ts says (0 ok, 1 input, 2 usage, 70 bug).
 */
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { type Dialect, generateSql, renderSql, type Shape } from "../flink-sql/generate";
import {
  type CommandIo,
  type CommandResult,
  finishScript,
  type OptionSpecs,
  oneOf,
  parseCommandLine,
  processIo,
  runCommand,
  unknownMessage,
} from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { today } from "../lock/clock";
import { readLock, writeLock } from "../lock/lock-file";
import { expiredNotice, keptStopped } from "../lock/retention";
import { lockedShards, lockStage } from "../lock/stage-lock";
import { baseChoice, DEFAULT_OFFLINE_OUT, ENDPOINT_ENV, offlinePlan } from "../offline/offline-plan";
import { STAGE_NAMES } from "../stages/names";
import { stageConfig } from "../stages/stages";

const STAGES = `<${STAGE_NAMES.join("|")}>`;

interface Verb {
  usage: string;
  summary: string;
  options: OptionSpecs;
  /** What did not happen when the verb fails on its input (the line after the `error:` lines). */
  failureNote?: string;
  run: (values: Record<string, string | boolean | undefined>, io: CommandIo) => CommandResult | Promise<CommandResult>;
}

const filtersOption: OptionSpecs = { filters: { type: "string", default: DEFAULT_FILTERS_FILE } };

function choice<T extends string>(
  name: string,
  value: string | boolean | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  return oneOf(`--${name} value`, String(value), allowed);
}

const VERBS: Record<string, Verb> = {
  validate: {
    usage: `cdc-routing validate [--filters ${DEFAULT_FILTERS_FILE}]`,
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
                [--filters ${DEFAULT_FILTERS_FILE}] [--bootstrap-servers host:port (flink dialect)]`,
    summary: "print the Flink SQL a stage runs (stdout)",
    failureNote: "nothing was generated",
    options: {
      ...filtersOption,
      stage: { type: "string" },
      dialect: { type: "string" },
      shape: { type: "string" },
      "bootstrap-servers": { type: "string" },
    },
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
      io.out(
        renderSql(
          generateSql(set, stage, {
            dialect,
            shape,
            previousShards,
            kafka: bootstrapServers ? { bootstrapServers } : undefined,
          }),
        ),
      );
      return 0;
    },
  },
  lock: {
    usage: `cdc-routing lock [--stage ${STAGES}] [--cleanup] [--restart-retention] [--filters ${DEFAULT_FILTERS_FILE}]
                 --restart-retention: date the kept stopped statements today (for a change applied 29 days or more
                 after it was locked: otherwise synth leaves out predecessors that still run)`,
    failureNote: "nothing was written",
    summary:
      "record the statements to deploy in lock/statements.lock.json (npm run statements:lock); CDC_ROUTING_NOW=YYYY-MM-DD fixes the date it stops them on",
    options: {
      ...filtersOption,
      stage: { type: "string" },
      cleanup: { type: "boolean", default: false },
      "restart-retention": { type: "boolean", default: false },
    },
    run: (values, io) => {
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      const stages = values.stage ? [choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0])] : STAGE_NAMES;
      const lock = readLock();
      const date = today();
      // Every stage is evolved before anything is written: one bad stage leaves the file untouched.
      const next = {
        ...lock,
        ...Object.fromEntries(
          stages.map((name) => [
            name,
            lockStage(lock, set, stageConfig(name), {
              cleanup: values.cleanup as boolean,
              restartRetention: values["restart-retention"] as boolean,
              today: date,
            }),
          ]),
        ),
      };
      writeLock(next);
      for (const name of stages) {
        const l = next[name];
        for (const s of keptStopped(lock[name], date).expired) io.err(`${expiredNotice(name, s)}\n`);
        io.err(
          `${name}: running ${l.running.map((r) => r.name + (r.carriedOverFrom ? ` (offsets from ${r.carriedOverFrom})` : "")).join(", ") || "none"}; stopped ${l.stopped.map((r) => `${r.name} (since ${r.stoppedOn})`).join(", ") || "none"}\n`,
        );
        const c = l.connector;
        if (c && c.name !== lock[name]?.connector?.name)
          io.err(
            `${name}: connector ${c.name}${c.replaces ? ` replaces ${c.replaces}: it continues from the replication slot without a snapshot` : ": takes the initial snapshot"}\n`,
          );
      }
      return 0;
    },
  },
  plan: {
    usage: `cdc-routing plan --stage ${STAGES} [--base REF | --from-empty] [--out ${DEFAULT_OFFLINE_OUT}]     (npm run plan:offline -- --stage dev)
                 the base (default: the merge base of HEAD and main) is applied to the double first`,
    failureNote: "nothing was planned",
    summary: `plan a stage with local state and no cloud credentials, against the local Confluent Cloud API double (${ENDPOINT_ENV})`,
    options: {
      stage: { type: "string" },
      out: { type: "string", default: DEFAULT_OFFLINE_OUT },
      base: { type: "string" },
      "from-empty": { type: "boolean", default: false },
    },
    run: (values, io) => {
      if (!values.stage) throw new UsageError("plan needs --stage");
      return offlinePlan(
        choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0]),
        values.out as string,
        process.env,
        io.err,
        io.out,
        baseChoice(values.base as string | undefined, values["from-empty"] as boolean),
      );
    },
  },
};

/** The verbs `cdc-routing` answers (the docs may name only these). */
export const COMMANDS: readonly string[] = [...Object.keys(VERBS), "help"];

export const USAGE = [
  "usage: cdc-routing <command> [options]    (cdc-routing <command> --help for one command)",
  "",
  ...Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(9)} ${v.summary}`),
  "  help      this text",
  "",
  ...Object.values(VERBS).map((v) => `  ${v.usage}`),
  "",
  "SQL goes to stdout; messages to stderr. Exit 0 on success, 1 on invalid input, 2 on a usage error, 70 on a bug.",
].join("\n");

function verbUsage(verb: Verb): string {
  return `usage: ${verb.usage}\n\n${verb.summary}`;
}

/** Runs one command line; returns its exit code (a promise for a verb that waits, such as plan). */
export function run(argv: readonly string[], io: CommandIo = processIo): number | Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" && rest.length > 0 && VERBS[rest[0]]) return run([rest[0], "--help"], io);
  const verb = name === undefined ? undefined : VERBS[name];
  if (!verb) {
    return runCommand(
      name === "help" ? ["--help"] : argv,
      USAGE,
      () => {
        throw new UsageError(name === undefined ? "no command given" : unknownMessage("command", name, COMMANDS));
      },
      { io },
    );
  }
  return runCommand(rest, verbUsage(verb), () => verb.run(parseCommandLine(rest, verb.options).values, io), {
    io,
    note: verb.failureNote,
  });
}

/** The `cdc-routing` binary (bin/cdc-routing.js). */
export function main(): Promise<void> {
  return finishScript(run(process.argv.slice(2)));
}

if (require.main === module) void main();
