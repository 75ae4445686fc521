/**
 * Inputs of a stack at scale, for bench:scale and the tests: a generated filters.yaml (each filter two
 * conditions and its own topic, spread over the consumers) and the statement lock the lock tool writes for it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseFiltersYaml } from "../filters/load";
import type { LockFile } from "../lock/lock-file";
import { writeLock } from "../lock/lock-file";
import { evolveStage } from "../lock/stage-lock";
import { STAGE_NAMES } from "../stages/names";
import { stageConfig } from "../stages/stages";

const EVENT_TYPES = ["LoanCreated", "LoanPaymentSubmitted", "CarCreated", "CarServiceDone"];

export const consumerName = (index: number): string => `consumer-${String(index).padStart(2, "0")}`;

/**
 * How the generated topics are named: `consumer` gives each consumer's topics a prefix of their own
 * (`<consumer>.route0042`: one grant per consumer); `system` names them as the system this project implements does
 * (`filtered-route-0042-events`: a prefix every consumer shares, so each topic is granted by itself).
 */
export type TopicNaming = "consumer" | "system";

/**
 * `filters` filters over min(filters, consumers) consumers, round-robin, topics named as `naming` says
 * (docs/filters.md, Topic names and grants), reading `sourceTopic`.
 */
export function scaleFiltersYaml(
  filters: number,
  consumers: number,
  naming: TopicNaming = "consumer",
  sourceTopic = "raw-business-events",
): string {
  const generated = Array.from({ length: filters }, (_, i) => {
    const consumer = consumerName(i % Math.min(filters, consumers));
    const name = `route-${String(i).padStart(4, "0")}`;
    return {
      name,
      description: `Generated filter ${i} for ${consumer}.`,
      consumer,
      outputTopic: naming === "consumer" ? `${consumer}.${name.replace("-", "")}` : `filtered-${name}-events`,
      version: 1,
      operations: ["create", "snapshot"],
      conditions: {
        all: [
          { field: "event_type", op: "equals", value: EVENT_TYPES[i % EVENT_TYPES.length] },
          { field: "event_data.eventBody.entities[0].entityId", op: "startsWith", value: `E${i}-` },
        ],
      },
    };
  });
  return stringify({ source: { topic: sourceTopic }, filters: generated });
}

export interface ScaleInputs {
  filtersFile: string;
  lockFile: string;
  /** CDC_ROUTING_FILTERS and CDC_ROUTING_LOCK for a process that synthesizes these inputs. */
  env: { CDC_ROUTING_FILTERS: string; CDC_ROUTING_LOCK: string };
}

/** Writes the filters and the lock `npm run statements:lock` would write for them (every stage) into dir. */
export function writeScaleInputs(
  dir: string,
  filters: number,
  consumers: number,
  naming: TopicNaming = "consumer",
): ScaleInputs {
  const filtersFile = join(dir, `filters-${filters}-${naming}.yaml`);
  const lockFile = join(dir, `statements-${filters}-${naming}.lock.json`);
  const text = scaleFiltersYaml(filters, consumers, naming);
  writeFileSync(filtersFile, text);
  const set = parseFiltersYaml(text, filtersFile, { stages: STAGE_NAMES });
  const lock: LockFile = Object.fromEntries(
    STAGE_NAMES.map((stage) => [stage, evolveStage({}, set, stageConfig(stage))]),
  );
  writeLock(lock, lockFile);
  return { filtersFile, lockFile, env: { CDC_ROUTING_FILTERS: filtersFile, CDC_ROUTING_LOCK: lockFile } };
}
