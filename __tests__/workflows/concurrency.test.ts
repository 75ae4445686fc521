/**
 * Two deploys of one stage never run terraform at once: read from the workflow files themselves. Every job that plans
 * or applies a stage's state (deploy-stage.yml) is in that stage's concurrency group without cancelling a running
 * one (GitHub keeps one running and one pending per group); every terraform plan and apply waits for the state lock
 * (-lock-timeout) rather than failing at once, and none turns the lock off. The lock itself is tested with terraform
 * in __tests__/stages/state-lock.integration.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const ROOT = resolve(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

interface Job {
  concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  steps?: { uses?: string; run?: string }[];
}

/** Every file under .github that can hold a command: workflows, composite actions, scripts. */
function githubFiles(dir = ".github"): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? githubFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** `terraform [-chdir=...] plan|apply|destroy|import ...` command lines (continued lines joined). */
function terraformStateCommands(text: string): string[] {
  return text
    .replace(/\s*\\\n\s*/g, " ")
    .split("\n")
    .filter((l) => !/^\s*#/.test(l) && /\bterraform(\s+-\S+)*\s+(plan|apply|destroy|import)\b/.test(l))
    .map((l) => l.trim());
}

describe("deploys of one stage are serialized", () => {
  const deployStage = parse(read(".github/workflows/deploy-stage.yml")) as { jobs: Record<string, Job> };

  test("deploy-stage.yml: plan and apply run in the stage's concurrency group, never cancelling a running deploy", () => {
    expect(Object.keys(deployStage.jobs).sort()).toEqual(["apply", "plan"]);
    for (const job of Object.values(deployStage.jobs))
      expect(job.concurrency).toEqual({ group: "deploy-${{ inputs.stage }}", "cancel-in-progress": false });
  });

  test("deploy.yml: the stages go one after another through deploy-stage.yml", () => {
    const deploy = parse(read(".github/workflows/deploy.yml")) as {
      jobs: Record<string, { uses: string; needs?: string; with: { stage: string } }>;
    };
    expect(Object.entries(deploy.jobs).map(([name, j]) => [name, j.uses, j.with.stage, j.needs])).toEqual([
      ["dev", "./.github/workflows/deploy-stage.yml", "dev", undefined],
      ["staging", "./.github/workflows/deploy-stage.yml", "staging", "dev"],
      ["prod", "./.github/workflows/deploy-stage.yml", "prod", "staging"],
    ]);
  });

  test("every terraform plan and apply in .github waits for the state lock and none disables it", () => {
    const commands = githubFiles().flatMap((f) => terraformStateCommands(read(f)).map((c) => `${f}: ${c}`));
    // The plan action (PR plans and deploy plans) and the deploy's apply: if this changes, look at the new command.
    expect(commands.length).toBe(2);
    for (const c of commands) {
      expect(c).toMatch(/-lock-timeout=\d+m/);
      expect(c).not.toMatch(/-lock=false/);
    }
  });

  test("the scan finds commands: a continued line counts, a comment does not", () => {
    expect(
      terraformStateCommands(
        '# terraform apply x\ndescription: terraform init and plan\nrun: terraform -chdir="d" \\\n  apply -lock-timeout=5m tfplan',
      ),
    ).toEqual(['run: terraform -chdir="d" apply -lock-timeout=5m tfplan']);
  });
});
