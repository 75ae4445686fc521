/**
 * A throwaway PostgreSQL 15 server for the harness: temporary data directory, loopback only, wal_level=logical,
 * trust authentication (nothing but this machine can reach it). PostgreSQL refuses to run as root, so under
 * root the server runs as the `postgres` OS user.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { InputError } from "../lib/errors";
import { run } from "../lib/run";
import { recordTiming } from "../lib/timings";
import { cacheRoot, makeDirectoryOnce } from "./jars";
import {
  type Progress,
  printProgress,
  type RunningService,
  startService,
  stopAndRestart,
  temporaryDir,
} from "./processes";

export interface PostgresHandle {
  port: number;
  database: string;
  user: string;
  dataDir: string;
  service: RunningService;
  connect(user?: string, password?: string): Promise<Client>;
}

/** Newest installed server binaries, or PG_BIN. */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "postgres")))
    : [];
  if (versions.length === 0) {
    throw new InputError(
      "PostgreSQL server binaries were not found under /usr/lib/postgresql; install postgresql or set PG_BIN",
    );
  }
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
}

/** argv -> [command, args], dropping root privileges to the postgres OS user when needed. */
function asServerUser(argv: string[]): [string, string[]] {
  if (userInfo().uid !== 0) return [argv[0], argv.slice(1)];
  return ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", ...argv]];
}

function ownDir(dir: string): void {
  if (userInfo().uid !== 0) return;
  const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (ids.status !== 0) throw new InputError("running as root needs an OS user named postgres to run the server");
  chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
}

/**
 * initdb's arguments: a cluster any suite can use (loopback trust authentication, UTF-8, the C locale). Test data
 * only, as fsync=off below: initdb need not wait for its files to reach the disk, which the other engines of an e2e
 * run write to at the same time (https://www.postgresql.org/docs/current/app-initdb.html).
 */
const INITDB_ARGS = ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"];

/**
 * Where the pristine data directory initdb made for these binaries and arguments is kept, beside the engines' jars:
 * initdb bootstraps a cluster by running the server several times, 3 to 10 s of an e2e suite under load, where a
 * copy of the same files takes a fraction of a second (docs/performance.md). One per binaries, version, arguments
 * and user, as initdb's output depends on nothing else.
 */
export function dataDirectoryTemplate(bin: string): string {
  const key = createHash("sha256")
    .update(JSON.stringify([bin, serverVersion(bin), INITDB_ARGS, userInfo().uid]))
    .digest("hex")
    .slice(0, 16);
  return join(cacheRoot(), "postgres", key);
}

/** `postgres --version` of the binaries in `bin`, asked once per process (a suite may start several servers). */
const serverVersions = new Map<string, string>();
function serverVersion(bin: string): string {
  const known = serverVersions.get(bin);
  if (known !== undefined) return known;
  const version = spawnSync(join(bin, "postgres"), ["--version"], { encoding: "utf8" });
  if (version.status !== 0) throw new InputError(`${join(bin, "postgres")} --version failed: ${version.stderr}`);
  serverVersions.set(bin, version.stdout.trim());
  return version.stdout.trim();
}

/**
 * A new cluster's data directory at `dataDir`: a copy of the cached template (`cp -a` keeps the server user's
 * ownership and the 0700 mode the server insists on), else initdb's, which then becomes the template: copied aside
 * under a name of its own and renamed into place, so no reader ever sees a half-written template.
 */
async function newDataDirectory(bin: string, dataDir: string): Promise<void> {
  const template = dataDirectoryTemplate(bin);
  const start = Date.now();
  if (existsSync(template)) {
    const copied = await run("cp", ["-a", join(template, "data"), dataDir]);
    recordTiming("setup", "postgres data directory copied", start);
    if (copied.code !== 0)
      throw new InputError(`copying the data directory template ${template} failed: ${copied.output}`);
    return;
  }
  const [initCommand, initArgs] = asServerUser([join(bin, "initdb"), "-D", dataDir, ...INITDB_ARGS]);
  // Not spawnSync: Kafka starts beside it (pipeline.ts).
  const init = await run(initCommand, initArgs);
  recordTiming("setup", "postgres initdb", start);
  if (init.code !== 0) throw new InputError(`initdb failed: ${init.output}`);
  // Once per cache (the first server), so a copy that holds the event loop for a fraction of a second is fine.
  makeDirectoryOnce(template, (partial) => {
    const kept = spawnSync("cp", ["-a", dataDir, join(partial, "data")], { encoding: "utf8" });
    if (kept.status !== 0)
      throw new InputError(`keeping the data directory as a template failed: ${kept.stderr || kept.error}`);
  });
}

export async function startPostgres(
  options: { port: number; workDir: string; database?: string },
  progress: Progress = printProgress,
): Promise<PostgresHandle> {
  const bin = postgresBin();
  const database = options.database ?? "business";
  // Its own directory under the system temp dir: the server user must be able to reach it.
  const base = temporaryDir("pg");
  ownDir(base);
  const dataDir = join(base, "data");
  await newDataDirectory(bin, dataDir);
  const [command, args] = asServerUser([
    join(bin, "postgres"),
    "-D",
    dataDir,
    "-p",
    String(options.port),
    "-k",
    base,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "wal_level=logical",
    "-c",
    "max_wal_senders=10",
    "-c",
    "max_replication_slots=10",
    // Test data only: durability is not needed and fsync costs seconds per test on a small disk.
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
  ]);
  const connect = async (user = "postgres", password?: string, db = database) => {
    const client = new Client({ host: "127.0.0.1", port: options.port, user, password, database: db });
    await client.connect();
    return client;
  };
  const service = await startService(
    {
      name: "postgresql",
      command,
      args,
      logFile: join(options.workDir, "postgresql.log"),
      port: options.port,
      timeoutMs: 30_000,
      ready: async () => {
        const client = await connect("postgres", undefined, "postgres");
        await client.end();
        return true;
      },
    },
    progress,
  );
  const admin = await connect("postgres", undefined, "postgres");
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const client = await connect();
  await client.query(readFileSync(join(__dirname, "sql", "business_events.sql"), "utf8"));
  await client.end();
  return {
    port: options.port,
    database,
    user: "postgres",
    dataDir,
    service,
    connect: (user, password) => connect(user, password),
  };
}

/**
 * A restart of the server as a managed database restarts for maintenance: a fast shutdown (SIGINT: sessions and
 * the replication connection dropped, a shutdown checkpoint written), then the same server again on its data
 * directory and port. Replication slots are kept on disk and survive it. `whileDown` runs in between.
 */
export async function restartPostgres(
  pg: PostgresHandle,
  whileDown: () => Promise<void> = async () => undefined,
  progress?: Progress,
): Promise<void> {
  await stopAndRestart(pg, "SIGINT", whileDown, progress);
}
