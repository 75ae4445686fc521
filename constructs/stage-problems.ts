/**
 * Everything a stage deploys, derived once from its inputs (filters, stage config, lock), and every reason synth
 * must refuse it, collected in one pass: the stack constructor only wires what `designStage` derived, after
 * `stageProblems` found nothing. Pure: tested on its own, without a stack.
 */

import { stageConnectorName } from "../connectors/postgres-cdc";
import { type Filter, type FilterSet, filtersForStage, type Source, sourcesForStage } from "../filters/model";
import type { GeneratedSql } from "../flink-sql/generate";
import { computeProblems } from "../flink-sql/limits";
import { rawRecordName, rawValueSchema, routedColumns, routingTables, tableProblems } from "../flink-sql/sink-schema";
import { getOrThrow } from "../lib/maps";
import { connectorLockProblems } from "../lock/connector-lock";
import { deploymentProblems, type StageDeployment, stageDeployment } from "../lock/deployed-attributes";
import { lockProblems } from "../lock/evolution";
import type { StageLock } from "../lock/lock-file";
import { sourceColumnProblems, staleSourcesProblem, withLockedDefaultColumns } from "../lock/source-columns";
import { deployedSql, stagePartitions } from "../lock/stage-lock";
import type { StageConfig } from "../stages/config";
import { type ResourceNames, resourceNames } from "../stages/resource-names";

export interface StageInputs {
  readonly stage: StageConfig;
  readonly filters: FilterSet;
  /** The stage's entry of lock/statements.lock.json; undefined for a stage never locked. */
  readonly lock: StageLock | undefined;
}

export interface StageDesign {
  readonly names: ResourceNames;
  /** The statements the stage runs (Confluent dialect, its shape, shards as locked, named for its Flink key). */
  readonly sql: GeneratedSql;
  /** What the stage gives its statements now: catalog, database, Flink API key. */
  readonly deployment: StageDeployment;
  readonly connectorName: string;
  /** The filters deployed to this stage. */
  readonly deployed: readonly Filter[];
  /** The tables the stage captures, in file order. */
  readonly sources: readonly Source[];
  /** Each raw topic's value schema the stack registers. */
  readonly rawSchemas: ReadonlyMap<string, string>;
}

export function designStage({ stage, filters, lock }: StageInputs): StageDesign {
  const names = resourceNames(stage.name);
  // Filters without `columns` route what they routed when locked (lock/source-columns.ts).
  const pinned = withLockedDefaultColumns(filters, lock);
  const sources = sourcesForStage(filters, stage.name);
  return {
    names,
    sql: deployedSql(filters, stage, lock),
    deployment: stageDeployment(stage),
    connectorName: stageConnectorName(stage),
    deployed: filtersForStage(pinned, stage.name),
    sources,
    rawSchemas: new Map(
      sources.map((s) => [s.rawTopic, rawValueSchema(s, rawRecordName(names.prefix, s.schema, s.table))]),
    ),
  };
}

/**
 * What synth refuses, every problem at once: a stale lock, a change without a version bump, a partition decrease,
 * Confluent's statement and CFU limits, a connector the lock does not record, what would plan as an in-place change
 * Confluent refuses at apply (a statement's properties or key), tables Confluent Cloud would infer other than the
 * statements read, and captured tables whose columns changed in a way the raw subject would refuse.
 */
export function stageProblems({ stage, filters, lock }: StageInputs, design: StageDesign): string[] {
  const { sql, deployed, sources } = design;
  // A refused column change is the reason the lock differs; naming the stale lock too would send the reader astray.
  const columnProblems = sourceColumnProblems(lock, sources).map((p) => `${stage.name}: ${p}`);
  if (columnProblems.length === 0) columnProblems.push(...staleSourcesProblem(lock, sources, stage.name));
  const tables = routingTables(
    [...design.rawSchemas].map(([topic, schema]) => ({ topic, schema })),
    deployed.map((f) => ({ topic: f.outputTopic, columns: routedColumns(f, getOrThrow(filters.sources, f.source)) })),
  );
  const stale = lockProblems(lock, sql.statements, stagePartitions(filters, stage), stage.name);
  return [
    ...(sources.length === 0 ? [`${stage.name}: the stage captures no table; list it under a source's stages`] : []),
    ...columnProblems,
    ...stale,
    ...computeProblems(sql.statements.length, stage.flink.maxCfu, stage.name),
    ...(lock ? connectorLockProblems(lock.connector, design.connectorName, stage.name) : []),
    // Judged against a current lock only: `statements:lock` records new statements for a change, and the in-place
    // change the stale lock would show is then gone (naming it too would send the reader the wrong way).
    ...(stale.length > 0 ? [] : deploymentProblems(lock, design.deployment)),
    ...tableProblems(tables, sources, deployed).map((p) => `${stage.name}: ${p}`),
  ];
}
