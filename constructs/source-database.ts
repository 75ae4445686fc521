import { Construct } from "constructs";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Grant } from "@cdktf/provider-postgresql/lib/grant";
import { Publication } from "@cdktf/provider-postgresql/lib/publication";
import { Role } from "@cdktf/provider-postgresql/lib/role";
import type { StageConfig } from "../stages/config";

export interface SourceDatabaseProps {
  stage: StageConfig;
  /** Terraform reference to the replication role's password (sensitive variable). */
  replicationPassword: string;
}

/**
 * The database side of CDC: an Aurora cluster parameter group with logical replication on, and in PostgreSQL a
 * login role with REPLICATION, read access to exactly the captured table, and a publication of that table.
 */
export class SourceDatabase extends Construct {
  readonly parameterGroup: RdsClusterParameterGroup;
  readonly role: Role;
  readonly publication: Publication;

  constructor(scope: Construct, id: string, props: SourceDatabaseProps) {
    super(scope, id);
    const { source, aws, name } = props.stage;
    this.parameterGroup = new RdsClusterParameterGroup(this, "aurora-logical-replication", {
      name: `cdc-routing-${name}-logical-replication`,
      family: aws.auroraParameterGroupFamily,
      description: `cdc-routing ${name}: logical replication for the CDC connector`,
      // Static parameter: takes effect at the next reboot of the cluster that uses this group.
      parameter: [{ name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" }],
    });
    this.role = new Role(this, "replication-role", {
      name: source.replicationRole,
      login: true,
      replication: true,
      password: props.replicationPassword,
    });
    const schemaUsage = new Grant(this, "schema-usage", {
      database: source.database,
      role: this.role.name,
      schema: source.schema,
      objectType: "schema",
      privileges: ["USAGE"],
    });
    const tableSelect = new Grant(this, "table-select", {
      database: source.database,
      role: this.role.name,
      schema: source.schema,
      objectType: "table",
      objects: [source.table],
      privileges: ["SELECT"],
    });
    this.publication = new Publication(this, "publication", {
      name: source.publicationName,
      database: source.database,
      tables: [`${source.schema}.${source.table}`],
      dependsOn: [schemaUsage, tableSelect],
    });
  }
}
