import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Grant } from "@cdktf/provider-postgresql/lib/grant";
import { Publication } from "@cdktf/provider-postgresql/lib/publication";
import { ReplicationSlot } from "@cdktf/provider-postgresql/lib/replication-slot";
import { Role } from "@cdktf/provider-postgresql/lib/role";
import { Construct } from "constructs";
import type { StageConfig } from "../stages/config";
import { resourceNames } from "../stages/resource-names";
import { type CapturedTable, qualifiedName } from "../stages/tables";

export interface SourceDatabaseProps {
  /** The stage's name: its resource names name the Aurora parameter group. */
  readonly stage: string;
  /** The replication role, slot and publication, and the platform. */
  readonly source: StageConfig["source"];
  /** The captured tables: the role reads each, the publication holds exactly them. */
  readonly tables: readonly CapturedTable[];
  /** The Aurora parameter group's family (e.g. aurora-postgresql15); used on platform aurora only. */
  readonly auroraParameterGroupFamily: string;
  /** Terraform reference to the replication role's password (sensitive variable). */
  readonly replicationPassword: string;
}

/** The role Amazon RDS and Aurora grant for logical replication in place of the REPLICATION attribute. */
export const RDS_REPLICATION_ROLE = "rds_replication";

/**
 * The database side of CDC, in PostgreSQL a login role that may replicate, read access to exactly the captured
 * tables, and a publication of those tables. On Aurora also a cluster parameter group with logical replication on.
 *
 * Replication right: on Aurora/RDS the master user is NOSUPERUSER NOREPLICATION (AWS, "Understanding the
 * rds_superuser role":
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html)
 * and cannot set REPLICATION, so the role is made a member of `rds_replication`. A self-managed server gets the
 * REPLICATION attribute.
 */
export class SourceDatabase extends Construct {
  readonly parameterGroup?: RdsClusterParameterGroup;
  readonly role: Role;
  readonly publication: Publication;
  /** The connector's logical replication slot (its `slot.name`): created before it, dropped after it. */
  readonly replicationSlot: ReplicationSlot;

  constructor(scope: Construct, id: string, props: SourceDatabaseProps) {
    super(scope, id);
    const { source, stage } = props;
    const aurora = source.platform === "aurora";
    if (aurora) {
      this.parameterGroup = new RdsClusterParameterGroup(this, "aurora-logical-replication", {
        name: resourceNames(stage).auroraParameterGroup,
        family: props.auroraParameterGroupFamily,
        description: `cdc-routing ${stage}: logical replication for the CDC connector`,
        // Static parameter: takes effect at the next reboot of the cluster that uses this group.
        parameter: [{ name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" }],
      });
    }
    this.role = new Role(this, "replication-role", {
      name: source.replicationRole,
      login: true,
      replication: !aurora,
      // Membership through the role's own `roles`, not a postgresql_grant_role: the role resource reads its
      // memberships back and would revoke one granted by another resource on every apply (seen with the real
      // provider in the source-database e2e).
      ...(aurora ? { roles: [RDS_REPLICATION_ROLE] } : {}),
      password: props.replicationPassword,
    });
    // One grant of each kind per schema, naming its tables; the first schema keeps the ids a one-table stage had.
    const schemas = [...new Set(props.tables.map((t) => t.schema))];
    const grants = schemas.flatMap((schema, i) => {
      const suffix = i === 0 ? "" : `-${schema}`;
      const usage = new Grant(this, `schema-usage${suffix}`, {
        database: source.database,
        role: this.role.name,
        schema,
        objectType: "schema",
        privileges: ["USAGE"],
      });
      const select = new Grant(this, `table-select${suffix}`, {
        database: source.database,
        role: this.role.name,
        schema,
        objectType: "table",
        objects: props.tables.filter((t) => t.schema === schema).map((t) => t.table),
        privileges: ["SELECT"],
      });
      return [usage, select];
    });
    // The provider alters a publication's tables in place (ALTER PUBLICATION ... ADD/DROP TABLE), and the connector
    // depends on it: a table is in the publication before or with the connector's include list naming it.
    this.publication = new Publication(this, "publication", {
      name: source.publicationName,
      database: source.database,
      tables: props.tables.map(qualifiedName),
      dependsOn: grants,
    });
    // Owned by the stack, not left to the connector: Debezium creates a missing slot but never drops it, and an
    // abandoned logical slot keeps every WAL segment from then on until the disk is full (README, Replication slot).
    this.replicationSlot = new ReplicationSlot(this, "replication-slot", {
      name: source.slotName,
      database: source.database,
      plugin: "pgoutput",
    });
  }
}
