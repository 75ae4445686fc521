/**
 * The scan's judgement without the scanner (review/scanner.ts): what Checkov is given of a stack, the inline skips
 * read from it, and a report judged per stage: a skip applies to its resource and check only, a skip with nothing to
 * skip fails, and so do a failed check, a parsing error and a scan that checked nothing.
 */
import {
  type CheckovReport,
  inlineSkips,
  judge,
  parseCheckovOutput,
  scanLines,
  scannableStack,
  scanPassed,
} from "../../review/scanner";

const skipOf = (id: string, reason: string) => `checkov:skip=${id}:${reason}`;
const stack = {
  resource: {
    aws_secretsmanager_secret: {
      secret_a: { "//": { checkov: [skipOf("CKV2_AWS_57", "rotated by generation")], metadata: {} }, name: "a" },
      secret_b: { "//": { metadata: {} }, name: "b" },
    },
  },
  moved: [{ from: "x.a", to: "x.b" }],
  import: [{ id: "s", to: "confluent_flink_statement.s" }],
  output: {},
};
const record = (check_id: string, resource: string, stage = "dev") => ({
  check_id,
  resource,
  file_path: `/${stage}/cdk.tf.json`,
});
const report = (r: Partial<CheckovReport>): CheckovReport => ({
  passed: [record("CKV_AWS_149", "resource.secret_a")],
  failed: [],
  skipped: [],
  parsingErrors: [],
  ...r,
});
const scanned = [{ stage: "dev", skips: inlineSkips(stack), leftOut: {} }];

describe("the scan's judgement", () => {
  test("Checkov gets the stack without its moved and import blocks, and the scan names how many it left out", () => {
    const { json, leftOut } = scannableStack(stack);
    expect(Object.keys(json)).toEqual(["resource", "output"]);
    expect(leftOut).toEqual({ moved: 1, import: 1 });
    expect(scannableStack({ resource: {} }).leftOut).toEqual({});
  });

  test("inline skips are read from each resource's // property", () => {
    expect(inlineSkips(stack)).toEqual([
      { resource: "secret_a", check: "CKV2_AWS_57", reason: "rotated by generation" },
    ]);
    expect(() => inlineSkips({ resource: { t: { r: { "//": { checkov: ["skip CKV_1"] } } } } })).toThrow(
      'r: unreadable scanner annotation "skip CKV_1"',
    );
  });

  test("a failed check the stack skips on that resource passes, with its reason; on another resource it fails", () => {
    const [ok] = judge(report({ failed: [record("CKV2_AWS_57", "aws_secretsmanager_secret.secret_a")] }), scanned);
    expect(scanPassed(ok)).toBe(true);
    expect(scanLines(ok)).toEqual([
      "dev: passed: 1 checks passed, 1 skipped inline, 0 failed, 0 parsing errors",
      "  skipped CKV2_AWS_57: rotated by generation (secret_a)",
    ]);
    const [bad] = judge(
      report({
        failed: [
          record("CKV2_AWS_57", "aws_secretsmanager_secret.secret_a"),
          record("CKV2_AWS_57", "aws_secretsmanager_secret.secret_b"),
        ],
      }),
      scanned,
    );
    expect(scanPassed(bad)).toBe(false);
    expect(bad.failed.map((r) => r.resource)).toEqual(["aws_secretsmanager_secret.secret_b"]);
  });

  test("a skip with no failed check to skip fails the scan; so does a check the scanner skipped by itself", () => {
    const [stale] = judge(report({}), scanned);
    expect(scanPassed(stale)).toBe(false);
    expect(scanLines(stale)).toContain(
      "  stale skip CKV2_AWS_57 on secret_a: no failed check to skip; remove it from the stack or fix its id",
    );
    const [byScanner] = judge(
      report({
        skipped: [record("CKV2_AWS_57", "aws_secretsmanager_secret.secret_a"), record("CKV_AWS_7", "resource.key")],
      }),
      scanned,
    );
    expect(byScanner.skipped).toHaveLength(1); // a scanner that applied the stack's skip itself changes nothing
    expect(byScanner.skippedByScanner.map((r) => r.check_id)).toEqual(["CKV_AWS_7"]);
    expect(scanPassed(byScanner)).toBe(false);
  });

  test("a parsing error, or nothing checked, fails; results of other stages are not this stage's", () => {
    const withSkip = report({ failed: [record("CKV2_AWS_57", "aws_secretsmanager_secret.secret_a")] });
    const [unparsed] = judge({ ...withSkip, parsingErrors: ["/tmp/scan/dev/cdk.tf.json"] }, scanned);
    expect(scanLines(unparsed)).toContain("  could not parse /tmp/scan/dev/cdk.tf.json");
    const [empty] = judge({ ...withSkip, passed: [record("CKV_AWS_7", "resource.k", "prod")] }, scanned);
    expect([scanPassed(unparsed), scanPassed(empty), empty.passed]).toEqual([false, false, 0]);
    expect(scanLines(empty)).toContain("  no check ran: nothing was scanned");
  });

  test("Checkov's JSON output: one framework's object, or a list of them", () => {
    const one = { check_type: "terraform_json", results: { passed_checks: [record("A", "r.x")], failed_checks: [] } };
    expect(parseCheckovOutput(JSON.stringify(one)).passed).toHaveLength(1);
    expect(parseCheckovOutput(JSON.stringify([{ check_type: "secrets", results: {} }, one])).passed).toHaveLength(1);
  });
});
