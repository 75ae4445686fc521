/** Generated filter sets and stage locks shared by the statement tests (shards, limits, retention). */
import { stageConnectorName } from "../../connectors/postgres-cdc";
import { parseFiltersYaml } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { evolveConnector } from "../../lock/connector-lock";
import { evolveLock } from "../../lock/evolution";
import type { StageLock } from "../../lock/lock-file";
import { stagePartitions, stageStatements } from "../../lock/stage-lock";
import type { StageConfig } from "../../stages/config";

/** n filters of two conditions, each with its own topic, over 20 consumers. */
export function generatedFilters(n: number, extra = ""): FilterSet {
  const filters = Array.from({ length: n }, (_, i) => {
    const id = String(i).padStart(3, "0");
    return `  - name: filter-${id}
    description: Generated filter ${id} for the scale test.
    consumer: consumer-${i % 20}
    outputTopic: consumer-${i % 20}.generated-${id}
    version: 1
    operations: [create, snapshot]
    conditions:
      all:
        - { field: event_type, op: equals, value: Type${id} }
        - { field: "event_data.eventBody.entities[0].entityType", op: equals, value: Entity${id} }
`;
  });
  return parseFiltersYaml(
    `source:\n  topic: raw-business-events\nfilters:\n${filters.join("")}${extra}`,
    "generated.yaml",
  );
}

/** evolveStage without its CFU check: some of these stages run more shards than dev's pool may. */
export const lockFor = (set: FilterSet, stage: StageConfig, previous?: StageLock, date = "2026-11-01"): StageLock => ({
  ...evolveLock(previous, stageStatements(set, stage, previous), stagePartitions(set, stage), stage.name, {
    today: date,
  }),
  connector: evolveConnector(previous?.connector, stageConnectorName(stage)),
});
export const edit = (
  set: FilterSet,
  name: string,
  patch: (f: FilterSet["filters"][number]) => Partial<FilterSet["filters"][number]>,
): FilterSet => ({
  ...set,
  filters: set.filters.map((f) => (f.name === name ? { ...f, ...patch(f) } : f)),
});
export const without = (set: FilterSet, name: string): FilterSet => ({
  ...set,
  filters: set.filters.filter((f) => f.name !== name),
});
