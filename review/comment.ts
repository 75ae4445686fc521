/** The pull-request comment: per stage the plan summary, the destructive-change guard, the SQL diff and the diagram. */
import type { FilterSet } from "../filters/model";
import type { StageName } from "../stages/names";
import { routingDiagram } from "./diagram";
import { type DestructiveChange, destructiveChanges, guardMessage, refusedChanges } from "./guard";
import type { PlanJson } from "./plan";
import { redact, sensitiveValues } from "./redact";
import { sqlDiff } from "./sql-diff";
import { renderSummary, summarizePlan } from "./summarize";

/** The workflow finds its earlier comment by this marker and updates it instead of adding another. */
export const COMMENT_MARKER = "<!-- cdc-routing-review -->";

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
}

export interface Review {
  markdown: string;
  /** Destructive changes per stage that are not opted in; the check fails when any. */
  blocking: Map<StageName, DestructiveChange[]>;
}

export function renderReview(input: CommentInput): Review {
  const blocking = new Map<StageName, DestructiveChange[]>();
  const secrets = new Set<string>();
  const sections = input.stages.map(({ stage, plan }) => {
    const parts = [`### ${stage}`];
    if (plan) {
      for (const s of sensitiveValues(plan)) secrets.add(s);
      const destructive = destructiveChanges(plan);
      const refused = refusedChanges(plan);
      if ((destructive.length > 0 && !input.optedIn) || refused.length > 0) blocking.set(stage, destructive);
      parts.push(
        renderSummary(stage, summarizePlan(plan)),
        "",
        (destructive.length && !input.optedIn ? "❌ " : "") + guardMessage(stage, destructive, input.optedIn),
      );
      for (const r of refused) parts.push("", `❌ ${stage}: refused (no opt-in allows this): ${r}`);
    } else {
      parts.push(
        `**${stage}**: plan not run (no cloud credentials for this pull request, e.g. from a fork); synth only.`,
      );
    }
    const diff = sqlDiff(input.base, input.head, stage);
    parts.push(
      "",
      diff
        ? `<details open><summary>Flink SQL changes (${stage})</summary>\n\n\`\`\`diff\n${diff}\n\`\`\`\n</details>`
        : `Flink SQL of ${stage}: unchanged.`,
    );
    parts.push(
      "",
      `<details><summary>Routing (${stage})</summary>\n\n\`\`\`mermaid\n${routingDiagram(input.base, input.head, stage)}\n\`\`\`\n</details>`,
    );
    return parts.join("\n");
  });
  const verdict = blocking.size > 0 ? "❌ destructive changes without opt-in" : "✅ no unapproved destructive changes";
  const markdown = `${[COMMENT_MARKER, `## cdc-routing plan review: ${verdict}`, ...sections].join("\n\n")}\n`;
  return { markdown: redact(markdown, secrets), blocking };
}
