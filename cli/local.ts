/**
 * npm run local:fetch | local:up | local:deploy | local:status | local:down
 *   fetch  download the pinned jars (Maven) and compile the Flink SQL runner; prints progress
 *   up     start PostgreSQL, Kafka, Kafka Connect + Debezium and the routing job (Flink, set shape) on the default
 *          ports, print how to reach them, and run until Ctrl-C or `local:down`; everything stops on exit
 *   deploy dev on the local Confluent Cloud API double with the engines behind it (offline/local-deploy-command.ts)
 *   status `cdc-routing status` of the running `local:deploy` (offline/local-status.ts)
 *   down   stop a running `local:up` or `local:deploy` (sends it SIGTERM through its pid file)
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { executableStatements, generateSql } from "../flink-sql/generate";
import { oneOf, parseCommandLine, processIo, runScript } from "../lib/command-line";
import { ConnectionError, InputError, UsageError } from "../lib/errors";
import { FlinkRunner } from "../local/flink";
import { cacheRoot, ensureAll } from "../local/jars";
import { DEFAULT_PORTS, startPipeline } from "../local/pipeline";
import { javaCommand, printProgress, stopAll } from "../local/processes";
import { localDeploy } from "../offline/local-deploy-command";
import { type LocalDeployRecord, localStatus } from "../offline/local-status";

const USAGE = `usage: npm run local:fetch | local:up | local:deploy | local:status | local:down     (tsx cli/local.ts <command>)

  fetch  download the pinned jars (Maven) into ~/.cache/cdc-routing (or $CDC_ROUTING_CACHE) and compile the
         Flink SQL runner; prints progress
  up     start PostgreSQL, Kafka, Kafka Connect + Debezium and the routing job on the default ports; runs until
         Ctrl-C or \`npm run local:down\`
  deploy start the engines behind the local Confluent Cloud API double, deploy dev to it with npx cdktf deploy
         (providers from the local mirror), insert sample rows, check what the example consumers receive,
         end with the stage's status table; runs until Ctrl-C or \`npm run local:down\`
  status the status table of the running \`local:deploy\` (cdc-routing status through the local API double);
         --json for the report as JSON; exit 0 healthy, 1 unhealthy, 2 when it cannot tell
  down   stop a running \`local:up\` or \`local:deploy\``;
const VERBS = ["fetch", "up", "deploy", "status", "down"] as const;

const PID_FILE = join(cacheRoot(), "local-up.pid");
/** Where a running `local:deploy` says where it is (offline/local-status.ts LocalDeployRecord; no credential). */
const DEPLOY_FILE = join(cacheRoot(), "local-deploy.json");

function refuseSecondRun(): void {
  if (existsSync(PID_FILE)) {
    const pid = Number(readFileSync(PID_FILE, "utf8"));
    try {
      process.kill(pid, 0);
      throw new InputError(`a local pipeline already runs (pid ${pid}); stop it with npm run local:down`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }
}

function recordRunning(): void {
  writeFileSync(PID_FILE, String(process.pid));
  process.on("exit", () => rmSync(PID_FILE, { force: true }));
}

function recordDeploy(record: LocalDeployRecord): void {
  recordRunning();
  writeFileSync(DEPLOY_FILE, JSON.stringify(record, null, 2));
  process.on("exit", () => rmSync(DEPLOY_FILE, { force: true }));
}

function status(json: boolean): Promise<number> {
  if (!existsSync(DEPLOY_FILE))
    throw new ConnectionError("no local deploy is running; start one with npm run local:deploy");
  const record = JSON.parse(readFileSync(DEPLOY_FILE, "utf8")) as LocalDeployRecord;
  return localStatus(record, processIo, { json });
}

async function up(): Promise<void> {
  refuseSecondRun();
  javaCommand();
  const pipeline = await startPipeline({ ports: DEFAULT_PORTS });
  const flink = await FlinkRunner.start({
    workDir: pipeline.workDir,
    config: { "parallelism.default": "1", "execution.checkpointing.interval": "5s" },
  });
  const sql = generateSql(pipeline.filters, "dev", {
    dialect: "flink",
    shape: "set",
    kafka: { bootstrapServers: pipeline.kafka.bootstrapServers, groupId: "cdc-routing-local" },
  });
  await flink.submit(executableStatements(sql));
  recordRunning();
  printProgress(`routing job running (${sql.statements.map((s) => s.name).join(", ")})`);
  process.stdout.write(
    [
      "",
      "local pipeline is up:",
      `  PostgreSQL   postgresql://postgres@127.0.0.1:${DEFAULT_PORTS.postgres}/${pipeline.stage.source.database} (table public.business_events)`,
      `  Kafka        127.0.0.1:${DEFAULT_PORTS.kafka}   e.g. KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${DEFAULT_PORTS.kafka} npm run consumer -- loan-servicing`,
      `  Connect REST http://127.0.0.1:${DEFAULT_PORTS.connectRest}/connectors`,
      `  check        KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${DEFAULT_PORTS.kafka} npm run verify -- --stage dev`,
      `  logs         ${pipeline.workDir}`,
      "Ctrl-C or `npm run local:down` stops everything.",
      "",
    ].join("\n"),
  );
  await new Promise(() => undefined); // until a signal; processes.ts stops the services
}

function down(): void {
  if (!existsSync(PID_FILE)) {
    process.stdout.write("no local pipeline is running\n");
    return;
  }
  const pid = Number(readFileSync(PID_FILE, "utf8"));
  try {
    process.kill(pid, "SIGTERM");
    process.stdout.write(`stopping the local pipeline (pid ${pid})\n`);
  } catch {
    rmSync(PID_FILE, { force: true });
    process.stdout.write("the recorded local pipeline was not running any more\n");
  }
}

async function main(args: string[]): Promise<number | undefined> {
  const { positionals, values } = parseCommandLine(args, { json: { type: "boolean" } }, 1);
  if (positionals.length === 0) throw new UsageError("no command given");
  const verb = oneOf("command", positionals[0], VERBS);
  if (values.json && verb !== "status") throw new UsageError("--json is an option of status only");
  if (verb === "status") return status(values.json ?? false);
  if (verb === "fetch") {
    javaCommand();
    await ensureAll();
  } else if (verb === "up") await up();
  else if (verb === "deploy") {
    refuseSecondRun();
    javaCommand();
    await localDeploy("dev", recordDeploy);
  } else down();
}

// A failure stops every engine this run started before the process ends.
void runScript(USAGE, main, { cleanup: stopAll });
