/**
 * The cdktf app: one RoutingStageStack per stage, composed from filters.yaml, the stage config and the lock.
 * Shared by main.ts (synth), the offline plan and local deploy (offline/), and the tests.
 */
import { App } from "cdktf";
import { RoutingStageStack, type RoutingStageStackProps } from "../constructs/routing-stage-stack";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { readLock } from "../lock/lock-file";
import type { StageConfig } from "../stages/config";
import { STAGE_NAMES, type StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";

/** The filters synth reads: CDC_ROUTING_FILTERS, read when called (tests and tools set it per run). */
export const filtersFile = (env: NodeJS.ProcessEnv = process.env): string =>
  env.CDC_ROUTING_FILTERS || DEFAULT_FILTERS_FILE;

export interface BuildOptions {
  /** The stage's values; default stages/stages.ts with the environment's backend overrides. */
  stageOf?: (name: StageName) => StageConfig;
  offline?: RoutingStageStackProps["offline"];
  /** The date deciding which stopped statements Confluent has deleted; default CDC_ROUTING_NOW, else today. */
  today?: string;
}

/** Builds the app for the given stages; shared by main, the offline plan and the tests. */
export function buildApp(stages: readonly StageName[], app = new App(), options: BuildOptions = {}): App {
  const filters = loadFilters(filtersFile(), { stages: STAGE_NAMES });
  const lock = readLock();
  const stageOf = options.stageOf ?? ((name: StageName) => stageConfig(name));
  for (const name of stages)
    new RoutingStageStack(app, {
      stage: stageOf(name),
      filters,
      lock: lock[name],
      offline: options.offline,
      today: options.today,
    });
  return app;
}
