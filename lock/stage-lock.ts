/**
 * A stage's lock entry from its filters and config: the SQL it deploys (shards as locked), its partitions, and
 * the next entry `npm run statements:lock` records (statements, connector, what each statement is deployed with).
 */

import { stageConnectorName } from "../connectors/postgres-cdc";
import type { FilterSet } from "../filters/model";
import { filtersForStage, sourcesForStage } from "../filters/model";
import { type GeneratedSql, type GeneratedStatement, generateSql, isSetStatementName } from "../flink-sql/generate";
import { computeProblems } from "../flink-sql/limits";
import type { StageConfig } from "../stages/config";
import { evolveConnector } from "./connector-lock";
import { deploymentProblems, recordDeployment, stageDeployment, withApiKeyGeneration } from "./deployed-attributes";
import { type EvolveOptions, evolveLock, StageRefusal } from "./evolution";
import type { LockFile, StageLock } from "./lock-file";
import { lockedSources, sourceColumnProblems, withLockedDefaultColumns } from "./source-columns";

/**
 * The set statements' filters as locked: the shards the next assignment starts from (flink-sql/shards.ts).
 * Per-filter statements are not shards: after a change of shape the filters are packed afresh.
 */
export function lockedShards(lock: StageLock | undefined, stage: string): string[][] {
  return (lock?.running ?? []).filter((s) => isSetStatementName(stage, s.name)).map((s) => s.filters);
}

/**
 * The SQL the stack deploys for a stage: Confluent dialect, in the stage's shape, shards as in `lock`, named for
 * its Flink API key.
 */
export function deployedSql(filters: FilterSet, stage: StageConfig, lock?: StageLock): GeneratedSql {
  const sql = generateSql(withLockedDefaultColumns(filters, lock), stage.name, {
    dialect: "confluent",
    shape: stage.flink.shape,
    previousShards: lockedShards(lock, stage.name),
  });
  return withApiKeyGeneration(sql, stage.flink.apiKeyGeneration);
}

export function stageStatements(filters: FilterSet, stage: StageConfig, lock?: StageLock): GeneratedStatement[] {
  return deployedSql(filters, stage, lock).statements;
}

/** Partition count of every topic the stage declares. */
export function stagePartitions(filters: FilterSet, stage: StageConfig): Record<string, number> {
  return Object.fromEntries([
    ...sourcesForStage(filters, stage.name).map((s) => [s.rawTopic, stage.topics.raw.partitions] as const),
    ...filtersForStage(filters, stage.name).map((f) => [f.outputTopic, stage.topics.consumer.partitions] as const),
  ]);
}

/** The stage's next lock entry (`npm run statements:lock`). */
export function evolveStage(
  lock: LockFile,
  filters: FilterSet,
  stage: StageConfig,
  options: EvolveOptions = {},
): StageLock {
  const previous = lock[stage.name];
  const sources = sourcesForStage(filters, stage.name);
  const generated = stageStatements(filters, stage, previous);
  const refused = [
    ...computeProblems(generated.length, stage.flink.maxCfu, stage.name),
    ...sourceColumnProblems(previous, sources).map((p) => `${stage.name}: ${p}`),
  ];
  if (refused.length > 0) throw new StageRefusal(refused);
  const statements = evolveLock(previous, generated, stagePartitions(filters, stage), stage.name, options);
  return {
    ...statements,
    connector: evolveConnector(previous?.connector, stageConnectorName(stage)),
    sources: lockedSources(sources),
  };
}

/**
 * What `npm run statements:lock` writes for a stage: its next lock (evolveStage) with what each statement is
 * deployed with (lock/deployed-attributes.ts); refuses a change Confluent would refuse at apply.
 */
export function lockStage(
  lock: LockFile,
  filters: FilterSet,
  stage: StageConfig,
  options: EvolveOptions = {},
): StageLock {
  const now = stageDeployment(stage);
  const next = recordDeployment(lock[stage.name], evolveStage(lock, filters, stage, options), now);
  const problems = deploymentProblems(next, now);
  if (problems.length > 0) throw new StageRefusal(problems);
  return next;
}
