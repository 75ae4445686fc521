/**
 * What Confluent Cloud accepts as a Flink statement, and how large this project lets one statement set grow.
 *
 * Published limits (two sources disagree; the stricter of each applies, so a statement passes under both):
 * - Name: the Flink SQL API's statement name (sql/v1 `Statement.name`, flink-gateway OpenAPI in ccloud-sdk-go-v2
 *   flink-gateway v0.19.0, the SDK the confluent provider 2.83.4 uses) is at most 100 characters and a DNS
 *   subdomain (RFC 1123): lowercase letters, digits and hyphens, dot-separated labels that start and end with a
 *   letter or digit. Confluent's docs ("Flink SQL Statements in Confluent Cloud for Apache Flink", section
 *   "Limit on query text size", https://docs.confluent.io/cloud/current/flink/concepts/statements.html) say
 *   "The maximum length of a statement name is 72 characters". So: the pattern, and at most 72.
 * - Text: the API's `StatementSpec.statement` has maxLength 131072; the same docs page names a 4 MB query limit.
 *   So: at most 131,072, counted here in UTF-8 bytes, which is never less than the characters (code points or
 *   UTF-16 units) the API may count.
 * - CFU: "Each Flink statement consumes a minimum of 1 CFU-minute" ("Confluent Cloud for Apache Flink Billing",
 *   https://docs.confluent.io/cloud/current/billing/dimensions/flink.html) and statements in a compute pool
 *   "can't use more than the configured maximum number of CFUs" ("Compute Pools",
 *   https://docs.confluent.io/cloud/current/flink/concepts/compute-pools.html). So a stage runs at most its
 *   pool's max CFU statements.
 * - Sinks per statement set: no limit is published (docs "EXECUTE STATEMENT SET", service quotas, provider).
 *
 * The budget this project chooses for one set (a shard): at most SHARD_MAX_SINKS inserts and the text limit. A set
 * is one Flink job: any change to one of its filters stops it and starts its successor, so every consumer topic
 * of the set sees the switch; a shard of 100 keeps that to a quarter of a 400-filter stage, and 400 filters in
 * 4 shards fit the smallest stage pool (5 CFU) at one CFU a shard. Each shard reads the raw topic once, so fewer,
 * larger shards cost less; 100 is the compromise, not a measured optimum.
 */
import type { Filter } from "../filters/model";

export const STATEMENT_NAME_MAX = 72;
export const STATEMENT_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const STATEMENT_TEXT_MAX = 131_072;
export const SHARD_MAX_SINKS = 100;

export interface ShardBudget {
  /** Inserts per statement set. */
  maxSinks: number;
  /** UTF-8 bytes of the whole EXECUTE STATEMENT SET text. */
  maxBytes: number;
}

export const DEFAULT_SHARD_BUDGET: ShardBudget = { maxSinks: SHARD_MAX_SINKS, maxBytes: STATEMENT_TEXT_MAX };

export const textBytes = (text: string): number => Buffer.byteLength(text, "utf8");

/** A generated statement as the limits see it. */
export interface StatementForLimits {
  name: string;
  dml: string;
  filters: readonly Pick<Filter, "name">[];
}

const routes = (s: StatementForLimits): string =>
  `filter${s.filters.length === 1 ? "" : "s"} ${s.filters.map((f) => f.name).join(", ")}`;

/** Names and texts Confluent Cloud would refuse at apply, each with the statement, its filters and the fix. */
export function statementLimitProblems(statements: readonly StatementForLimits[], stage: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of statements) {
    if (s.name.length > STATEMENT_NAME_MAX) {
      problems.push(
        `${stage}: statement name ${s.name} (${routes(s)}) has ${s.name.length} characters; Confluent Cloud allows at most ${STATEMENT_NAME_MAX}: shorten the filter name in filters.yaml`,
      );
    } else if (!STATEMENT_NAME_PATTERN.test(s.name)) {
      problems.push(
        `${stage}: statement name ${s.name} (${routes(s)}) is not lowercase letters, digits and hyphens (a DNS subdomain name); rename the filter or stage`,
      );
    }
    if (seen.has(s.name))
      problems.push(
        `${stage}: two statements are named ${s.name}; change one of their filters' descriptions (their SQL hashes collide)`,
      );
    seen.add(s.name);
    const bytes = textBytes(s.dml);
    if (bytes > STATEMENT_TEXT_MAX) {
      const fix =
        s.filters.length === 1
          ? `split filter ${s.filters[0].name} into smaller filters (fewer values, shorter conditions)`
          : `this is a set of ${s.filters.length} filters that should have been split into shards; report it`;
      problems.push(
        `${stage}: statement ${s.name} (${routes(s)}) is ${bytes} bytes of SQL; Confluent Cloud allows at most ${STATEMENT_TEXT_MAX}: ${fix}`,
      );
    }
  }
  return problems;
}

/** Every running statement takes at least one CFU of the stage's compute pool. */
export function computeProblems(running: number, maxCfu: number, stage: string): string[] {
  if (running <= maxCfu) return [];
  return [
    `${stage}: ${running} statements would run, each taking at least 1 CFU, but the compute pool has at most ${maxCfu}: raise flink.maxCfu in stages/stages.ts (or route fewer filters)`,
  ];
}
