/**
 * What apply would refuse, refused at synth: a statement that stays never changes its properties, its Flink API
 * key or its name in place (provider 2.83.4: flinkStatementUpdate; lock/deployed-attributes.ts). The Flink
 * API key's rotation, on synthesized JSON.
 */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { deploymentProblems, stageDeployment } from "../../lock/deployed-attributes";
import { StageRefusal } from "../../lock/evolution";
import type { StageLock } from "../../lock/lock-file";
import { readLock } from "../../lock/lock-file";
import { lockStage } from "../../lock/stage-lock";
import { parseStageConfig, retryBudgetSeconds, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";

const filters = loadFilters("filters/filters.yaml");
const dev = stageConfig("dev");
const committed = readLock();
const DEPLOYED = committed.dev!.running[0].name;
const withGeneration = (stage: StageConfig, apiKeyGeneration: number) =>
  parseStageConfig({ ...stage, flink: { ...stage.flink, apiKeyGeneration } });
const synth = (lock: StageLock | undefined, stage: StageConfig = dev) =>
  synthStack((app) => new RoutingStageStack(app, { stage, filters, lock }));
const refusal = (lock: StageLock | undefined, stage: StageConfig = dev): string[] => {
  try {
    synth(lock, stage);
  } catch (e) {
    if (e instanceof StageRefusal) return [...e.problems];
    throw e;
  }
  throw new Error("synth did not refuse");
};
/** The committed dev lock with one edit to its running statement's record. */
const editedRunning = (edit: Partial<StageLock["running"][number]>): StageLock => ({
  ...committed.dev!,
  running: [{ ...committed.dev!.running[0], ...edit }],
});

const statements = (json: Record<string, any>) => Object.values<any>(json.resource.confluent_flink_statement);
const statementNamed = (json: Record<string, any>, name: string) =>
  statements(json).find((s) => s.statement_name === name);
/** Construct id part of a `${confluent_api_key.identity_<id>_<hash>.id}` reference. */
const keyOf = (statement: any): string =>
  /confluent_api_key\.identity_(.+)_[0-9A-F]{8}\.id/.exec(statement.credentials.key)![1];
const flinkKeys = (json: Record<string, any>) =>
  Object.values<any>(json.resource.confluent_api_key)
    .map((k) => k.display_name as string)
    .filter((n) => n.includes("manager-flink"))
    .sort();

describe("the lock records what is deployed", () => {
  test("each statement's properties and Flink API key", () => {
    const lock = committed.dev!;
    expect(lock.running[0]).toMatchObject({
      properties: { "sql.current-catalog": "cdc-routing-dev", "sql.current-database": "cdc-routing-dev-kafka" },
      flinkApiKey: "manager-flink",
    });
    // The committed lock is what statements:lock writes for the committed filters and stages.
    for (const name of ["dev", "staging", "prod"] as const)
      expect(lockStage(committed, filters, stageConfig(name))).toEqual(committed[name]);
  });

  test("a lock written before the records: statements that stay ran with the first key; the records are added", () => {
    const legacy: StageLock = {
      ...committed.dev!,
      running: committed.dev!.running.map(({ properties, flinkApiKey, ...s }) => s),
    };
    expect(lockStage({ dev: legacy }, filters, dev)).toEqual(committed.dev);
    // Nothing recorded, nothing to compare: synth passes.
    expect(deploymentProblems(legacy, stageDeployment(dev))).toEqual([]);
  });
});

describe("synth refuses what the provider plans clean and Confluent refuses at apply", () => {
  test("a changed property of a statement that stays", () => {
    const lock = editedRunning({
      properties: { "sql.current-catalog": "cdc-routing-dev", "sql.current-database": "business-dev-kafka" },
    });
    expect(refusal(lock)).toEqual([
      `dev: statement ${DEPLOYED} (filters loan-created, loan-payment-submitted, car-created, service-events) would change its properties in place ` +
        '(sql.current-database: "business-dev-kafka" -> "cdc-routing-dev-kafka"); Confluent cannot change a statement\'s properties (the provider plans an update that fails at apply). ' +
        "Revert that change, or deploy it as a new statement that carries the offsets over: bump the version of any of its filters in filters.yaml and run `npm run statements:lock`",
    ]);
    // An added property is a change too; statements:lock refuses the same, writing nothing.
    const added = editedRunning({ properties: { ...committed.dev!.running[0].properties!, "sql.state-ttl": "7 d" } });
    expect(refusal(added)[0]).toContain('(sql.state-ttl: "7 d" -> (none))');
    expect(() => lockStage({ dev: added }, filters, dev)).toThrow(StageRefusal);
  });

  test("the fix for a property change, a version bump: the new statement gets the new properties, the stopped one keeps its own", () => {
    const deployedWith = { "sql.current-catalog": "cdc-routing-dev", "sql.current-database": "business-dev-kafka" };
    const bumped = {
      ...filters,
      filters: filters.filters.map((f) => (f.name === "car-created" ? { ...f, version: 2 } : f)),
    };
    const next = lockStage({ dev: editedRunning({ properties: deployedWith }) }, bumped, dev);
    expect(next.stopped.map((s) => [s.name, s.properties])).toEqual([[DEPLOYED, deployedWith]]);
    expect(next.running[0].properties).toEqual({
      "sql.current-catalog": "cdc-routing-dev",
      "sql.current-database": "cdc-routing-dev-kafka",
      "sql.tables.initial-offset-from": DEPLOYED,
    });
    const json = synthStack((app) => new RoutingStageStack(app, { stage: dev, filters: bumped, lock: next }));
    expect(statementNamed(json, DEPLOYED)).toMatchObject({ stopped: true, properties: deployedWith });
  });

  test("changed credentials of a statement that stays", () => {
    expect(refusal(editedRunning({ flinkApiKey: "manager-flink-old" }))).toEqual([
      `dev: statement ${DEPLOYED} (filters loan-created, loan-payment-submitted, car-created, service-events) runs with Flink API key manager-flink-old and would get manager-flink in place; ` +
        "Confluent cannot change a statement's credentials (the provider plans an update that fails at apply). " +
        "Rotate the key as the README describes (bump flink.apiKeyGeneration, run `npm run statements:lock`: new statements with the new key carry the offsets over, the old key stays until they are cleaned up)",
    ]);
  });

  test("statement_name never changes in place: a statement's Terraform address is made from its name", () => {
    // So another name is always another resource (created; the old one stopped or removed, which the review guard
    // judges), whatever changes the name: a filter version, the set's SQL, a key generation.
    for (const [stage, lock] of [
      [dev, committed.dev],
      [withGeneration(dev, 2), lockStage(committed, filters, withGeneration(dev, 2))],
    ] as const) {
      const json = synth(lock, stage);
      expect(statements(json).length).toBeGreaterThan(0);
      for (const [address, s] of Object.entries<any>(json.resource.confluent_flink_statement))
        expect(address).toMatch(new RegExp(`^routing_${s.statement_name}_[0-9A-F]{8}$`));
    }
  });
});

describe("rotating the Flink API key (flink.apiKeyGeneration)", () => {
  const rotated = withGeneration(dev, 2);
  const before = synth(committed.dev);
  const lock = lockStage(committed, filters, rotated);
  const after = synth(lock, rotated);

  test("synth refuses the bump until statements:lock records new statements for the new key", () => {
    expect(refusal(committed.dev, rotated)).toEqual([
      `dev: lock/statements.lock.json is out of date (locked: ${DEPLOYED}; filters generate: ${DEPLOYED}-k2); run \`npm run statements:lock\` and commit the result`,
    ]);
  });

  test("statements:lock: a new statement with the new key carries the offsets over; the old one is kept stopped with its key", () => {
    expect(lock.running.map((s) => [s.name, s.carriedOverFrom, s.flinkApiKey])).toEqual([
      [`${DEPLOYED}-k2`, DEPLOYED, "manager-flink-2"],
    ]);
    expect(lock.stopped.map((s) => [s.name, s.flinkApiKey])).toEqual([[DEPLOYED, "manager-flink"]]);
    expect(lock.running[0].sql).toBe(lock.stopped[0].sql);
  });

  test("synthesized: both keys declared; the old statement changes nothing but stopped; the new one is created running", () => {
    expect(flinkKeys(before)).toEqual(["cdc-routing-dev-manager-flink"]);
    expect(flinkKeys(after)).toEqual(["cdc-routing-dev-manager-flink", "cdc-routing-dev-manager-flink-2"]);
    const old = statementNamed(after, DEPLOYED);
    const was = statementNamed(before, DEPLOYED);
    expect(old.credentials).toEqual(was.credentials);
    expect(old.properties).toEqual(committed.dev!.running[0].properties); // the recorded values the references resolve to
    expect({ ...old, properties: undefined, stopped: undefined }).toEqual({
      ...was,
      properties: undefined,
      stopped: undefined,
    });
    expect([was.stopped, old.stopped]).toEqual([false, true]);
    const next = statementNamed(after, `${DEPLOYED}-k2`);
    expect(keyOf(next)).toBe("manager-flink-2");
    expect(next.properties["sql.tables.initial-offset-from"]).toBe(DEPLOYED);
    expect(next.stopped).toBe(false);
    // Stopping is its own apply and `stopped = true` is ignored on create (provider #695): the only stopped
    // statement is the deployed one, adopted by an import block if it is missing from state, never created.
    const stopped = Object.entries<any>(after.resource.confluent_flink_statement).filter(([, s]) => s.stopped);
    expect(stopped.map(([, s]) => s.statement_name)).toEqual([DEPLOYED]);
    expect(after.import).toEqual([{ id: DEPLOYED, to: `confluent_flink_statement.${stopped[0][0]}` }]);
  });

  test("the clean-up drops the old statement and the old key; a later rotation works the same way", () => {
    const cleaned = lockStage({ dev: lock }, filters, rotated, { cleanup: true });
    const json = synth(cleaned, rotated);
    expect(statements(json).map((s) => [s.statement_name, keyOf(s)])).toEqual([[`${DEPLOYED}-k2`, "manager-flink-2"]]);
    expect(flinkKeys(json)).toEqual(["cdc-routing-dev-manager-flink-2"]);
    const third = lockStage({ dev: cleaned }, filters, withGeneration(dev, 3));
    expect(third.running.map((s) => [s.name, s.carriedOverFrom, s.flinkApiKey])).toEqual([
      [`${DEPLOYED}-k3`, `${DEPLOYED}-k2`, "manager-flink-3"],
    ]);
    expect(third.stopped.map((s) => [s.name, s.flinkApiKey])).toEqual([[`${DEPLOYED}-k2`, "manager-flink-2"]]);
  });

  test("the generation is validated", () => {
    expect(() => withGeneration(dev, 0)).toThrow("flink.apiKeyGeneration");
  });
});

describe("the provider's retries per stage (confluent.maxRetries)", () => {
  test("each stage's value reaches the provider; the back-off budget it buys", () => {
    const maxRetries = (name: "dev" | "staging" | "prod") =>
      synthStack((app) => new RoutingStageStack(app, { stage: stageConfig(name), filters, lock: committed[name] }))
        .provider.confluent[0].max_retries;
    expect([maxRetries("dev"), maxRetries("staging"), maxRetries("prod")]).toEqual([8, 8, 10]);
    // 1 + 2 + 4 + 8 (the provider's default 4), then capped at 30 s a wait.
    expect([4, 8, 10].map(retryBudgetSeconds)).toEqual([15, 121, 181]);
  });

  test("below the provider's minimum is refused", () => {
    expect(() => parseStageConfig({ ...dev, confluent: { ...dev.confluent, maxRetries: 3 } })).toThrow(
      /confluent\.maxRetries: Too small: expected number to be >=4/,
    );
  });
});
