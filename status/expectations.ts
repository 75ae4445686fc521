/**
 * What a stage should look like, from the same inputs synth reads (filters.yaml, the stage config, the lock): its
 * consumers with their lag thresholds, its raw topics, and the value schema the stack registers for each subject.
 */
import { designStage } from "../constructs/stage-problems";
import type { FilterSet } from "../filters/model";
import { valueSubject } from "../filters/topic-scopes";
import { routedColumns, sinkValueSchema } from "../flink-sql/sink-schema";
import { durationSeconds } from "../lib/duration";
import { getOrThrow } from "../lib/maps";
import type { StageLock } from "../lock/lock-file";
import { type MonitoredConsumer, monitoredStatement, monitoringModel } from "../monitoring/model";
import type { StageConfig } from "../stages/config";

export interface StageExpectations {
  readonly stage: string;
  readonly consumers: readonly MonitoredConsumer[];
  readonly rawTopics: readonly string[];
  /** How old a raw topic's newest record may be (the stage's rawSilentFor), in seconds. */
  readonly rawSilentSeconds: number;
  /** Each subject the stack registers, with the schema it registers. */
  readonly subjects: ReadonlyArray<{ readonly subject: string; readonly schema: string }>;
}

export function stageExpectations(
  stage: StageConfig,
  filters: FilterSet,
  lock: StageLock | undefined,
): StageExpectations {
  const design = designStage({ stage, filters, lock });
  const model = monitoringModel({
    stage,
    filters,
    statements: design.sql.statements.map(monitoredStatement),
    connector: design.connectorName,
  });
  return {
    stage: stage.name,
    consumers: model.consumers,
    rawTopics: model.rawTopics,
    rawSilentSeconds: durationSeconds(stage.monitoring.rawSilentFor),
    subjects: [
      ...[...design.rawSchemas].map(([topic, schema]) => ({ subject: valueSubject(topic), schema })),
      ...design.deployed.map((f) => ({
        subject: valueSubject(f.outputTopic),
        schema: sinkValueSchema(f.outputTopic, routedColumns(f, getOrThrow(filters.sources, f.source))),
      })),
    ],
  };
}
