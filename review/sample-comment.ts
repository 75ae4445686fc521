/**
 * npm run docs:sample-comment: renders the sample pull-request comment that docs/deploying.md shows, with
 * renderReview on a fixed change and a fixed plan, and writes it into the page between its two markers. A unit
 * test renders it again and fails when the page differs, so the sample is always what the code writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
// cdktf's own logical ids, so the sample's addresses are those the stack would synthesize.
import { makeUniqueId } from "cdktf/lib/private/unique";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import type { FilterSet } from "../filters/model";
import { parseCommandLine, runScript } from "../lib/command-line";
import { InputError } from "../lib/errors";
import { CARRY_OVER_PROPERTY } from "../lock/evolution";
import { stageStatements } from "../lock/stage-lock";
import { stageConfig } from "../stages/stages";
import { renderReview } from "./comment";
import type { PlanJson, ResourceChange } from "./plan";

export const SAMPLE_PAGE = "docs/deploying.md";
export const SAMPLE_BEGIN = "<!-- sample-comment:begin (written by npm run docs:sample-comment; do not edit) -->";
export const SAMPLE_END = "<!-- sample-comment:end -->";

const USAGE = `usage: npm run docs:sample-comment

Renders the sample review comment (review/comment.ts renderReview on a fixed plan) into ${SAMPLE_PAGE},
between its sample-comment:begin and sample-comment:end markers.`;

/** The reviewed change: loan-created v2 routes creates only (no snapshot rows), and car-created is removed. */
export function sampleChange(base: FilterSet): FilterSet {
  const filters = base.filters
    .filter((f) => f.name !== "car-created")
    .map((f) => (f.name === "loan-created" ? { ...f, version: f.version + 1, operations: ["create" as const] } : f));
  return { ...base, filters };
}

const address = (type: string, ...constructPath: string[]) => `${type}.${makeUniqueId(constructPath)}`;

function change(
  type: string,
  constructPath: string[],
  actions: string[],
  before: unknown,
  after: unknown,
): ResourceChange {
  const addr = address(type, ...constructPath);
  return { address: addr, type, name: addr.slice(type.length + 1), change: { actions, before, after } };
}

/**
 * dev's plan after `npm run statements:lock`, trimmed to what the sample shows (a real one also deletes the
 * car-inventory consumer's identity and secret): the new statement set carries the old one's offsets over and
 * the old one stops, which the guard accepts; the removed filter's topic is deleted, which needs the opt-in.
 */
export function samplePlan(base: FilterSet, head: FilterSet): PlanJson {
  const dev = stageConfig("dev");
  const [before] = stageStatements(base, dev);
  const [after] = stageStatements(head, dev);
  const running = { statement_name: before.name, stopped: false };
  return {
    format_version: "1.2",
    resource_changes: [
      change("confluent_flink_statement", ["routing", after.name], ["create"], null, {
        statement_name: after.name,
        stopped: false,
        properties: { [CARRY_OVER_PROPERTY]: before.name },
      }),
      change("confluent_flink_statement", ["routing", before.name], ["update"], running, { ...running, stopped: true }),
      change(
        "confluent_kafka_topic",
        ["topics", "topic-car-created"],
        ["delete"],
        { topic_name: "filtered-car-created-events" },
        null,
      ),
      change(
        "confluent_schema",
        ["topics", "schema-car-created"],
        ["delete"],
        { subject_name: "filtered-car-created-events-value" },
        null,
      ),
    ],
  };
}

/** The comment for that change: dev with its plan, staging without one (as for a fork's pull request). */
export function sampleComment(filtersFile = DEFAULT_FILTERS_FILE): string {
  const base = loadFilters(filtersFile);
  const head = sampleChange(base);
  const stages = [{ stage: "dev" as const, plan: samplePlan(base, head) }, { stage: "staging" as const }];
  return renderReview({ stages, base, head, optedIn: false }).markdown;
}

/**
 * The page with the comment between the markers, fenced with more backticks than any run inside it, so that the
 * comment's own headings and code blocks stay out of the page's outline.
 */
export function withSample(page: string, comment: string): string {
  const begin = page.indexOf(SAMPLE_BEGIN);
  const end = page.indexOf(SAMPLE_END);
  if (begin < 0 || end < begin)
    throw new InputError(`${SAMPLE_PAGE} needs the lines ${SAMPLE_BEGIN} and ${SAMPLE_END}, in that order`);
  const longestRun = Math.max(0, ...(comment.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(4, longestRun + 1));
  return `${page.slice(0, begin + SAMPLE_BEGIN.length)}\n${fence}markdown\n${comment}${fence}\n${page.slice(end)}`;
}

if (require.main === module) {
  void runScript(USAGE, (args) => {
    parseCommandLine(args, {});
    writeFileSync(SAMPLE_PAGE, withSample(readFileSync(SAMPLE_PAGE, "utf8"), sampleComment()));
    console.log(`wrote the sample review comment into ${SAMPLE_PAGE}`);
  });
}
