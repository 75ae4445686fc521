/**
 * The SQL the postgresql provider runs for the stack's source-database resources (role, grants, publication),
 * translated from the synthesized Terraform JSON. It stands in for `terraform apply` of those resources, which
 * needs the postgresql provider binary that cannot be built here (README, Providers); what it proves is that
 * the synthesized grants are enough for CDC capture. An attribute it does not know fails loudly.
 */
import { stringLiteral } from "../flink-sql/escape";
import { quoteIdentifier } from "./sql-quote";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const KNOWN: Record<string, string[]> = {
  postgresql_role: ["//", "name", "login", "replication", "password", "roles"],
  postgresql_grant: ["//", "database", "role", "schema", "object_type", "objects", "privileges"],
  postgresql_publication: ["//", "database", "name", "tables", "depends_on"],
};

function checkKnown(type: string, id: string, attrs: Record<string, unknown>): void {
  const unknown = Object.keys(attrs).filter((k) => !KNOWN[type].includes(k));
  if (unknown.length > 0) throw new Error(`${type}.${id}: attributes ${unknown.join(", ")} have no SQL translation in local/source-database-sql.ts`);
}

/** Resolves `${postgresql_role.<id>.name}` references to the role's name. */
function roleName(ref: unknown, roles: Record<string, Record<string, unknown>>): string {
  const m = /^\$\{postgresql_role\.([^.]+)\.name\}$/.exec(String(ref));
  return m ? String(roles[m[1]].name) : String(ref);
}

export interface SourceDatabaseSqlOptions {
  /** Value of the role's password variable. */
  password: string;
  /** Leave out grants (negative tests): "schema" or "table". */
  skipGrants?: Array<"schema" | "table">;
}

export function sourceDatabaseSql(resources: Resources, o: SourceDatabaseSqlOptions): string[] {
  const roles = resources.postgresql_role ?? {};
  const statements: string[] = [];
  for (const [id, r] of Object.entries(roles)) {
    checkKnown("postgresql_role", id, r);
    statements.push(`CREATE ROLE ${quoteIdentifier(String(r.name))} ${r.login ? "LOGIN" : "NOLOGIN"} ${r.replication ? "REPLICATION" : "NOREPLICATION"} PASSWORD ${stringLiteral(o.password)}`);
    for (const member of (r.roles as string[] | undefined) ?? []) {
      if (member !== "rds_replication") throw new Error(`postgresql_role.${id}: only membership of rds_replication has a local translation`);
      // Plain PostgreSQL has no rds_replication (an RDS/Aurora role) and does not pass REPLICATION on through
      // role membership, so the local stand-in gives the role what rds_replication gives it on RDS: replication.
      statements.push(`ALTER ROLE ${quoteIdentifier(String(r.name))} REPLICATION`);
    }
  }
  for (const [id, g] of Object.entries(resources.postgresql_grant ?? {})) {
    checkKnown("postgresql_grant", id, g);
    const kind = g.object_type as "schema" | "table";
    if (o.skipGrants?.includes(kind)) continue;
    const privileges = (g.privileges as string[]).join(", ");
    const on = kind === "schema" ? `SCHEMA ${quoteIdentifier(String(g.schema))}` : `TABLE ${(g.objects as string[]).map((t) => `${quoteIdentifier(String(g.schema))}.${quoteIdentifier(t)}`).join(", ")}`;
    statements.push(`GRANT ${privileges} ON ${on} TO ${quoteIdentifier(roleName(g.role, roles))}`);
  }
  for (const [id, p] of Object.entries(resources.postgresql_publication ?? {})) {
    checkKnown("postgresql_publication", id, p);
    const tables = (p.tables as string[]).map((t) => t.split(".").map(quoteIdentifier).join(".")).join(", ");
    statements.push(`CREATE PUBLICATION ${quoteIdentifier(String(p.name))} FOR TABLE ${tables}`);
  }
  return statements;
}
