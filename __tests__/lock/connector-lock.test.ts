/**
 * A renamed connector: the lock records it as a replacement that streams from the stack's slot without a
 * snapshot, and the synthesized stack replaces the connector (replace_triggered_by its name) instead of planning
 * an in-place rename the provider refuses at apply. The e2e (connector-replacement.e2e.ts) applies it.
 */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { connectorLockProblems, evolveConnector } from "../../lock/connector-lock";
import { StageRefusal } from "../../lock/evolution";
import { readLock } from "../../lock/lock-file";
import { evolveStage } from "../../lock/stage-lock";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";

const filters = loadFilters("filters/filters.yaml");
const ORIGINAL = "cdc-routing-dev-postgres-cdc";
const RENAMED = "cdc-routing-dev-postgres-cdc-v2";
const devNamed = (connectorName?: string): StageConfig =>
  parseStageConfig({ ...stageConfig("dev"), source: { ...stageConfig("dev").source, connectorName } });
const synth = (stage: StageConfig, lock = readLock().dev) =>
  synthStack((app) => new RoutingStageStack(app, { stage, filters, lock }));
const only = (section: Record<string, any>) => {
  const entries = Object.entries(section);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, any];
};

describe("the connector in the lock", () => {
  test("the stage's first connector takes the initial snapshot; an unchanged one stays as recorded", () => {
    const first = evolveConnector(undefined, ORIGINAL);
    expect(first).toEqual({ name: ORIGINAL, snapshotMode: "initial" });
    expect(evolveConnector(first, ORIGINAL)).toBe(first);
  });

  test("a renamed connector streams from the slot without a snapshot, and says what it replaces", () => {
    const renamed = evolveConnector({ name: ORIGINAL, snapshotMode: "initial" }, RENAMED);
    expect(renamed).toEqual({ name: RENAMED, snapshotMode: "no_data", replaces: ORIGINAL });
    expect(evolveConnector(renamed, "third")).toEqual({ name: "third", snapshotMode: "no_data", replaces: RENAMED });
  });

  test("synth refuses a lock that records another connector, or none, with the command to run", () => {
    expect(connectorLockProblems({ name: ORIGINAL, snapshotMode: "initial" }, ORIGINAL, "dev")).toEqual([]);
    expect(connectorLockProblems({ name: ORIGINAL, snapshotMode: "initial" }, RENAMED, "dev")).toEqual([
      `dev: lock/statements.lock.json records connector ${ORIGINAL}, but the stage names ${RENAMED}; run \`npm run statements:lock\` and commit the result (a renamed connector replaces the old one and continues from the replication slot without a snapshot)`,
    ]);
    expect(() => synth(devNamed(RENAMED))).toThrow(StageRefusal);
    expect(() => synth(devNamed(RENAMED))).toThrow(`records connector ${ORIGINAL}, but the stage names ${RENAMED}`);
    const { connector: _connector, ...withoutConnector } = readLock().dev!;
    expect(() => synth(devNamed(), withoutConnector)).toThrow(`records no connector for ${ORIGINAL}`);
  });

  test("a connector name is checked like the stage's other names", () => {
    expect(() => devNamed("Bad Name")).toThrow(/source\.connectorName.*lower-case letters, digits and hyphens/);
  });
});

describe("the synthesized rename", () => {
  const before = synth(devNamed());
  const renamedStage = devNamed(RENAMED);
  const after = synth(renamedStage, evolveStage(readLock(), filters, renamedStage));

  test("same resource address, new name and snapshot mode: replace_triggered_by the name turns it into a replacement", () => {
    const [beforeId, beforeConnector] = only(before.resource.confluent_connector);
    const [afterId, afterConnector] = only(after.resource.confluent_connector);
    expect(afterId).toBe(beforeId);
    expect([beforeConnector.config_nonsensitive.name, beforeConnector.config_nonsensitive["snapshot.mode"]]).toEqual([
      ORIGINAL,
      "initial",
    ]);
    expect([afterConnector.config_nonsensitive.name, afterConnector.config_nonsensitive["snapshot.mode"]]).toEqual([
      RENAMED,
      "no_data",
    ]);
    const [triggerId, trigger] = only(after.resource.terraform_data);
    expect(trigger).toEqual({ triggers_replace: { name: RENAMED } });
    expect(afterConnector.lifecycle).toEqual({ replace_triggered_by: [`terraform_data.${triggerId}`] });
  });

  test("the replication slot, publication and role are untouched: the new connector reads the same slot", () => {
    for (const type of ["postgresql_replication_slot", "postgresql_publication", "postgresql_role", "postgresql_grant"])
      expect(after.resource[type]).toEqual(before.resource[type]);
    const [, connector] = only(after.resource.confluent_connector);
    expect(connector.config_nonsensitive["slot.name"]).toBe(only(after.resource.postgresql_replication_slot)[1].name);
  });
});
