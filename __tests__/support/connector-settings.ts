/** The dev stage's managed CDC connector settings as the stack writes them, with placeholder ids and password. */
import { cdcConnectorConfig } from "../../connectors/postgres-cdc";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../../filters/load";
import { sourcesForStage } from "../../filters/model";
import { stageConfig } from "../../stages/stages";

export function devConnectorSettings(): Record<string, string> {
  const dev = stageConfig("dev");
  return cdcConnectorConfig({
    stage: dev.name,
    source: dev.source,
    tables: sourcesForStage(loadFilters(DEFAULT_FILTERS_FILE), "dev"),
    connectorName: "c",
    snapshotMode: "initial",
    serviceAccountId: "sa",
    databasePassword: "p",
  }).nonsensitive;
}
