/**
 * designStage and stageProblems on their own, without a stack: what a stage deploys is derived from its inputs,
 * and every reason to refuse it is found in one call, so a reader fixes them all in one round.
 */
import { designStage, type StageInputs, stageProblems } from "../../constructs/stage-problems";
import { loadFilters } from "../../filters/load";
import type { Filter, FilterSet } from "../../filters/model";
import { readLock, type StageLock } from "../../lock/lock-file";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";

const filters = loadFilters("filters/filters.yaml");
const dev = stageConfig("dev");
const lock = readLock().dev as StageLock;
const problemsOf = (inputs: StageInputs): string[] => stageProblems(inputs, designStage(inputs));

/** A copy of the first filter (consumer loan-servicing) under another name and topic. */
const copyOfFirst = (name: string, outputTopic: string): Filter => ({ ...filters.filters[0], name, outputTopic });
const withFilters = (...extra: Filter[]): FilterSet => ({ ...filters, filters: [...filters.filters, ...extra] });
/** The committed lock, its running statement recorded with another catalog than the stage gives it now. */
const running = lock.running[0];
const lockWithOtherCatalog: StageLock = {
  ...lock,
  running: [{ ...running, properties: { ...running.properties, "sql.current-catalog": "cdc-routing-old" } }],
};
const STALE_LOCK_FIX = "run `npm run statements:lock` and commit the result";

describe("designStage: what a stage deploys, from its inputs alone", () => {
  test("the committed dev stage: its names, its locked statements, the filters deployed to it", () => {
    const prodOnly: Filter = { ...copyOfFirst("loan-audit", "filtered-loan-audit-events"), stages: ["prod"] };
    const design = designStage({ stage: dev, filters: withFilters(prodOnly), lock });
    expect(design.names.prefix).toBe("cdc-routing-dev");
    expect(design.sql.dialect).toBe("confluent");
    expect(design.sql.statements.map((s) => s.name)).toEqual(["dev-routing-set-697589fe"]);
    expect(design.deployment).toEqual({
      stage: "dev",
      catalog: "cdc-routing-dev",
      database: "cdc-routing-dev-kafka",
      flinkApiKey: "manager-flink",
    });
    expect(design.connectorName).toBe("cdc-routing-dev-postgres-cdc");
    expect(design.deployed.map((f) => f.name)).toEqual([
      "loan-created",
      "loan-payment-submitted",
      "car-created",
      "service-events",
    ]);
    expect(JSON.parse(design.rawSchemas.get("raw-business-events") ?? "{}").title).toBe(
      "cdc-routing-dev.public.business_events.Value",
    );
  });

  test("a stage that names its own connector deploys that name", () => {
    const stage = parseStageConfig({ ...dev, source: { ...dev.source, connectorName: "business-cdc" } });
    expect(designStage({ stage, filters, lock }).connectorName).toBe("business-cdc");
  });
});

describe("stageProblems: every reason to refuse a stage, collected in one call", () => {
  test("the committed stages have none (so each problem below comes from its one change)", () => {
    const committed = readLock();
    for (const name of ["dev", "staging", "prod"] as const) {
      expect(problemsOf({ stage: stageConfig(name), filters, lock: committed[name] })).toEqual([]);
    }
  });

  test("four families at once, in order: stale lock, CFU, connector, tables (topic names are never refused)", () => {
    // Six filters, one statement each, on a 5 CFU pool; the connector renamed; loan-servicing's new topic shares
    // no prefix with its other one, which only makes its topics granted one by one.
    const stage = parseStageConfig({
      ...dev,
      flink: { ...dev.flink, shape: "per-filter" },
      source: { ...dev.source, connectorName: "cdc-routing-dev-postgres-cdc-2" },
    });
    const grown = withFilters(
      copyOfFirst("loan-closed", "closed-loans"),
      copyOfFirst("loan-repaid", "filtered-loan-repaid-events"),
    );
    const inputs = { stage, filters: grown, lock };
    const design = designStage(inputs);
    // Only a generator bug makes the raw schema and the statements disagree: a design missing a column stands in.
    const schema = JSON.parse(design.rawSchemas.get("raw-business-events") ?? "{}");
    delete schema.properties.event_type;
    const rawSchemas = new Map([["raw-business-events", JSON.stringify(schema)]]);
    expect(stageProblems(inputs, { ...design, rawSchemas })).toEqual([
      "dev: lock/statements.lock.json is out of date (locked: dev-routing-set-697589fe; filters generate: " +
        "dev-route-loan-created-v1,dev-route-loan-payment-submitted-v1,dev-route-car-created-v1," +
        `dev-route-service-events-v1,dev-route-loan-closed-v1,dev-route-loan-repaid-v1); ${STALE_LOCK_FIX}`,
      "dev: 6 statements would run, each taking at least 1 CFU, but the compute pool has at most 5: " +
        "raise flink.maxCfu in stages/stages.ts (or route fewer filters)",
      "dev: lock/statements.lock.json records connector cdc-routing-dev-postgres-cdc, but the stage names " +
        `cdc-routing-dev-postgres-cdc-2; ${STALE_LOCK_FIX} (a renamed connector replaces the old one and ` +
        "continues from the replication slot without a snapshot)",
      "dev: raw table raw-business-events: column event_type would be inferred as none, the filters read it as STRING",
    ]);
  });

  test("an in-place change Confluent refuses is reported against a current lock", () => {
    expect(problemsOf({ stage: dev, filters, lock: lockWithOtherCatalog })).toEqual([
      "dev: statement dev-routing-set-697589fe (filters loan-created, loan-payment-submitted, car-created, " +
        'service-events) would change its properties in place (sql.current-catalog: "cdc-routing-old" -> ' +
        '"cdc-routing-dev"); Confluent cannot change a statement\'s properties (the provider plans an update that ' +
        "fails at apply). Revert that change, or deploy it as a new statement that carries the offsets over: bump " +
        "the version of any of its filters in filters.yaml and run `npm run statements:lock`",
    ]);
  });

  test("against a stale lock, only the stale lock: the statements locking records change nothing in place", () => {
    const [first, ...rest] = filters.filters;
    const bumped: FilterSet = { ...filters, filters: [{ ...first, version: first.version + 1 }, ...rest] };
    expect(problemsOf({ stage: dev, filters: bumped, lock: lockWithOtherCatalog })).toEqual([
      "dev: lock/statements.lock.json is out of date (locked: dev-routing-set-697589fe; filters generate: " +
        `dev-routing-set-bbadfb36); ${STALE_LOCK_FIX}`,
    ]);
  });

  test("a stage never locked: its statements are the one problem; no connector is compared", () => {
    expect(problemsOf({ stage: dev, filters, lock: undefined })).toEqual([
      "dev: lock/statements.lock.json is out of date (locked: none; filters generate: dev-routing-set-697589fe); " +
        STALE_LOCK_FIX,
    ]);
  });
});
