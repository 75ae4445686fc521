/**
 * cdc-routing CLI (bin/cdc-routing.js): the interface CI and other tooling call.
 *   cdc-routing validate [--filters F]
 *   cdc-routing sql --stage S [--dialect confluent|flink] [--shape set|per-filter] [--filters F]
 *                   [--bootstrap-servers H:P]   (flink dialect)
 *   cdc-routing lock [--stage S] [--cleanup] [--restart-retention] [--filters F]   record the statements to deploy
 *                   (lock/statements.lock.json); CDC_ROUTING_NOW fixes the date it records for stopped statements
 *   cdc-routing plan --stage S [--base REF | --from-empty] [--out DIR]   the offline plan (offline/offline-plan.ts)
 *   cdc-routing status --stage S --targets FILE [--json]   a deployed stage's health (status/command.ts)
 *   cdc-routing recover --dir DIR   after a killed apply: the lock it left, orphans to import, duplicates to delete
 * SQL goes to stdout; messages to stderr; exit codes as lib/errors.ts says (0 ok, 1 input, 2 usage, 70 bug);
 * status: 0 healthy, 1 unhealthy, 2 when it cannot tell.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_FILTERS_FILE, loadFilters, parseFiltersYaml } from "../filters/load";
import type { FilterSet } from "../filters/model";
import { namingWarnings } from "../filters/topic-scopes";
import type { Dialect, Shape } from "../flink-sql/generate";
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
import { InputError, UsageError } from "../lib/errors";
import { writeFileAtomically } from "../lib/files";
import { DEFAULT_OFFLINE_OUT, ENDPOINT_ENV } from "../offline/plan-options";
import { STAGE_NAMES } from "../stages/names";

/**
 * What only some verbs need, loaded when one of them runs: `validate`, which users run on every save, then
 * starts without cdktf, kafkajs, the API double or the lock's machinery (docs/performance.md, The CLI).
 */
const load = {
  kafka: (): typeof import("kafkajs") => require("kafkajs"),
  kafkaConfig: (): typeof import("../consumers/kafka-config") => require("../consumers/kafka-config"),
  sample: (): typeof import("../consumers/sample") => require("../consumers/sample"),
  migrate: (): typeof import("../filters/migrate") => require("../filters/migrate"),
  versionEdit: (): typeof import("../filters/version-edit") => require("../filters/version-edit"),
  sql: (): typeof import("../flink-sql/generate") => require("../flink-sql/generate"),
  clock: (): typeof import("../lock/clock") => require("../lock/clock"),
  lockFile: (): typeof import("../lock/lock-file") => require("../lock/lock-file"),
  retention: (): typeof import("../lock/retention") => require("../lock/retention"),
  sourceColumns: (): typeof import("../lock/source-columns") => require("../lock/source-columns"),
  stageLock: (): typeof import("../lock/stage-lock") => require("../lock/stage-lock"),
  versionBumps: (): typeof import("../lock/version-bumps") => require("../lock/version-bumps"),
  offlinePlan: (): typeof import("../offline/offline-plan") => require("../offline/offline-plan"),
  impact: (): typeof import("../review/impact") => require("../review/impact"),
  impactInput: (): typeof import("../review/impact-input") => require("../review/impact-input"),
  stages: (): typeof import("../stages/stages") => require("../stages/stages"),
  status: (): typeof import("../status/command") => require("../status/command"),
  recover: (): typeof import("../offline/interrupted-apply-report") => require("../offline/interrupted-apply-report"),
};

const STAGES = `<${STAGE_NAMES.join("|")}>`;

interface Verb {
  usage: string;
  summary: string;
  options: OptionSpecs;
  /** What did not happen when the verb fails on its input (the line after the `error:` lines). */
  failureNote?: string;
  /** How many positional arguments it takes. @default 0 */
  positionals?: number;
  run: (
    values: Record<string, string | boolean | undefined>,
    io: CommandIo,
    positionals: readonly string[],
  ) => CommandResult | Promise<CommandResult>;
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

/** A consumer whose topics are granted one by one is worth a line, never a failure (filters/topic-scopes.ts). */
function warnAboutNaming(set: FilterSet, io: CommandIo): void {
  for (const warning of namingWarnings(set.filters, [...set.sources.keys()])) io.err(`warning: ${warning}\n`);
}

const VERBS: Record<string, Verb> = {
  validate: {
    usage: `cdc-routing validate [--filters ${DEFAULT_FILTERS_FILE}]`,
    summary: "check a filters file; every problem with file:line:column (exit 1 if any)",
    options: filtersOption,
    run: (values, io) => {
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      warnAboutNaming(set, io);
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
      const { generateSql, renderSql } = load.sql();
      const { withLockedDefaultColumns } = load.sourceColumns();
      // The set shape's shards and default projections as locked, so this prints what the stage deploys.
      const locked = load.lockFile().readLock()[stage];
      const previousShards = load.stageLock().lockedShards(locked, stage);
      io.out(
        renderSql(
          generateSql(withLockedDefaultColumns(set, locked), stage, {
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
    usage: `cdc-routing lock [--stage ${STAGES}] [--check] [--cleanup] [--restart-retention] [--filters ${DEFAULT_FILTERS_FILE}]
                 --check: change nothing; fail if a filter changed without a new version or the lock is out of date
                 (CI and the pull-request workflow)
                 --restart-retention: date the kept stopped statements today (for a change applied 29 days or more
                 after it was locked: otherwise synth leaves out predecessors that still run)`,
    failureNote: "nothing was written",
    summary:
      "record the statements to deploy in lock/statements.lock.json (npm run statements:lock), numbering changed filters' new versions in the filters file; CDC_ROUTING_NOW=YYYY-MM-DD fixes the date it stops them on",
    options: {
      ...filtersOption,
      stage: { type: "string" },
      check: { type: "boolean", default: false },
      cleanup: { type: "boolean", default: false },
      "restart-retention": { type: "boolean", default: false },
    },
    run: (values, io) => {
      const file = values.filters as string;
      const { readLock, writeLock } = load.lockFile();
      const { lockStage } = load.stageLock();
      const { stageConfig } = load.stages();
      const lock = readLock();
      let set = loadFilters(file, { stages: STAGE_NAMES });
      warnAboutNaming(set, io);
      const stages = values.stage ? [choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0])] : STAGE_NAMES;
      // A changed filter gets its next version here (--check leaves it to the refusal below, as before).
      const bumps = values.check ? [] : load.versionBumps().versionBumps(lock, set);
      const bumped =
        bumps.length > 0
          ? load.versionEdit().withVersions(readFileSync(file, "utf8"), new Map(bumps.map((b) => [b.filter, b.to])))
          : "";
      if (bumped) set = parseFiltersYaml(bumped, file, { stages: STAGE_NAMES });
      const date = load.clock().today();
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
      if (values.check) {
        const stale = stages.filter((name) => JSON.stringify(next[name]) !== JSON.stringify(lock[name]));
        if (stale.length > 0)
          throw new InputError(
            `lock/statements.lock.json is out of date for ${stale.join(", ")}; run \`npm run statements:lock\` and commit the result`,
          );
        io.err(`lock/statements.lock.json is up to date for ${stages.join(", ")}\n`);
        return 0;
      }
      // The filters file and the lock are written only once every stage evolved: a refusal leaves both untouched.
      if (bumped) {
        writeFileAtomically(file, bumped);
        for (const b of bumps)
          io.err(`${file}: filter ${b.filter} version ${b.from} -> ${b.to} (${b.changes.join("; ")})\n`);
      }
      writeLock(next);
      const { expiredNotice, keptStopped } = load.retention();
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
  impact: {
    usage: `cdc-routing impact --base <git ref> [--stage ${STAGES}] [--events <file.jsonl>] [--filters ${DEFAULT_FILTERS_FILE}]`,
    summary:
      "which events start or stop reaching each consumer between the filters at a git ref and the working tree (stdout)",
    failureNote: "nothing was compared",
    options: { ...filtersOption, base: { type: "string" }, stage: { type: "string" }, events: { type: "string" } },
    run: (values, io) => {
      if (!values.base) throw new UsageError("impact needs --base <git ref> (e.g. origin/main)");
      const stage = choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0]);
      const file = values.filters as string;
      const { impactEvents, renderImpact, routingImpact } = load.impact();
      const { filtersAtRef, readCorpus } = load.impactInput();
      const head = loadFilters(file, { stages: STAGE_NAMES });
      const base = filtersAtRef(values.base as string, file);
      const corpus = values.events ? readCorpus(values.events as string, head.sourceTopic) : [];
      const events = impactEvents(base, head, stage, corpus);
      io.out(`${renderImpact(routingImpact(base, head, stage, events), "text")}\n`);
      return 0;
    },
  },
  sample: {
    usage: `cdc-routing sample --topic <raw topic> --count <n> --out <file.jsonl> [--bootstrap-servers host:port]
                 [--filters ${DEFAULT_FILTERS_FILE}] [--timeout-s 60]     (KAFKA_API_KEY/KAFKA_API_SECRET for SASL_SSL)`,
    summary: "write a corpus for impact from a live raw topic, keeping only the fields the filters read (and id, __op)",
    failureNote: "nothing was written",
    options: {
      ...filtersOption,
      topic: { type: "string" },
      count: { type: "string" },
      out: { type: "string" },
      "bootstrap-servers": { type: "string" },
      "timeout-s": { type: "string", default: "60" },
    },
    run: async (values, io) => {
      const topic = values.topic as string | undefined;
      const count = Number(values.count);
      const seconds = Number(values["timeout-s"]);
      if (!topic || !values.out) throw new UsageError("sample needs --topic and --out");
      if (!Number.isInteger(count) || count < 1)
        throw new UsageError(`--count must be a positive whole number, got '${values.count ?? ""}'`);
      if (!(seconds > 0)) throw new UsageError(`--timeout-s must be a positive number, got '${values["timeout-s"]}'`);
      const set = loadFilters(values.filters as string, { stages: STAGE_NAMES });
      if (!set.sources.has(topic))
        throw new InputError(
          `${topic} is not a raw topic of ${values.filters} (raw topics: ${[...set.sources.keys()].join(", ")})`,
        );
      const { Kafka, logLevel } = load.kafka();
      const { describeKafkaConfig, kafkaConfigFromEnv, talkingToKafka } = load.kafkaConfig();
      const env = {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: (values["bootstrap-servers"] as string) ?? process.env.KAFKA_BOOTSTRAP_SERVERS,
      };
      const config = { ...kafkaConfigFromEnv(env, "cdc-routing-sample"), logLevel: logLevel.WARN };
      io.err(`sample: up to ${count} records of ${topic} from ${describeKafkaConfig(config)}\n`);
      const events = await talkingToKafka(config, () =>
        load.sample().sampleTopic(new Kafka(config), set, topic, count, seconds * 1000),
      );
      writeFileAtomically(values.out as string, events.map((e) => `${JSON.stringify(e)}\n`).join(""));
      io.err(`${values.out}: ${events.length} events (only the fields the filters read)\n`);
      return 0;
    },
  },
  migrate: {
    usage: "cdc-routing migrate <older-filters.yaml> [--out <file>]     (stdout without --out)",
    summary:
      "rewrite a filters file of the older format (consumerId, conditionLogic, operator) in today's, comments kept",
    failureNote: "nothing was written",
    options: { out: { type: "string" } },
    positionals: 1,
    run: (values, io, [file]) => {
      if (!file) throw new UsageError("migrate needs the file to convert");
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const { text: migrated, notes } = load.migrate().migrateLegacyFilters(text, file);
      for (const note of notes) io.err(`note: ${note}\n`);
      if (values.out) {
        writeFileAtomically(values.out as string, migrated);
        io.err(`${values.out}: written; check it with npx cdc-routing validate --filters ${values.out}\n`);
      } else io.out(migrated);
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
      const { baseChoice, offlinePlan } = load.offlinePlan();
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
  status: {
    usage: `cdc-routing status --stage ${STAGES} --targets status-targets.json [--json] [--timeout 20]
                   [--bootstrap-servers host:port] [--filters ${DEFAULT_FILTERS_FILE}]
                   --targets: \`terraform output -json status_targets\` of the deployed stage; credentials from
                   CONFLUENT_CLOUD_API_KEY/_SECRET, CONFLUENT_FLINK_API_KEY/_SECRET, SCHEMA_REGISTRY_API_KEY/_SECRET,
                   KAFKA_API_KEY/_SECRET (docs/monitoring.md)`,
    summary:
      "a deployed stage's health: connector, statements, consumer lag, raw topics, subjects (exit 0 healthy, 1 unhealthy, 2 cannot tell)",
    options: {
      ...filtersOption,
      stage: { type: "string" },
      targets: { type: "string" },
      json: { type: "boolean", default: false },
      timeout: { type: "string", default: "20" },
      "bootstrap-servers": { type: "string" },
    },
    run: (values, io) => {
      if (!values.stage) throw new UsageError("status needs --stage");
      if (!values.targets) throw new UsageError("status needs --targets (terraform output -json status_targets)");
      const timeout = Number(values.timeout);
      if (!(timeout > 0))
        throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
      return load.status().runStatus(
        {
          stage: choice("stage", values.stage, STAGE_NAMES, STAGE_NAMES[0]),
          targets: values.targets as string,
          filters: values.filters as string,
          json: values.json as boolean,
          timeoutMs: timeout * 1000,
          bootstrapServers: values["bootstrap-servers"] as string | undefined,
          env: process.env,
        },
        io,
      );
    },
  },
  recover: {
    usage: `cdc-routing recover --dir cdktf.out/stacks/<stage>
                   the terraform working directory of a stage whose apply was killed; Cloud API key from
                   TF_VAR_confluent_cloud_api_key/_secret (docs/runbooks/interrupted-apply.md)`,
    summary:
      "after a killed apply: the lock it left, the objects it created that the state lacks (as terraform import lines), and the listings that show duplicates; reads only",
    options: { dir: { type: "string" } },
    run: (values, io) => {
      if (!values.dir) throw new UsageError("recover needs --dir <terraform working directory>");
      return load
        .recover()
        .interruptedApplyReport(values.dir as string)
        .then((lines) => {
          for (const line of lines) io.out(`${line}\n`);
          return 0;
        });
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
  "SQL goes to stdout; messages to stderr. Exit 0 on success, 1 on invalid input, 2 on a usage error, 70 on a bug;",
  "status: 0 healthy, 1 unhealthy, 2 when it cannot tell (usage, connection or credentials).",
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
    // An unknown command is a usage error with or without --help (`help <unknown>` too): help for a command that
    // does not exist would answer a typo with exit 0.
    const unknown = name === "help" ? rest[0] : name;
    const asHelp = (name === "help" && rest.length === 0) || name === "--help" || name === "-h";
    return runCommand(
      asHelp ? ["--help"] : [],
      USAGE,
      () => {
        throw new UsageError(unknown === undefined ? "no command given" : unknownMessage("command", unknown, COMMANDS));
      },
      { io },
    );
  }
  return runCommand(
    rest,
    verbUsage(verb),
    () => {
      const parsed = parseCommandLine(rest, verb.options, verb.positionals ?? 0);
      return verb.run(parsed.values, io, parsed.positionals);
    },
    {
      io,
      note: verb.failureNote,
    },
  );
}

/** The `cdc-routing` binary (bin/cdc-routing.js). */
export function main(): Promise<void> {
  return finishScript(run(process.argv.slice(2)));
}

if (require.main === module) void main();
