/**
 * The stack's source-database side on a real PostgreSQL: the synthesized role, grants and publication (as SQL,
 * see local/source-database-sql.ts) let Debezium capture business_events as that role; without the table grant
 * capture fails, and the error says why.
 */
import { randomBytes } from "node:crypto";
import { readRecords } from "../../consumers/topic-io";
import { localConnectorConfig, slotActive, startConnect } from "../../local/connect";
import { sourceDatabaseSql } from "../../local/source-database-sql";
import { synthStage } from "../stack-helpers";
import { useEngines } from "./harness";

const engines = useEngines({ capture: false, publication: false });

function synthesizedResources(): Record<string, Record<string, Record<string, unknown>>> {
  return synthStage("dev").resource;
}

async function asAdmin(statements: string[]): Promise<void> {
  const client = await engines.pipeline.postgres.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

function connectAs(role: string, password: string) {
  const { pipeline } = engines;
  return startConnect(
    {
      restPort: pipeline.ports.connectRest,
      workDir: pipeline.workDir,
      bootstrapServers: pipeline.kafka.bootstrapServers,
      connector: localConnectorConfig(pipeline.stage, pipeline.filters.sourceTopic, { host: "127.0.0.1", port: pipeline.ports.postgres, user: role, password, database: pipeline.stage.source.database }),
      streaming: slotActive(pipeline.postgres, pipeline.stage.source.slotName),
    },
    (m) => process.env.CDC_ROUTING_VERBOSE && process.stderr.write(`[local] ${new Date().toISOString()} ${m}\n`),
  );
}

test("capture fails with a clear error without the table grant, and works with the stack's grants", async () => {
  const resources = synthesizedResources();
  const role = String(Object.values(resources.postgresql_role)[0].name);
  const password = randomBytes(12).toString("hex");
  await asAdmin(["INSERT INTO business_events VALUES ('db-1', 'LoanCreated', 'LoanCreated', 'd', 'd', '{}')"]);

  // Without SELECT on the table the initial snapshot cannot read it.
  await asAdmin(sourceDatabaseSql(resources, { password, skipGrants: ["table"] }));
  // The message names the cause on its first line (from the task's trace), not only somewhere in a log tail.
  await expect(connectAs(role, password)).rejects.toThrow(/failed: the CDC connector task failed: .*\(root cause: org\.postgresql\.util\.PSQLException: ERROR: permission denied for table business_events\)/);

  // The table grant exactly as synthesized; capture now runs as the replication role.
  const tableGrant = sourceDatabaseSql(resources, { password }).filter((s) => s.startsWith("GRANT SELECT ON TABLE"));
  expect(tableGrant).toEqual([`GRANT SELECT ON TABLE "public"."business_events" TO "${role}"`]);
  await asAdmin(tableGrant);
  const connect = await connectAs(role, password);
  try {
    await asAdmin(["INSERT INTO business_events VALUES ('db-2', 'CarCreated', 'CarCreated', 'd', 'd', '{}')"]);
    const rows = (await readRecords(engines.pipeline.kafka.client, engines.pipeline.filters.sourceTopic, 2, 60_000)).map((r) => JSON.parse(r.value!));
    expect(rows.map((r) => [r.id, r.__op]).sort()).toEqual([["db-1", "r"], ["db-2", "c"]]);
  } finally {
    await connect.service.stop();
  }
});
