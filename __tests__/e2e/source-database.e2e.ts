/**
 * The stack's source-database side applied by the real Terraform CLI with the real postgresql provider (built
 * from source into the mirror) on a real PostgreSQL: the dev stack's synthesized role, grants and publication,
 * exactly as synthesized; only the provider's connection points at the local server. Without the table grant
 * Debezium's capture as that role fails and says why; with the stack's grants it captures. A second plan shows no
 * changes, and destroy leaves the database as it was.
 */

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { readRecords } from "../../consumers/topic-io";
import { loadFilters } from "../../filters/load";
import { sourcesForStage } from "../../filters/model";
import { freePort } from "../../lib/ports";
import { sleep } from "../../lib/run";
import { localConnectorConfig, slotActive, startConnect } from "../../local/connect";
import { startOnFreePorts, temporaryDir } from "../../local/processes";
import { readLock } from "../../lock/lock-file";
import { terraform, terraformInit, terraformStatus } from "../../providers/mirror";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { describeWithRealProviders } from "../support/real-providers";
import { synthStack, synthStage } from "../support/stack-helpers";
import { databaseConfig } from "./database-config";
import { useEngines } from "./harness";

type Config = Record<string, any>;

function withoutTableGrant(config: Config): Config {
  const grants = Object.fromEntries(
    Object.entries(config.resource.postgresql_grant).filter(([, g]: [string, any]) => g.object_type !== "table"),
  );
  const publications = JSON.parse(JSON.stringify(config.resource.postgresql_publication));
  for (const p of Object.values<any>(publications))
    p.depends_on = p.depends_on.filter(
      (d: string) => d.startsWith("postgresql_grant.") && d.slice("postgresql_grant.".length) in grants,
    );
  return {
    ...config,
    resource: { ...config.resource, postgresql_grant: grants, postgresql_publication: publications },
  };
}

/** dev as a self-managed PostgreSQL (what the local server is): the role gets the REPLICATION attribute. */
function selfManagedDev(): Config {
  const dev = stageConfig("dev");
  const stage = parseStageConfig({
    ...dev,
    source: { ...dev.source, host: "127.0.0.1", platform: "self-managed", slotAlarms: undefined },
  });
  return synthStack(
    (app) => new RoutingStageStack(app, { stage, filters: loadFilters("filters/filters.yaml"), lock: readLock().dev }),
  );
}

describeWithRealProviders("source database applied by the real postgresql provider", () => {
  const engines = useEngines({ capture: false, publication: false });
  const replicationPassword = randomBytes(12).toString("hex");
  // The local server trusts loopback connections; the admin password is only there because the stack asks for it.
  const tfVars = {
    TF_VAR_source_db_admin_username: "postgres",
    TF_VAR_source_db_admin_password: "local-trust",
    TF_VAR_source_db_replication_password: replicationPassword,
  };
  let dir: string;

  beforeAll(() => {
    dir = temporaryDir("tf-source-db");
  });

  async function query(sql: string): Promise<unknown[]> {
    const client = await engines.pipeline.postgres.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  /** Everything the stack's resources can touch: roles, publications, the table's and schema's privileges, slots. */
  async function databaseState(): Promise<unknown> {
    return {
      roles: await query("SELECT rolname, rolcanlogin, rolreplication FROM pg_roles ORDER BY rolname"),
      publications: await query(
        "SELECT pubname, (SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_publication_tables t WHERE t.pubname = p.pubname) AS tables FROM pg_publication p ORDER BY pubname",
      ),
      // Effective privileges: a NULL acl means the owner's defaults, which a GRANT then REVOKE writes out explicitly.
      tablePrivileges: await query(
        "SELECT a.grantee::regrole::text, a.privilege_type FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a WHERE c.relname = 'business_events' ORDER BY 1, 2",
      ),
      schemaPrivileges: await query(
        "SELECT a.grantee, a.privilege_type FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a WHERE n.nspname = 'public' ORDER BY 1, 2",
      ),
      slots: await query("SELECT slot_name FROM pg_replication_slots ORDER BY slot_name"),
    };
  }

  function apply(config: Config): void {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
    terraformInit(dir);
    terraform(dir, ["apply", "-auto-approve", "-input=false", "-no-color"], tfVars);
  }

  async function connectAs(role: string) {
    const progress = (m: string) =>
      process.env.CDC_ROUTING_VERBOSE && process.stderr.write(`[local] ${new Date().toISOString()} ${m}\n`);
    // The worker's REST port is picked as it starts (one picked with the pipeline may have been taken since), and again
    // when another process took it before the worker bound it: both come from the ephemeral range (BindException seen
    // in CI, and in an e2e run on 2026-12-07).
    return startOnFreePorts(() => connectOnFreePort(role, progress), progress, { oneService: true });
  }

  async function connectOnFreePort(role: string, progress: (m: string) => void) {
    const { pipeline } = engines;
    return startConnect(
      {
        restPort: await freePort(),
        workDir: pipeline.workDir,
        bootstrapServers: pipeline.kafka.bootstrapServers,
        connector: localConnectorConfig(pipeline.stage, sourcesForStage(pipeline.filters, pipeline.stage.name), {
          host: "127.0.0.1",
          port: pipeline.ports.postgres,
          user: role,
          password: replicationPassword,
          database: pipeline.stage.source.database,
        }),
        streaming: slotActive(pipeline.postgres, pipeline.stage.source.slotName),
      },
      progress,
    );
  }

  test("apply, capture as the stack's role, a plan without changes, destroy back to the start", async () => {
    const config = databaseConfig(selfManagedDev(), { port: engines.pipeline.ports.postgres });
    const role = String(Object.values<any>(config.resource.postgresql_role)[0].name);
    const before = await databaseState();
    await query("INSERT INTO business_events VALUES ('db-1', 'LoanCreated', 'LoanCreated', 'd', 'd', '{}')");

    // Without SELECT on the table the initial snapshot cannot read it; the message names the cause on its first line.
    apply(withoutTableGrant(config));
    await expect(connectAs(role)).rejects.toThrow(
      /failed: the CDC connector task failed: .*\(root cause: org\.postgresql\.util\.PSQLException: ERROR: permission denied for table business_events\)/,
    );

    // The whole source-database side as synthesized: capture now runs as the replication role.
    apply(config);
    expect(await query(`SELECT rolcanlogin, rolreplication FROM pg_roles WHERE rolname = '${role}'`)).toEqual([
      { rolcanlogin: true, rolreplication: true },
    ]);
    // The stack's slot, which the connector (slot.name) streams from instead of creating its own.
    const slot = engines.pipeline.stage.source.slotName;
    expect(await query("SELECT slot_name, plugin, slot_type FROM pg_replication_slots")).toEqual([
      { slot_name: slot, plugin: "pgoutput", slot_type: "logical" },
    ]);
    const connect = await connectAs(role);
    try {
      await query("INSERT INTO business_events VALUES ('db-2', 'CarCreated', 'CarCreated', 'd', 'd', '{}')");
      const rows = (
        await readRecords(engines.pipeline.kafka.client, engines.pipeline.filters.sourceTopic, 2, 60_000)
      ).map((r) => JSON.parse(r.value!));
      expect(rows.map((r) => [r.id, r.__op]).sort()).toEqual([
        ["db-1", "r"],
        ["db-2", "c"],
      ]);
    } finally {
      await connect.service.stop();
    }

    // No perpetual diff: the provider reads back exactly what the stack declares.
    const plan = terraformStatus(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], tfVars);
    expect({ status: plan.status, changes: plan.status === 0 ? "" : plan.output }).toEqual({ status: 0, changes: "" });

    // Destroy drops the slot after the connector is gone; a slot still in use cannot be dropped, so wait until
    // the stopped connector's replication connection has ended (bounded), as the connector's deletion does.
    for (
      let i = 0;
      i < 100 && (await query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = '${slot}' AND active`)).length > 0;
      i++
    )
      await sleep(100);
    await query("DELETE FROM business_events");
    terraform(dir, ["destroy", "-auto-approve", "-input=false", "-no-color"], tfVars);
    expect(await databaseState()).toEqual(before);
  });
  test("Aurora (every shipped stage): the real provider grants rds_replication and the role has no REPLICATION attribute", async () => {
    const config = databaseConfig(synthStage("dev"), { port: engines.pipeline.ports.postgres });
    const role = String(Object.values<any>(config.resource.postgresql_role)[0].name);
    const before = await databaseState();
    // A stand-in for the role Amazon RDS/Aurora provides (plain PostgreSQL has none).
    await query("CREATE ROLE rds_replication NOLOGIN");
    try {
      apply(config);
      expect(await query(`SELECT rolreplication FROM pg_roles WHERE rolname = '${role}'`)).toEqual([
        { rolreplication: false },
      ]);
      const members =
        "SELECT g.rolname AS granted, m.rolname AS member FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'rds_replication'";
      expect(await query(members)).toEqual([{ granted: "rds_replication", member: role }]);
      const plan = terraformStatus(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], tfVars);
      expect({ status: plan.status, changes: plan.status === 0 ? "" : plan.output }).toEqual({
        status: 0,
        changes: "",
      });
      terraform(dir, ["destroy", "-auto-approve", "-input=false", "-no-color"], tfVars);
    } finally {
      await query("DROP ROLE rds_replication");
    }
    expect(await databaseState()).toEqual(before);
  });
});
