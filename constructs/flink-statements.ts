import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { FlinkStatement } from "../.gen/providers/confluent/flink-statement";
import type { GeneratedSql } from "../flink-sql/generate";
import type { ApiCredentials } from "./identity";

export interface RoutingStatementsProps {
  sql: GeneratedSql;
  organizationId: string;
  environmentId: string;
  computePoolId: string;
  principalId: string;
  restEndpoint: string;
  credentials: ApiCredentials;
  /** Flink's catalog and database are the environment's and cluster's display names. */
  catalog: string;
  database: string;
  dependsOn: ITerraformDependable[];
}

/** One Flink statement per generated statement (Confluent Cloud dialect), named as the generator names them. */
export class RoutingStatements extends Construct {
  readonly statements: FlinkStatement[];

  constructor(scope: Construct, id: string, props: RoutingStatementsProps) {
    super(scope, id);
    if (props.sql.dialect !== "confluent") throw new Error("RoutingStatements: needs SQL in the confluent dialect");
    this.statements = props.sql.statements.map(
      (s) =>
        new FlinkStatement(this, s.name, {
          statementName: s.name,
          statement: s.dml,
          properties: { "sql.current-catalog": props.catalog, "sql.current-database": props.database },
          stopped: false,
          organization: { id: props.organizationId },
          environment: { id: props.environmentId },
          computePool: { id: props.computePoolId },
          principal: { id: props.principalId },
          restEndpoint: props.restEndpoint,
          credentials: props.credentials,
          dependsOn: props.dependsOn,
        }),
    );
  }
}
