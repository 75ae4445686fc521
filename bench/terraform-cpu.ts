/**
 * npm run bench:terraform-cpu — the CPU seconds (user + system, terraform and the confluent provider together) of a
 * `terraform plan` of dev after its apply on the local Confluent Cloud API double: with none of the settings the
 * test runs give terraform (TEST_RUN_TERRAFORM_SETTINGS, providers/mirror.ts), with each alone, and with all,
 * alternating in one run: a warm-up round per side, then BENCH_ROUNDS (5) rounds. The plan finds nothing to change,
 * as most of the e2e suites' plans.
 */
import { join } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { TemporaryDirs } from "../local/processes";
import { StackOnDouble, synthesize } from "../offline/stack-on-double";
import { TEST_RUN_TERRAFORM_SETTINGS } from "../providers/mirror";
import { alternate, machineLine, median, progress, ratioLine, summary, waitedChildrenCpuSeconds } from "./stats";

type Setting = keyof typeof TEST_RUN_TERRAFORM_SETTINGS;
const SETTINGS = Object.keys(TEST_RUN_TERRAFORM_SETTINGS) as Setting[];
const describe = (settings: readonly Setting[]) =>
  settings.map((name) => `${name}=${TEST_RUN_TERRAFORM_SETTINGS[name]}`).join(" ");

/** Each side's settings: none (terraform's and Go's defaults), each alone, all (the test runs'). */
const SIDES: Record<string, readonly Setting[]> = {
  defaults: [],
  ...Object.fromEntries(SETTINGS.map((name) => [name, [name]])),
  "test runs": SETTINGS,
};

const USAGE = `usage: npm run bench:terraform-cpu     (BENCH_ROUNDS=<rounds>, default 5)

CPU seconds of a terraform plan of dev on the local Confluent Cloud API double, with terraform's and Go's defaults,
with each setting the test runs give terraform alone, and with all of them (${describe(SETTINGS)}).`;

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const temporary = new TemporaryDirs();
  const lines = [`terraform cpu: ${machineLine()}`];
  // terraformEnv starts from this process's environment: each side sets exactly its own settings there.
  for (const name of SETTINGS) delete process.env[name];
  const stack = await StackOnDouble.start(temporary, "bench-tf-cpu", {}, { log: () => undefined });
  try {
    progress("synth and apply of dev on the double");
    stack.useConfig(await synthesize("dev", join(temporary.create("bench-tf-cpu-synth"), "out")));
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    const planCpu = async (side: string): Promise<number> => {
      for (const name of SETTINGS) delete process.env[name];
      for (const name of SIDES[side]) process.env[name] = TEST_RUN_TERRAFORM_SETTINGS[name];
      // terraform waits for its providers, this process for terraform: both count as waited-for children.
      const before = waitedChildrenCpuSeconds();
      const { run, pending } = await stack.pendingPlanChanges();
      if (run.code !== 0)
        throw new Error(`the plan after the apply is not empty:\n${pending.join("\n") || run.output}`);
      return waitedChildrenCpuSeconds() - before;
    };
    const cpu = await alternate(Object.keys(SIDES), planCpu, { unit: "CPU s" });
    lines.push("  terraform plan of dev, nothing to change (terraform and the provider)");
    for (const [side, settings] of Object.entries(SIDES)) {
      lines.push(`    ${side.padEnd(22)} ${settings.length ? describe(settings) : "(none set)"}`);
      lines.push(`      ${summary(cpu[side], "CPU s")}`);
      if (settings.length > 0)
        lines.push(
          `      ${ratioLine(`${side}/defaults`, cpu[side], cpu.defaults)}; saved ${(median(cpu.defaults) - median(cpu[side])).toFixed(2)} CPU s a plan`,
        );
    }
  } finally {
    await stack.close();
    temporary.removeAll();
  }
  lines.push(`done: ${machineLine()}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) void runScript(USAGE, main);
