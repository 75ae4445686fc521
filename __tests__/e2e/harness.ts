/** Shared setup of the end-to-end suites: a pipeline on free loopback ports, stopped after the suite. */

import type { FilterSet } from "../../filters/model";
import { executableStatements, type FlinkKafkaOptions, generateSql, type Shape } from "../../flink-sql/generate";
import { FlinkRunner } from "../../local/flink";
import { freePorts, type Pipeline, type PipelineOptions, startPipeline } from "../../local/pipeline";

const quiet = process.env.CDC_ROUTING_VERBOSE ? undefined : () => undefined;

export interface Engines {
  pipeline: Pipeline;
  flink?: FlinkRunner;
}

/** beforeAll/afterAll for a suite; the returned object is filled in before the first test runs. */
export function useEngines(
  options: PipelineOptions & { flink?: boolean; flinkConfig?: Record<string, string> },
): Engines {
  const engines = {} as Engines;
  beforeAll(async () => {
    engines.pipeline = await startPipeline({
      ...options,
      ports: await freePorts(),
      progress: options.progress ?? quiet,
    });
    if (options.flink)
      engines.flink = await FlinkRunner.start(
        { workDir: engines.pipeline.workDir, config: { "parallelism.default": "1", ...options.flinkConfig } },
        quiet,
      );
  }, 600_000);
  afterAll(async () => {
    await engines.flink?.close();
    await engines.pipeline?.stop();
  }, 60_000);
  return engines;
}

/** The dev stage's routing as Apache Flink dialect statements, ready for the runner. */
export function routingStatements(set: FilterSet, kafka: FlinkKafkaOptions, shape: Shape = "set"): string[] {
  return executableStatements(generateSql(set, "dev", { dialect: "flink", shape, kafka }));
}

/** Routing that reads the raw topic from the beginning up to its end at job start, then finishes. */
export function boundedRoutingSql(set: FilterSet, shape: Shape, bootstrapServers: string): string[] {
  return routingStatements(set, { bootstrapServers, bounded: true }, shape);
}
