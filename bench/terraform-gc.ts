/**
 * npm run bench:terraform-gc — the CPU seconds (user + system, terraform and the confluent provider together) of a
 * `terraform plan` of dev after its apply on the local Confluent Cloud API double, with Go's garbage collector at
 * its default target (GOGC=100) and at the test runs' (TEST_RUN_GOGC, __tests__/support/test-run.ts), alternating
 * in one run: a warm-up round per side, then BENCH_ROUNDS (5) rounds. The plan finds nothing to change, as most of
 * the e2e suites' plans.
 */
import { join } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { TemporaryDirs } from "../local/processes";
import { StackOnDouble, synthesize } from "../offline/stack-on-double";
import { TEST_RUN_GOGC } from "../providers/mirror";
import { alternate, machineLine, median, progress, ratioLine, summary, waitedChildrenCpuSeconds } from "./stats";

const USAGE = `usage: npm run bench:terraform-gc     (BENCH_ROUNDS=<rounds>, default 5)

CPU seconds of a terraform plan of dev on the local Confluent Cloud API double, with Go's default garbage
collector target (GOGC=100) and with the test runs' (GOGC=${TEST_RUN_GOGC}).`;

const SIDES = { default: "100", tests: TEST_RUN_GOGC } as const;
type Side = keyof typeof SIDES;

async function main(args: string[]): Promise<void> {
  parseCommandLine(args, {});
  const temporary = new TemporaryDirs();
  const lines = [`terraform gc: ${machineLine()}`];
  const stack = await StackOnDouble.start(temporary, "bench-gc", {}, { log: () => undefined });
  try {
    progress("synth and apply of dev on the double");
    stack.useConfig(await synthesize("dev", join(temporary.create("bench-gc-synth"), "out")));
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    const planCpu = async (side: Side): Promise<number> => {
      // terraformEnv starts from this process's environment; terraform waits for its provider, this process for it.
      process.env.GOGC = SIDES[side];
      const before = waitedChildrenCpuSeconds();
      const { run, pending } = await stack.pendingPlanChanges();
      if (run.code !== 0)
        throw new Error(`the plan after the apply is not empty:\n${pending.join("\n") || run.output}`);
      return waitedChildrenCpuSeconds() - before;
    };
    const cpu = await alternate(Object.keys(SIDES) as Side[], planCpu, { unit: "CPU s" });
    lines.push(
      "  terraform plan of dev, nothing to change (terraform and the provider)",
      ...Object.entries(SIDES).map(
        ([side, gogc]) => `    GOGC=${gogc.padEnd(4)} ${summary(cpu[side as Side], "CPU s")}`,
      ),
      `    ${ratioLine(`GOGC=${TEST_RUN_GOGC}/GOGC=100`, cpu.tests, cpu.default)}; saved ${(median(cpu.default) - median(cpu.tests)).toFixed(2)} CPU s a plan`,
    );
  } finally {
    await stack.close();
    temporary.removeAll();
  }
  lines.push(`done: ${machineLine()}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) void runScript(USAGE, main);
