/**
 * local/postgres.ts with the real server binaries: the first server of a cache runs initdb and keeps its data
 * directory as the template; the next one starts from a copy of it, as a working logical-replication server of its
 * own.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../lib/ports";
import { dataDirectoryTemplate, type PostgresHandle, postgresBin, startPostgres } from "../../local/postgres";
import { stopAll } from "../../local/processes";
import { temporaryDirectory } from "../support/helpers";

const quiet = () => undefined;

async function query(pg: PostgresHandle, sql: string): Promise<Record<string, unknown>[]> {
  const client = await pg.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("startPostgres", () => {
  const saved = process.env.CDC_ROUTING_CACHE;
  beforeAll(() => {
    process.env.CDC_ROUTING_CACHE = temporaryDirectory("postgres-cache");
  });
  afterAll(async () => {
    // Stops both servers and removes their data directories.
    await stopAll();
    if (saved === undefined) delete process.env.CDC_ROUTING_CACHE;
    else process.env.CDC_ROUTING_CACHE = saved;
  });

  async function start(): Promise<PostgresHandle> {
    return startPostgres({ port: await freePort(), workDir: temporaryDirectory("postgres-work") }, quiet);
  }

  test("keeps initdb's data directory once and starts the next server from a copy", async () => {
    const template = dataDirectoryTemplate(postgresBin());
    expect(existsSync(template)).toBe(false);

    const first = await start();
    expect(readdirSync(join(process.env.CDC_ROUTING_CACHE!, "postgres"))).toEqual([template.split("/").pop()]);
    // The template is initdb's output before any server ran on it.
    expect(existsSync(join(template, "data", "PG_VERSION"))).toBe(true);
    expect(existsSync(join(template, "data", "postmaster.pid"))).toBe(false);
    const keptAt = statSync(join(template, "data", "PG_VERSION")).mtimeMs;

    const second = await start();
    expect(statSync(join(template, "data", "PG_VERSION")).mtimeMs).toBe(keptAt);
    expect(second.dataDir).not.toBe(first.dataDir);
    // The server refuses a data directory others may read: the copy keeps initdb's owner and mode.
    expect(statSync(second.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(second.dataDir).uid).toBe(statSync(first.dataDir).uid);

    for (const pg of [first, second]) {
      expect(await query(pg, "SHOW wal_level")).toEqual([{ wal_level: "logical" }]);
      expect(await query(pg, "SELECT count(*)::int AS n FROM business_events")).toEqual([{ n: 0 }]);
    }
    // Two clusters, not one: a row written to one is not in the other.
    await query(first, "CREATE TABLE only_here (id int)");
    await expect(query(second, "SELECT * FROM only_here")).rejects.toThrow(/only_here/);
  }, 120_000);
});
