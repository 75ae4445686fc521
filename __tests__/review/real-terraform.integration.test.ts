/**
 * The review tools on plan JSON written by the real Terraform CLI. No provider binary is needed: the resources
 * are Terraform's built-in `terraform_data`, which plans and applies locally: the format (format_version, action
 * lists of a replacement, sensitivity masks, variables in clear) without the provider mirror. Real confluent
 * plans: e2e/review-confluent-plans.e2e.ts. Skipped loudly where no terraform CLI is on PATH.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadFilters } from "../../filters/load";
import { terraform } from "../../providers/mirror";
import { renderReview } from "../../review/comment";
import { actionOf, type PlanJson, parsePlan } from "../../review/plan";
import { redactPlan, sensitiveValues } from "../../review/redact";
import { summarizePlan } from "../../review/summarize";
import { temporaryDirectory } from "../support/helpers";

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
if (!hasTerraform)
  console.warn("\n*** NOT RUN: review tools on real terraform plan JSON, because the terraform CLI is not on PATH.\n");

const CANARY = "canary-Plan-Secret-7c1e";

function config(statementVersion: number, keepHolder: boolean): object {
  return {
    variable: { db_password: { type: "string", sensitive: true } },
    resource: {
      terraform_data: {
        statement: {
          input: { statement_name: `dev-route-loan-created-v${statementVersion}` },
          triggers_replace: [statementVersion],
        },
        ...(keepHolder ? { secret_holder: { input: "${var.db_password}" } } : {}),
      },
    },
    output: { password: { value: "${var.db_password}", sensitive: true } },
  };
}

(hasTerraform ? describe : describe.skip)("review tools on real terraform plan JSON", () => {
  let dir: string;
  let create: PlanJson;
  let change: PlanJson;

  beforeAll(() => {
    dir = temporaryDirectory("plan");
    const plan = (): PlanJson => {
      terraform(dir, ["plan", "-input=false", "-out=tfplan", `-var=db_password=${CANARY}`]);
      return parsePlan(terraform(dir, ["show", "-json", "tfplan"]), "tfplan");
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config(1, true)));
    terraform(dir, ["init", "-input=false"]);
    create = plan();
    terraform(dir, ["apply", "-input=false", "tfplan"]);
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config(2, false)));
    change = plan();
  }, 120_000);

  test("counts of a creation plan and of a replace + delete plan", () => {
    expect(create.format_version).toMatch(/^1\./);
    expect(summarizePlan(create).counts).toEqual({ create: 2, update: 0, replace: 0, delete: 0, import: 0 });
    expect(summarizePlan(change).counts).toEqual({ create: 0, update: 0, replace: 1, delete: 1, import: 0 });
    const replaced = change.resource_changes!.find((rc) => rc.address === "terraform_data.statement")!;
    expect(actionOf(replaced.change.actions)).toBe("replace");
  });

  test("the secret is in the plan JSON in clear, and found by its sensitivity marks", () => {
    expect(JSON.stringify(create)).toContain(CANARY);
    expect([...sensitiveValues(create)]).toEqual([CANARY]);
    expect([...sensitiveValues(change)]).toEqual([CANARY]);
  });

  test("the redacted plan (what the workflows upload) has no secret and reviews the same", () => {
    for (const plan of [create, change]) {
      const redacted = redactPlan(plan);
      expect(JSON.stringify(redacted)).not.toContain(CANARY);
      expect(JSON.stringify(plan)).toContain(CANARY);
      expect(summarizePlan(redacted)).toEqual(summarizePlan(plan));
    }
    // Prior state (after the apply) is masked too, not just the changes.
    expect(JSON.stringify((change as any).prior_state)).toContain(CANARY);
    expect((redactPlan(change) as any).prior_state.values.outputs.password.value).toBe("(sensitive)");
  });

  test("the rendered comment carries no secret", () => {
    const head = loadFilters("filters/filters.yaml");
    const { markdown } = renderReview({
      stages: [
        { stage: "dev", plan: create },
        { stage: "staging", plan: change },
      ],
      head,
      optedIn: false,
    });
    expect(markdown).toContain("`terraform_data.secret_holder`");
    expect(markdown).not.toContain(CANARY);
  });
});
