/**
 * Review tooling, run by the workflows and locally:
 *   tsx review/cli.ts comment --plans <dir> [--base-filters <file>] [--stages dev,staging,prod] [--allow-destructive]
 * [--out <file>] [--summary <file>] [--full <file>] [--full-review-url <url>]
 *       <dir>/<stage>.plan.json from `terraform show -json`; a missing file means the plan did not run. --out: the
 *       comment (fits GitHub's 65,536 characters), --summary: for the job summary (fits 1 MiB), --full: everything
 *   tsx review/cli.ts guard --stage <stage> --plan <file> [--allow-destructive]
 *   terraform show -json tfplan | tsx review/cli.ts redact-plan --out <file>
 *       the plan JSON with every sensitive value replaced (what the workflows upload; the raw JSON never hits disk)
 *   tsx review/cli.ts scan [--stacks cdktf.out/stacks] [--stages dev,staging,prod] [--install-only]
 *       the pinned Checkov over the synthesized stages (npm run scan; review/scan.ts)
 * Exit 0: fine; 1: destructive changes without opt-in (the comment is still written), a failed scan, or an input
 * error; 2: usage error.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { InputError, UsageError } from "../lib/errors";
import { STAGE_NAMES, type StageName } from "../stages/names";
import { installCheckov } from "./checkov";
import { renderReview } from "./comment";
import { destructiveChanges, guardMessage, refusedChanges } from "./guard";
import { parsePlan } from "./plan";
import { redactPlan } from "./redact";
import { scanStacks } from "./scan";
import { scanLines, scanPassed } from "./scanner";

function stagesOf(text: string | undefined): StageName[] {
  const names = text ? text.split(",") : [...STAGE_NAMES];
  return names.map((n) => oneOf("stage", n, STAGE_NAMES));
}

function readPlan(file: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read plan ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parsePlan(text, file);
}

const USAGE = `usage: node bin/run.js review/cli.ts <comment|guard|redact-plan|scan> [options]
  comment --plans <dir> [--base-filters <file>] [--filters <file>] [--stages dev,staging,prod] [--allow-destructive]
          [--out <file>] [--summary <file>] [--full <file>] [--full-review-url <url>]
          --out: the pull-request comment, within GitHub's 65,536 characters (stdout without it); --summary: the
          review within the job summary's 1 MiB; --full: the whole review; --full-review-url: where a shortened
          comment says the full review is (the workflow run)
  guard --stage <stage> --plan <file> [--allow-destructive]
  redact-plan --out <file>     (reads terraform show -json output on standard input)
  scan [--stacks cdktf.out/stacks] [--stages dev,staging,prod] [--install-only]

Review tooling: the pull-request comment, the destructive-change guard, the redacted plan JSON the workflows upload,
and the policy scan of the synthesized stages (the pinned Checkov, installed on first use; docs/security.md). Exit 0:
fine; 1: destructive changes without opt-in, a failed scan, or an input error; 2: usage error.`;

const VERBS = ["comment", "guard", "redact-plan", "scan"] as const;
const allowDestructive = { "allow-destructive": { type: "boolean", default: false } } as const;

function guard(args: readonly string[]): number {
  const { values } = parseCommandLine(args, {
    stage: { type: "string" },
    plan: { type: "string" },
    ...allowDestructive,
  });
  if (!values.stage) throw new UsageError("guard needs --stage <stage>");
  const stage = oneOf("stage", values.stage, STAGE_NAMES);
  if (!values.plan) throw new UsageError("guard needs --plan <terraform show -json output>");
  const optedIn = values["allow-destructive"] === true;
  const plan = readPlan(values.plan);
  const changes = destructiveChanges(plan);
  process.stdout.write(`${guardMessage(stage, changes, optedIn)}\n`);
  // Never opted in: a slot left behind fills the database's disk; an update Confluent refuses fails the apply.
  const refused = refusedChanges(plan);
  for (const r of refused) process.stdout.write(`${stage}: refused: ${r}\n`);
  return refused.length > 0 || (changes.length > 0 && !optedIn) ? 1 : 0;
}

function redact(args: readonly string[]): number {
  const { values } = parseCommandLine(args, { out: { type: "string" } });
  if (!values.out)
    throw new UsageError("redact-plan needs --out <file>; it reads terraform show -json output on standard input");
  writeFileSync(values.out, `${JSON.stringify(redactPlan(parsePlan(readFileSync(0, "utf8"), "standard input")))}\n`);
  return 0;
}

function comment(args: readonly string[]): number {
  const { values } = parseCommandLine(args, {
    plans: { type: "string" },
    stages: { type: "string" },
    filters: { type: "string", default: DEFAULT_FILTERS_FILE },
    "base-filters": { type: "string" },
    out: { type: "string" },
    summary: { type: "string" },
    full: { type: "string" },
    "full-review-url": { type: "string" },
    ...allowDestructive,
  });
  const dir = values.plans;
  if (!dir) throw new UsageError("comment needs --plans <dir with <stage>.plan.json files>");
  const baseFile = values["base-filters"];
  const review = renderReview({
    stages: stagesOf(values.stages).map((stage) => {
      const file = join(dir, `${stage}.plan.json`);
      return { stage, plan: existsSync(file) ? readPlan(file) : undefined };
    }),
    base: baseFile && existsSync(baseFile) ? loadFilters(baseFile) : undefined,
    head: loadFilters(values.filters as string),
    optedIn: values["allow-destructive"] === true,
    fullReviewUrl: values["full-review-url"],
  });
  if (values.out) writeFileSync(values.out, review.markdown);
  else process.stdout.write(review.markdown);
  if (values.summary) writeFileSync(values.summary, review.summary);
  if (values.full) writeFileSync(values.full, review.full);
  for (const [stage, changes] of review.blocking) process.stderr.write(`${guardMessage(stage, changes, false)}\n`);
  return review.blocking.size > 0 ? 1 : 0;
}

async function scan(args: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(args, {
    stacks: { type: "string", default: "cdktf.out/stacks" },
    stages: { type: "string" },
    "install-only": { type: "boolean", default: false },
  });
  process.stdout.write(`${await installCheckov((line) => process.stderr.write(`scan: ${line}\n`))}\n`);
  if (values["install-only"]) return 0;
  const scans = await scanStacks(values.stacks as string, stagesOf(values.stages));
  for (const s of scans) process.stdout.write(`${scanLines(s).join("\n")}\n`);
  return scans.every(scanPassed) ? 0 : 1;
}

function main(argv: readonly string[]): number | Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) throw new UsageError("no command given");
  const run = { comment, guard, "redact-plan": redact, scan }[oneOf("command", verb, VERBS)];
  return run(rest);
}

if (require.main === module) void runScript(USAGE, main);
