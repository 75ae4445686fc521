/** Shared setup of the end-to-end suites: a pipeline on free loopback ports, stopped after the suite. */

import type { FilterSet } from "../../filters/model";
import type { Shape } from "../../flink-sql/generate";
import { ARCHIVE_WRITING_GRACE_MS } from "../../local/class-data-sharing";
import { FlinkRunner, routingStatements } from "../../local/flink";
import { freePorts, type Pipeline, type PipelineOptions, startPipeline } from "../../local/pipeline";
import {
  printProgress,
  settledBoth,
  startOnFreePorts,
  stopAll,
  type TemporaryDirs,
  temporaryDir,
} from "../../local/processes";
import { SHARED_RUNNER_CONFIG, sharedFlinkRunner } from "../../local/shared-flink";
import { SHARED_ENGINES_ENV, stopSharedEngines } from "../../local/worker-slots";

const quiet = process.env.CDC_ROUTING_VERBOSE ? undefined : () => undefined;

/**
 * The timeout of a hook that stops engine JVMs: one writing its class data sharing archive may take up to
 * ARCHIVE_WRITING_GRACE_MS to stop, and the others their usual seconds.
 */
export const ENGINES_STOP_MS = ARCHIVE_WRITING_GRACE_MS + 60_000;

export interface Engines {
  pipeline: Pipeline;
  flink?: FlinkRunner;
}

/** beforeAll/afterAll for a suite; the returned object is filled in before the first test runs. */
export function useEngines(options: PipelineOptions & { flink?: boolean }): Engines {
  const engines = {} as Engines;
  beforeAll(async () => {
    const progress = options.progress ?? quiet;
    // The worker's runner, kept from its last suite (local/shared-flink.ts), is taken first: it outlives the
    // stopAll of a start on other ports.
    engines.flink = options.flink
      ? await sharedFlinkRunner(temporaryDir("flink"), progress ?? printProgress)
      : undefined;
    // A runner of its own needs none of the pipeline's engines: its JVM starts beside them.
    [engines.pipeline, engines.flink] = await startOnFreePorts(
      async () =>
        settledBoth(
          startPipeline({ ...options, ports: await freePorts(), progress }),
          options.flink && !engines.flink
            ? FlinkRunner.start({ workDir: temporaryDir("flink"), config: { ...SHARED_RUNNER_CONFIG } }, quiet)
            : Promise.resolve(engines.flink),
        ),
      printProgress,
    );
  }, 600_000);
  afterAll(async () => {
    await engines.flink?.close();
    // Also what started when the other failed to (its half is not in engines then).
    await (engines.pipeline?.stop() ?? stopAll());
  }, ENGINES_STOP_MS);
  return engines;
}

/**
 * beforeAll/afterAll for a suite that tests the engines jest workers share (local/worker-slots.ts): a folder of
 * shared engines of its own instead of the run's, whose engines are stopped after the suite; `dir` is set before
 * the first test.
 */
export function useOwnSharedEngines(temporary: TemporaryDirs, name: string): { dir: string } {
  const own = { dir: "" };
  const saved = process.env[SHARED_ENGINES_ENV];
  beforeAll(() => {
    own.dir = temporary.create(name);
    process.env[SHARED_ENGINES_ENV] = own.dir;
  });
  afterAll(async () => {
    await stopSharedEngines(own.dir);
    if (saved === undefined) delete process.env[SHARED_ENGINES_ENV];
    else process.env[SHARED_ENGINES_ENV] = saved;
    temporary.removeAll();
  }, ENGINES_STOP_MS);
  return own;
}

/** Routing that reads the raw topic from the beginning up to its end at job start, then finishes. */
export function boundedRoutingSql(set: FilterSet, shape: Shape, bootstrapServers: string): string[] {
  return routingStatements(set, { bootstrapServers, bounded: true }, shape);
}
