/**
 * What Confluent Cloud cannot change on a deployed statement, recorded in the lock so synth can refuse a change
 * that would plan clean and fail at apply.
 *
 * The confluent provider (2.83.4, internal/provider/resource_flink_statement.go) plans `properties`, `credentials`
 * and `statement_name` of an existing `confluent_flink_statement` as in-place updates, and `flinkStatementUpdate`
 * then fails: `d.HasChangesExcept(stopped, properties_sensitive, principal, compute_pool)` -> "... attribute must
 * be updated for Flink Statement"; stopping accepts nothing but `stopped` (`flinkStatementStop`).
 *
 * So `npm run statements:lock` records, per statement, the properties and the Flink API key it is deployed with;
 * synth compares what it would declare now. A statement never changes them: a new key or new properties mean new
 * statements that carry the old ones' offsets over (the Flink API key's rotation: bump `flink.apiKeyGeneration`,
 * README "Rotating the Flink API key"). `statement_name` cannot change in place because a statement's Terraform
 * address is made from its name (constructs/flink-statements.ts).
 */

import type { GeneratedSql } from "../flink-sql/generate";
import type { StageConfig } from "../stages/config";
import { keyIdOfGeneration } from "../stages/credentials";
import { resourceNames } from "../stages/resource-names";
import { CARRY_OVER_PROPERTY } from "./evolution";
import type { LockedStatement, StageLock } from "./lock-file";

/** The key every statement used before keys had generations (and a lock entry without a record). */
export const FIRST_FLINK_API_KEY = "manager-flink";

/** What the stage's code and config give its statements now. */
export interface StageDeployment {
  stage: string;
  /** Flink's catalog: the environment's display name. */
  catalog: string;
  /** Flink's database: the Kafka cluster's display name. */
  database: string;
  /** Construct id of the Flink API key running statements use (`manager-flink`, `manager-flink-2`, ...). */
  flinkApiKey: string;
}

/** Construct id (and, after the stage prefix, display name) of the Flink API key of one generation. */
export function flinkApiKeyId(generation: number): string {
  return keyIdOfGeneration(FIRST_FLINK_API_KEY, generation);
}

export function stageDeployment(stage: StageConfig): StageDeployment {
  const names = resourceNames(stage.name);
  return {
    stage: stage.name,
    catalog: names.environment,
    database: names.kafkaCluster,
    flinkApiKey: flinkApiKeyId(stage.flink.apiKeyGeneration),
  };
}

/**
 * A statement's properties. The construct passes Terraform references for catalog and database, the checks
 * their literal values: one function, so both always have the same keys.
 */
export function statementProperties(
  catalog: string,
  database: string,
  carriedOverFrom: string | undefined,
): Record<string, string> {
  return {
    "sql.current-catalog": catalog,
    "sql.current-database": database,
    ...(carriedOverFrom ? { [CARRY_OVER_PROPERTY]: carriedOverFrom } : {}),
  };
}

/**
 * Statement names under a key generation: a new key needs new statements (a statement's credentials cannot
 * change), so from generation 2 on the name says which key it runs with. Generation 1 keeps the plain names.
 */
export function withApiKeyGeneration(sql: GeneratedSql, generation: number): GeneratedSql {
  if (generation === 1) return sql;
  return { ...sql, statements: sql.statements.map((s) => ({ ...s, name: `${s.name}-k${generation}` })) };
}

/**
 * The lock after `npm run statements:lock`, with what each statement is deployed with. A statement that stays
 * keeps its record; a new one gets the stage's current values. A statement from a lock written before these
 * records ran with the only key there was then.
 */
export function recordDeployment(previous: StageLock | undefined, next: StageLock, now: StageDeployment): StageLock {
  const known = new Set([...(previous?.running ?? []), ...(previous?.stopped ?? [])].map((s) => s.name));
  const record = (s: LockedStatement): LockedStatement => ({
    ...s,
    properties: s.properties ?? statementProperties(now.catalog, now.database, s.carriedOverFrom),
    flinkApiKey: s.flinkApiKey ?? (known.has(s.name) ? FIRST_FLINK_API_KEY : now.flinkApiKey),
  });
  return { ...next, running: next.running.map(record), stopped: next.stopped.map(record) };
}

/** The key a statement is declared with: a stopped one keeps its own; a running one gets the stage's current key. */
export function statementApiKey(s: LockedStatement, stopped: boolean, now: StageDeployment): string {
  return stopped ? (s.flinkApiKey ?? FIRST_FLINK_API_KEY) : now.flinkApiKey;
}

/** Every Flink API key the stack must declare: the current one and those kept statements still use. */
export function flinkApiKeysInUse(lock: StageLock | undefined, now: StageDeployment): string[] {
  const keys = new Set([now.flinkApiKey, ...(lock?.stopped ?? []).map((s) => statementApiKey(s, true, now))]);
  return [...keys].sort();
}

function propertyChanges(recorded: Record<string, string>, now: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort();
  return keys
    .filter((k) => recorded[k] !== now[k])
    .map(
      (k) =>
        `${k}: ${recorded[k] === undefined ? "(none)" : JSON.stringify(recorded[k])} -> ${now[k] === undefined ? "(none)" : JSON.stringify(now[k])}`,
    );
}

const filterList = (s: LockedStatement) => s.filters.join(", ");

/**
 * What synth refuses: a running statement whose properties or API key would differ from what it was deployed
 * with. Stopped statements are declared exactly as recorded, so they cannot differ.
 */
export function deploymentProblems(lock: StageLock | undefined, now: StageDeployment): string[] {
  const problems: string[] = [];
  for (const s of lock?.running ?? []) {
    const changes = s.properties
      ? propertyChanges(s.properties, statementProperties(now.catalog, now.database, s.carriedOverFrom))
      : [];
    if (changes.length > 0) {
      problems.push(
        `${now.stage}: statement ${s.name} (filters ${filterList(s)}) would change its properties in place (${changes.join("; ")}); ` +
          "Confluent cannot change a statement's properties (the provider plans an update that fails at apply). " +
          `Revert that change, or deploy it as a new statement that carries the offsets over: bump the version of ${s.filters.length > 1 ? "any of its filters" : `filter ${s.filters[0]}`} in filters.yaml and run \`npm run statements:lock\``,
      );
    }
    const key = statementApiKey(s, false, now);
    if (s.flinkApiKey !== undefined && s.flinkApiKey !== key) {
      problems.push(
        `${now.stage}: statement ${s.name} (filters ${filterList(s)}) runs with Flink API key ${s.flinkApiKey} and would get ${key} in place; ` +
          "Confluent cannot change a statement's credentials (the provider plans an update that fails at apply). " +
          "Rotate the key as the README describes (bump flink.apiKeyGeneration, run `npm run statements:lock`: new statements with the new key carry the offsets over, the old key stays until they are cleaned up)",
      );
    }
  }
  return problems;
}
