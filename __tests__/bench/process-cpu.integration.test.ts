/** bench/process-cpu.ts ProcessTreeCpu on real processes: a grandchild's CPU is found through its parent. */
import { spawn } from "node:child_process";
import { ProcessTreeCpu, SUITE_ENV } from "../../bench/process-cpu";

test("the CPU of a process started by the command's child is counted under its program", async () => {
  // sh starts node (the root's grandchild), which uses 0.5 CPU s and then idles 1 s, so a read sees its whole use
  // however loaded the machine is.
  const burn = "while (process.cpuUsage().user < 5e5); setTimeout(() => undefined, 1000);";
  const child = spawn("sh", ["-c", `node -e "${burn}"; true`], { env: { ...process.env, [SUITE_ENV]: "demo" } });
  const tree = new ProcessTreeCpu(child.pid as number);
  const timer = setInterval(() => tree.sample(), 100);
  await new Promise((resolve) => child.once("exit", resolve));
  clearInterval(timer);
  const node = tree.byProgram().find((p) => p.program === "node -e");
  expect(node?.processes).toBe(1);
  // 0.5 CPU s by getrusage; /proc counts whole ticks.
  expect(node?.seconds).toBeGreaterThanOrEqual(0.48);
  expect(tree.byProgram().map((p) => p.program)).toContain("sh");
  // Both processes inherited the suite's name.
  expect(tree.bySuite().map((p) => [p.program, p.processes])).toEqual([["demo", 2]]);
  // Beside the other integration files on 2 cores, the burn alone took over 3 s of wall time (2026-12-07): jest's
  // default 5 s timed the test out with node still burning.
}, 60_000);
