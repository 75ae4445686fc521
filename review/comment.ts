/**
 * The pull-request review: per stage the plan summary, the destructive-change guard, the changed Flink statements,
 * the changed resources, the SQL diff and the diagram. Rendered three times: whole (the uploaded artifact), fitted
 * into a GitHub comment and fitted into a job summary (review/fit.ts). What a reviewer decides on is never
 * shortened: the guard's verdict, every destructive change and every changed statement; the resource list, the
 * SQL diffs and the diagrams are collapsed, cut or left out with a pointer to the full review.
 */
import type { FilterSet } from "../filters/model";
import type { StageName } from "../stages/names";
import { routingDiagram } from "./diagram";
import { type Block, CUT_MARK, fitBlocks, type Limit } from "./fit";
import { compactGuardMessage, type DestructiveChange, destructiveChanges, guardMessage, refusedChanges } from "./guard";
import { changedFilters, impactEvents, renderImpact, routingImpact } from "./impact";
import type { PlanJson } from "./plan";
import { redact, sensitiveValues } from "./redact";
import { sqlDiff } from "./sql-diff";
import {
  countsLine,
  RESOURCE_TABLE_HEAD,
  renderKindCounts,
  resourceRows,
  statementChanges,
  summarizePlan,
} from "./summarize";

/** The workflow finds its earlier comment by this marker and updates it instead of adding another. */
export const COMMENT_MARKER = "<!-- cdc-routing-review -->";

/** GitHub refuses a longer comment: `422 Body is too long (maximum is 65536 characters)`. */
export const COMMENT_LIMIT = 65_536;
/**
 * GitHub drops a longer job summary: `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k`
 * (docs: workflow commands, "Adding a job summary"). Measured in bytes.
 */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** Sections with more lines than this start collapsed. */
const OPEN_UP_TO_LINES = 30;

export interface StageInput {
  stage: StageName;
  /** Absent when no plan ran (a fork without secrets): the comment says so. */
  plan?: PlanJson;
}

export interface CommentInput {
  stages: StageInput[];
  base?: FilterSet;
  head: FilterSet;
  optedIn: boolean;
  /** Where the full review is (the workflow run's page); named in a shortened comment. */
  fullReviewUrl?: string;
}

export interface Review {
  /** The pull-request comment: at most COMMENT_LIMIT characters. */
  markdown: string;
  /** For the job summary: at most SUMMARY_LIMIT_BYTES bytes. */
  summary: string;
  /** Everything, for the uploaded artifact. */
  full: string;
  /** Destructive changes per stage that are not opted in; the check fails when any. */
  blocking: Map<StageName, DestructiveChange[]>;
}

export const REVIEW_ARTIFACT = "review";

function commentNotice(url: string | undefined): (listsCut: boolean) => string {
  const where = url
    ? `[this run's job summary](${url}) and in its \`${REVIEW_ARTIFACT}\` artifact`
    : `the job summary of the pull-request workflow's review job and in its \`${REVIEW_ARTIFACT}\` artifact`;
  return (listsCut) =>
    `> ${CUT_MARK} **Shortened to fit GitHub's limit of 65,536 characters for a comment.** ${whatIsWhole(listsCut)} The full review is in ${where}.`;
}

function summaryNotice(listsCut: boolean): string {
  return `> ${CUT_MARK} **Shortened to fit the job summary's limit of 1 MiB.** ${whatIsWhole(listsCut)} The full review is in this run's \`${REVIEW_ARTIFACT}\` artifact.`;
}

function whatIsWhole(listsCut: boolean): string {
  return listsCut
    ? `The guard's verdict and the counts are here; even the lists of destructive changes and statements are too long and are cut where ${CUT_MARK} says.`
    : `The guard's verdict, every destructive change and every changed Flink statement are here in full; sections marked ${CUT_MARK} are cut or left out.`;
}

/** One stage's blocks: fixed ones first (what is decided on), then the collapsible sections. */
function stageBlocks(
  { stage, plan }: StageInput,
  input: CommentInput,
  earlier: Map<string, string>,
  blocking: Map<StageName, DestructiveChange[]>,
): Block[] {
  const blocks: Block[] = [{ fixed: `### ${stage}` }];
  if (plan) {
    const summary = summarizePlan(plan);
    const destructive = destructiveChanges(plan);
    const refused = refusedChanges(plan);
    if ((destructive.length > 0 && !input.optedIn) || refused.length > 0) blocking.set(stage, destructive);
    const rows = resourceRows(summary);
    blocks.push({
      fixed: rows.length ? `${countsLine(stage, summary)}\n\n${renderKindCounts(summary)}` : countsLine(stage, summary),
    });
    const statements = statementChanges(plan);
    if (statements.length) blocks.push({ fixed: `Flink statements:\n${statements.join("\n")}` });
    const mark = destructive.length && !input.optedIn ? "❌ " : "";
    // Stages often share their changes (same filters, same addresses): the compact form lists them once.
    const key = JSON.stringify(destructive);
    const sameAs = destructive.length ? earlier.get(key) : undefined;
    if (!sameAs) earlier.set(key, stage);
    blocks.push({
      fixed: mark + guardMessage(stage, destructive, input.optedIn),
      compact: mark + compactGuardMessage(stage, destructive, input.optedIn, sameAs),
    });
    for (const r of refused) blocks.push({ fixed: `❌ ${stage}: refused (no opt-in allows this): ${r}` });
    if (rows.length)
      blocks.push({
        collapsible: {
          tier: 2,
          summary: `Changed resources (${stage}, ${rows.length})`,
          open: rows.length <= OPEN_UP_TO_LINES,
          head: RESOURCE_TABLE_HEAD,
          lines: rows,
          cuttable: true,
          unit: "resources",
        },
      });
  } else {
    blocks.push({
      fixed: `**${stage}**: plan not run (no cloud credentials for this pull request, e.g. from a fork); synth only.`,
    });
  }
  const diff = sqlDiff(input.base, input.head, stage);
  blocks.push(
    diff
      ? {
          collapsible: {
            tier: 1,
            summary: `Flink SQL changes (${stage})`,
            open: true,
            fence: "diff",
            lines: diff.split("\n"),
            cuttable: true,
            unit: "lines of the diff",
          },
        }
      : { fixed: `Flink SQL of ${stage}: unchanged.` },
  );
  // The same impact `cdc-routing impact` prints, from edge events only (no corpus in CI); nothing without a change.
  if (input.base) {
    const impact = routingImpact(input.base, input.head, stage, impactEvents(input.base, input.head, stage, []));
    if (changedFilters(input.base, input.head, stage).length > 0)
      blocks.push({
        collapsible: {
          tier: 2,
          summary: `Routing impact (${stage})`,
          open: true,
          lines: renderImpact(impact, "markdown").split("\n"),
          cuttable: true,
          unit: "lines of the impact",
        },
      });
  }
  blocks.push({
    collapsible: {
      tier: 3,
      summary: `Routing (${stage})`,
      open: false,
      fence: "mermaid",
      lines: routingDiagram(input.base, input.head, stage).split("\n"),
      cuttable: false,
      unit: "lines of the diagram",
    },
  });
  return blocks;
}

/** Every text of a block with the plan's secrets replaced (before measuring: a replacement changes the length). */
function redactBlock(block: Block, secrets: Set<string>): Block {
  if ("fixed" in block)
    return {
      fixed: redact(block.fixed, secrets),
      ...(block.compact === undefined ? {} : { compact: redact(block.compact, secrets) }),
    };
  const c = block.collapsible;
  return {
    collapsible: {
      ...c,
      summary: redact(c.summary, secrets),
      // Joined first: a secret may span lines.
      lines: redact(c.lines.join("\n"), secrets).split("\n"),
    },
  };
}

export function renderReview(input: CommentInput): Review {
  const blocking = new Map<StageName, DestructiveChange[]>();
  const secrets = new Set<string>();
  for (const { plan } of input.stages) if (plan) for (const s of sensitiveValues(plan)) secrets.add(s);
  const earlier = new Map<string, string>();
  const blocks = input.stages
    .flatMap((s) => stageBlocks(s, input, earlier, blocking))
    .map((block) => redactBlock(block, secrets));
  const verdict = blocking.size > 0 ? "❌ destructive changes without opt-in" : "✅ no unapproved destructive changes";
  const lead = [COMMENT_MARKER, `## cdc-routing plan review: ${verdict}`];
  const render = (limit?: Limit) => `${fitBlocks(lead, blocks, limit)}\n`;
  // One character less than each limit: the final newline.
  const comment: Limit = {
    max: COMMENT_LIMIT - 1,
    measure: (text) => text.length,
    notice: commentNotice(input.fullReviewUrl),
  };
  const summary: Limit = {
    max: SUMMARY_LIMIT_BYTES - 1,
    measure: (text) => Buffer.byteLength(text),
    notice: summaryNotice,
  };
  return { markdown: render(comment), summary: render(summary), full: render(), blocking };
}
