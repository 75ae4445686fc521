/**
 * RoutingStatements on its own. The stack hands it confluent SQL and declares every key flinkApiKeysInUse names,
 * so only a direct caller reaches its two guards: SQL in another dialect, a statement whose key is not declared.
 */
import { TerraformStack, Testing } from "cdktf";
import { ServiceAccount } from "../../.gen/providers/confluent/service-account";
import { StreamGovernedEnvironment } from "../../constructs/confluent-environment";
import { RoutingFlinkCompute } from "../../constructs/flink-compute-pool";
import { RoutingStatements, type RoutingStatementsProps } from "../../constructs/flink-statements";
import type { ApiCredentials } from "../../constructs/identity";
import { RoutingKafkaCluster } from "../../constructs/kafka-cluster";
import { designStage } from "../../constructs/stage-problems";
import { loadFilters } from "../../filters/load";
import { readLock, type StageLock } from "../../lock/lock-file";
import { stageConfig } from "../../stages/stages";
import { SNAPSHOT_DATE, testingApp } from "../support/stack-helpers";

const dev = stageConfig("dev");
const lock = readLock().dev as StageLock;
const design = designStage({ stage: dev, filters: loadFilters("filters/filters.yaml"), lock });
const STATEMENT = lock.running[0].name;

/** The committed dev statements in a stack of their own, with what the stage would give them, changed by `change`. */
function statements(change: Partial<RoutingStatementsProps> = {}): RoutingStatements {
  const stack = new TerraformStack(testingApp(), "dev");
  const env = new StreamGovernedEnvironment(stack, "environment", {
    displayName: design.names.environment,
    streamGovernance: "ESSENTIALS",
  });
  const location = { cloud: dev.confluent.cloud, region: dev.confluent.region };
  const kafka = new RoutingKafkaCluster(stack, "kafka", {
    displayName: design.names.kafkaCluster,
    environment: env.environment,
    sizing: dev.kafka,
    ...location,
  });
  const flink = new RoutingFlinkCompute(stack, "flink", {
    displayName: design.names.flinkComputePool,
    environment: env.environment,
    maxCfu: dev.flink.maxCfu,
    ...location,
  });
  return new RoutingStatements(stack, "routing", {
    sql: design.sql,
    lock,
    today: SNAPSHOT_DATE,
    organization: env.organization,
    environment: env.environment,
    cluster: kafka.cluster,
    computePool: flink.pool,
    principal: new ServiceAccount(stack, "flink-account", { displayName: `${design.names.prefix}-flink` }),
    flinkRegion: flink.region,
    flinkApiKeys: new Map<string, ApiCredentials>([[design.deployment.flinkApiKey, { key: "key", secret: "secret" }]]),
    deployment: design.deployment,
    dependsOn: [],
    ...change,
  });
}

describe("RoutingStatements", () => {
  test("the stage's statements are declared, each with the stage's Flink API key", () => {
    const json = JSON.parse(Testing.synth(TerraformStack.of(statements())));
    const declared = Object.values<any>(json.resource.confluent_flink_statement);
    expect(declared.map((s) => [s.statement_name, s.credentials])).toEqual([
      [STATEMENT, { key: "key", secret: "secret" }],
    ]);
  });

  test("SQL in the flink dialect (the local engines') is refused", () => {
    expect(() => statements({ sql: { ...design.sql, dialect: "flink" } })).toThrow(
      new Error("RoutingStatements: needs SQL in the confluent dialect"),
    );
  });

  test("a statement whose Flink API key the stack does not declare is refused, naming both", () => {
    expect(() => statements({ flinkApiKeys: new Map() })).toThrow(
      new Error(
        `RoutingStatements: statement ${STATEMENT} needs Flink API key manager-flink, which the stack does not declare`,
      ),
    );
  });
});
