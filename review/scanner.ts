/**
 * The policy scan of the synthesized stages (`npm run scan`), the part that needs no scanner: what Checkov is given,
 * and how its report is judged. Checkov itself runs in review/checkov.ts.
 *
 * Two things Checkov 3.3.30's terraform_json framework does not do, handled here and said in every report:
 * - It cannot parse a file with top-level `moved` or `import` blocks (checkov/terraform_json/parser.py: `hclify`
 *   raises "this method receives only dicts" on their string attributes, and the whole file becomes one parsing
 *   error). Those blocks configure no resource, so the scan gets a copy of each stack without them and names how
 *   many it left out. A shipped stage has none (the legacy `moved` blocks need deployedBefore.grantRenaming); a stage
 *   has `import` blocks while it keeps stopped statements (constructs/flink-statements.ts).
 * - It applies no inline skip (its runner passes no skipped checks to the checks; bridgecrewio/checkov#4634 asked
 *   for one and was closed unimplemented). The stack writes each deliberate skip into the resource's `//` property
 *   in Checkov's annotation form (constructs/scanner-skips.ts); the judgement below applies exactly those, per
 *   resource and check, and fails on a skip that no longer matches a failed check.
 */
import type { Json } from "../lib/json";

/** Top-level blocks Checkov's terraform_json parser cannot read; none configures a resource. */
export const UNPARSEABLE_BLOCKS = ["moved", "import", "removed"] as const;

/** The annotation the stack writes (constructs/scanner-skips.ts), as Checkov's own COMMENT_REGEX reads it. */
const SKIP_ANNOTATION = /^checkov:skip=([A-Za-z0-9_-]+):(.*)$/s;

export interface ScannableStack {
  /** The stack without the blocks Checkov cannot parse. */
  readonly json: Json;
  /** Blocks left out, by kind, e.g. { import: 2 }. */
  readonly leftOut: Readonly<Record<string, number>>;
}

export function scannableStack(stack: Json): ScannableStack {
  const leftOut: Record<string, number> = {};
  const json: Json = {};
  for (const [key, value] of Object.entries(stack)) {
    if ((UNPARSEABLE_BLOCKS as readonly string[]).includes(key)) leftOut[key] = Array.isArray(value) ? value.length : 1;
    else json[key] = value;
  }
  return { json, leftOut };
}

export interface InlineSkip {
  /** Terraform logical id of the resource (its name in the JSON). */
  readonly resource: string;
  readonly check: string;
  readonly reason: string;
}

/** Every inline skip of a stack's resources and data sources. */
export function inlineSkips(stack: Json): InlineSkip[] {
  const skips: InlineSkip[] = [];
  for (const section of [stack.resource, stack.data])
    for (const blocks of Object.values((section ?? {}) as Json))
      for (const [resource, block] of Object.entries(blocks as Json)) {
        const annotations = (block as Json)?.["//"]?.checkov;
        for (const annotation of Array.isArray(annotations) ? annotations : []) {
          const m = SKIP_ANNOTATION.exec(String(annotation));
          if (!m) throw new Error(`${resource}: unreadable scanner annotation ${JSON.stringify(annotation)}`);
          skips.push({ resource, check: m[1], reason: m[2].trim() });
        }
      }
  return skips;
}

/** One check on one resource, as Checkov's JSON output lists it. */
export interface CheckovRecord {
  check_id: string;
  check_name?: string;
  /** `/<stage>/cdk.tf.json`, relative to the scanned directory. */
  file_path: string;
  /** `<type>.<logical id>`, or `resource.<logical id>` for its Python checks in terraform_json. */
  resource: string;
}

export interface CheckovReport {
  passed: CheckovRecord[];
  failed: CheckovRecord[];
  skipped: CheckovRecord[];
  parsingErrors: string[];
}

/** Checkov's `--output json` for one framework (an object), or a list of them, or its summary for no files. */
export function parseCheckovOutput(text: string): CheckovReport {
  const parsed = JSON.parse(text) as Json;
  const reports: Json[] = Array.isArray(parsed) ? parsed : [parsed];
  const report = reports.find((r) => r.check_type === "terraform_json") ?? reports[0];
  const results = (report?.results ?? {}) as Json;
  return {
    passed: results.passed_checks ?? [],
    failed: results.failed_checks ?? [],
    skipped: results.skipped_checks ?? [],
    parsingErrors: results.parsing_errors ?? [],
  };
}

export interface StageScan {
  readonly stage: string;
  readonly passed: number;
  /** Failed checks the stack skips inline, with the reason. */
  readonly skipped: InlineSkip[];
  /** Failed checks nothing skips. */
  readonly failed: CheckovRecord[];
  /** Inline skips that match no failed check: the check passes now, or the skip names the wrong check. */
  readonly staleSkips: InlineSkip[];
  /** Checks Checkov skipped by itself (no such option is used): reported, never accepted. */
  readonly skippedByScanner: CheckovRecord[];
  readonly parsingErrors: string[];
  readonly leftOut: Readonly<Record<string, number>>;
}

const stageOf = (filePath: string): string => filePath.replace(/^\/+/, "").split("/")[0];
const logicalId = (resource: string): string => resource.slice(resource.lastIndexOf(".") + 1);

export interface ScannedStack {
  readonly stage: string;
  readonly skips: readonly InlineSkip[];
  readonly leftOut: Readonly<Record<string, number>>;
}

/** The report judged per stage against each stack's inline skips. */
export function judge(report: CheckovReport, stacks: readonly ScannedStack[]): StageScan[] {
  return stacks.map(({ stage, skips, leftOut }) => {
    const mine = (r: CheckovRecord) => stageOf(r.file_path) === stage;
    const skipFor = (r: CheckovRecord) =>
      skips.find((s) => s.check === r.check_id && s.resource === logicalId(r.resource));
    // A check Checkov skipped itself counts as skipped inline when the stack skips it: a Checkov that reads the
    // annotations one day changes nothing here.
    const [failed, skippedByScanner] = [report.failed.filter(mine), report.skipped.filter(mine)];
    const skipped = [...failed, ...skippedByScanner].map(skipFor).filter((s): s is InlineSkip => s !== undefined);
    return {
      stage,
      passed: report.passed.filter(mine).length,
      skipped,
      failed: failed.filter((r) => !skipFor(r)),
      staleSkips: skips.filter((s) => !skipped.includes(s)),
      skippedByScanner: skippedByScanner.filter((r) => !skipFor(r)),
      parsingErrors: report.parsingErrors.filter((f) => f.includes(`/${stage}/`)),
      leftOut,
    };
  });
}

export const scanPassed = (s: StageScan): boolean =>
  s.failed.length === 0 &&
  s.staleSkips.length === 0 &&
  s.skippedByScanner.length === 0 &&
  s.parsingErrors.length === 0 &&
  s.passed > 0;

/** What the scan prints for a stage: the counts, every skip with its reason, every problem. */
export function scanLines(s: StageScan): string[] {
  const left = Object.entries(s.leftOut).map(([kind, n]) => `${n} ${kind} block${n === 1 ? "" : "s"}`);
  const bySkip = new Map<string, InlineSkip[]>();
  for (const k of s.skipped)
    bySkip.set(`${k.check}: ${k.reason}`, [...(bySkip.get(`${k.check}: ${k.reason}`) ?? []), k]);
  return [
    `${s.stage}: ${scanPassed(s) ? "passed" : "FAILED"}: ${s.passed} checks passed, ${s.skipped.length} skipped inline, ${s.failed.length} failed, ${s.parsingErrors.length} parsing errors`,
    ...(left.length
      ? [`  left out of the scan (Checkov cannot parse them; they configure no resource): ${left.join(", ")}`]
      : []),
    ...[...bySkip].map(([why, ks]) => `  skipped ${why} (${ks.map((k) => k.resource).join(", ")})`),
    ...s.failed.map((r) => `  failed ${r.check_id} ${r.check_name ?? ""} on ${r.resource}`),
    ...s.staleSkips.map(
      (k) =>
        `  stale skip ${k.check} on ${k.resource}: no failed check to skip; remove it from the stack or fix its id`,
    ),
    ...s.skippedByScanner.map((r) => `  skipped by the scanner, not by the stack: ${r.check_id} on ${r.resource}`),
    ...s.parsingErrors.map((f) => `  could not parse ${f}`),
    ...(s.passed === 0 && s.parsingErrors.length === 0 ? ["  no check ran: nothing was scanned"] : []),
  ];
}
