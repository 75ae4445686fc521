import { type ITerraformDependable, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { DataConfluentFlinkRegion } from "../.gen/providers/confluent/data-confluent-flink-region";
import type { DataConfluentOrganization } from "../.gen/providers/confluent/data-confluent-organization";
import type { Environment } from "../.gen/providers/confluent/environment";
import type { FlinkComputePool } from "../.gen/providers/confluent/flink-compute-pool";
import { FlinkStatement } from "../.gen/providers/confluent/flink-statement";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import type { ServiceAccount } from "../.gen/providers/confluent/service-account";
import type { GeneratedSql } from "../flink-sql/generate";
import { today } from "../lock/clock";
import { type StageDeployment, statementApiKey, statementProperties } from "../lock/deployed-attributes";
import type { LockedStatement, StageLock } from "../lock/lock-file";
import { keptStopped } from "../lock/retention";
import type { ApiCredentials } from "./identity";

export interface RoutingStatementsProps {
  /** The generated statements, in the confluent dialect. */
  readonly sql: GeneratedSql;
  /** Checked against sql by the stack: running = sql.statements, in order. */
  readonly lock: StageLock;
  /**
   * UTC date (YYYY-MM-DD) that decides which stopped statements Confluent's retention has run out for.
   * @default - CDC_ROUTING_NOW, else the real date (lock/clock.ts)
   */
  readonly today?: string;
  readonly organization: DataConfluentOrganization;
  /** The environment the statements run in; its display name is Flink's catalog. */
  readonly environment: Environment;
  /** The cluster of the statements' topics; its display name is Flink's database. */
  readonly cluster: KafkaCluster;
  readonly computePool: FlinkComputePool;
  /** The account every statement runs as (PipelineIdentity's Flink account). */
  readonly principal: ServiceAccount;
  /** The Flink region of the compute pool: its REST endpoint is where statements are submitted. */
  readonly flinkRegion: DataConfluentFlinkRegion;
  /** Flink API keys by id; each statement gets the one statementApiKey names (checked by the stack first). */
  readonly flinkApiKeys: ReadonlyMap<string, ApiCredentials>;
  /** The stage's current deployment values (which key running statements use). */
  readonly deployment: StageDeployment;
  /** What every table a statement reads or writes is inferred from: required, a statement started first fails. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * One Flink statement per generated statement (Confluent Cloud dialect), named as the generator names them; a
 * replacement starts from its predecessor's offsets, and predecessors are kept stopped (see lock/evolution.ts).
 *
 * A kept predecessor must never be created: the provider sends no `stopped` on create (resource_flink_statement.go,
 * flinkStatementCreate) and waits for RUNNING, so a created one would replay the raw topic into the sinks until
 * the next apply. That happens whenever it is missing from state: a new or lost state, or Confluent deleting a
 * stopped statement after 30 days (the provider drops a 404 from state, flinkStatementRead). Each kept statement
 * therefore carries a Terraform `import` block (id = statement name, the importer's format): a no-op while the
 * resource is in state; otherwise the plan adopts the existing statement or fails (statement gone, or no
 * IMPORT_FLINK_* credentials), never creating it. The fix is then `npm run statements:lock -- --cleanup`.
 * A kept statement whose retention runs out (the lock's `stoppedOn`, lock/evolution.ts) is left out with its
 * import block, before Confluent deletes it: `expired` names them.
 */
export class RoutingStatements extends Construct {
  readonly statements: FlinkStatement[];
  readonly stopped: FlinkStatement[];
  /** Stopped statements of the lock left out: Confluent's retention of stopped statements has run out. */
  readonly expired: LockedStatement[];

  constructor(scope: Construct, id: string, props: RoutingStatementsProps) {
    super(scope, id);
    if (props.sql.dialect !== "confluent") throw new Error("RoutingStatements: needs SQL in the confluent dialect");
    const { kept, expired } = keptStopped(props.lock, props.today ?? today());
    this.expired = expired;
    this.statements = props.lock.running.map((s) => this.statement(s, false, props));
    this.stopped = kept.map((s) => this.statement(s, true, props));
    if (this.stopped.length > 0) {
      // Written as an override, not importFrom(): that adds a validation running `terraform version` at synth,
      // and synth needs no Terraform binary.
      TerraformStack.of(this).addOverride(
        "import",
        kept.map((s, i) => ({
          id: s.name,
          to: `${this.stopped[i].terraformResourceType}.${this.stopped[i].friendlyUniqueId}`,
        })),
      );
    }
  }

  private statement(s: LockedStatement, stopped: boolean, props: RoutingStatementsProps): FlinkStatement {
    const key = statementApiKey(s, stopped, props.deployment);
    const credentials = props.flinkApiKeys.get(key);
    if (!credentials)
      throw new Error(
        `RoutingStatements: statement ${s.name} needs Flink API key ${key}, which the stack does not declare`,
      );
    return new FlinkStatement(this, s.name, {
      statementName: s.name,
      statement: s.sql,
      // A stopped statement is declared exactly as deployed: stopping must be its only change.
      properties:
        stopped && s.properties
          ? s.properties
          : statementProperties(props.environment.displayName, props.cluster.displayName, s.carriedOverFrom),
      stopped,
      organization: { id: props.organization.id },
      environment: { id: props.environment.id },
      computePool: { id: props.computePool.id },
      principal: { id: props.principal.id },
      restEndpoint: props.flinkRegion.restEndpoint,
      credentials,
      dependsOn: [...props.dependsOn],
    });
  }
}
