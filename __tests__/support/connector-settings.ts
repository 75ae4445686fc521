/** The dev stage's managed CDC connector settings as the stack writes them, with placeholder ids and password. */
import { cdcConnectorConfig } from "../../connectors/postgres-cdc";
import { stageConfig } from "../../stages/stages";

export function devConnectorSettings(): Record<string, string> {
  const dev = stageConfig("dev");
  return cdcConnectorConfig({
    stage: dev.name,
    source: dev.source,
    connectorName: "c",
    snapshotMode: "initial",
    rawTopic: "raw-business-events",
    serviceAccountId: "sa",
    databasePassword: "p",
  }).nonsensitive;
}
