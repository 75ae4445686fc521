/**
 * Review tooling, run by the workflows and locally:
 *   tsx review/cli.ts comment --plans <dir> [--base-filters <file>] [--stages dev,staging,prod] [--allow-destructive] [--out <file>]
 *       <dir>/<stage>.plan.json from `terraform show -json`; a missing file means the plan did not run
 *   tsx review/cli.ts guard --stage <stage> --plan <file> [--allow-destructive]
 *   terraform show -json tfplan | tsx review/cli.ts redact-plan --out <file>
 *       the plan JSON with every sensitive value replaced (what the workflows upload; the raw JSON never hits disk)
 * Exit 0: fine; 1: destructive changes without opt-in (the comment is still written); 2: bad input.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadFilters } from "../filters/load";
import { isStageName } from "../stages/config";
import { STAGE_NAMES, type StageName } from "../stages/names";
import { renderReview } from "./comment";
import { destructiveChanges, guardMessage, refusedChanges } from "./guard";
import { parsePlan } from "./plan";
import { UsageError, unknownMessage, wantsHelp } from "../lib/command-line";
import { redactPlan } from "./redact";

function stagesOf(text: string | undefined): StageName[] {
  const names = text ? text.split(",") : [...STAGE_NAMES];
  for (const n of names) if (!isStageName(n)) throw new Error(`unknown stage '${n}' (stages: ${STAGE_NAMES.join(", ")})`);
  return names as StageName[];
}

function readPlan(file: string) {
  return parsePlan(readFileSync(file, "utf8"), file);
}

const USAGE = `usage: npx tsx review/cli.ts <comment|guard|redact-plan> [options]
  comment --plans <dir> [--base-filters <file>] [--filters <file>] [--stages dev,staging,prod] [--allow-destructive] [--out <file>]
  guard --stage <stage> --plan <file> [--allow-destructive]
  redact-plan --out <file>     (reads terraform show -json output on standard input)

Review tooling for plans: the pull-request comment, the destructive-change guard, and the redacted plan JSON the
workflows upload. Exit 0: fine; 1: destructive changes without opt-in; 2: bad input.`;

const VERBS = ["comment", "guard", "redact-plan"];

export function main(argv: string[]): number {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "help" || wantsHelp([verb])) {
    process.stdout.write(USAGE + "\n");
    return verb === undefined ? 2 : 0;
  }
  if (!VERBS.includes(verb)) throw new UsageError(unknownMessage("command", verb, VERBS));
  if (wantsHelp(rest)) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      plans: { type: "string" },
      plan: { type: "string" },
      stage: { type: "string" },
      stages: { type: "string" },
      filters: { type: "string", default: "filters/filters.yaml" },
      "base-filters": { type: "string" },
      out: { type: "string" },
      "allow-destructive": { type: "boolean", default: false },
    },
    strict: true,
  });
  const optedIn = values["allow-destructive"] as boolean;
  if (verb === "guard") {
    const stage = stagesOf(values.stage)[0];
    const file = values.plan;
    if (!file) throw new Error("guard needs --plan <terraform show -json output>");
    const plan = readPlan(file);
    const changes = destructiveChanges(plan);
    process.stdout.write(guardMessage(stage, changes, optedIn) + "\n");
    // Never opted in: a slot left behind fills the database's disk; an update Confluent refuses fails the apply.
    const refused = refusedChanges(plan);
    for (const r of refused) process.stdout.write(`${stage}: refused: ${r}\n`);
    return refused.length > 0 || (changes.length > 0 && !optedIn) ? 1 : 0;
  }
  if (verb === "redact-plan") {
    const out = values.out;
    if (!out) throw new Error("redact-plan needs --out <file>; it reads terraform show -json output on standard input");
    writeFileSync(out, JSON.stringify(redactPlan(parsePlan(readFileSync(0, "utf8"), "standard input"))) + "\n");
    return 0;
  }
  if (verb === "comment") {
    const dir = values.plans;
    if (!dir) throw new Error("comment needs --plans <dir with <stage>.plan.json files>");
    const baseFile = values["base-filters"];
    const review = renderReview({
      stages: stagesOf(values.stages).map((stage) => {
        const file = join(dir, `${stage}.plan.json`);
        return { stage, plan: existsSync(file) ? readPlan(file) : undefined };
      }),
      base: baseFile && existsSync(baseFile) ? loadFilters(baseFile) : undefined,
      head: loadFilters(values.filters as string),
      optedIn,
    });
    const out = values.out;
    if (out) writeFileSync(out, review.markdown);
    else process.stdout.write(review.markdown);
    for (const [stage, changes] of review.blocking) process.stderr.write(guardMessage(stage, changes, false) + "\n");
    return review.blocking.size > 0 ? 1 : 0;
  }
  throw new UsageError(unknownMessage("command", verb, VERBS));
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    process.stderr.write(`review: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
