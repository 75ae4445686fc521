/** bench/process-cpu.ts ProcessTreeCpu on real processes: a grandchild's CPU is found through its parent. */
import { spawn } from "node:child_process";
import { ProcessTreeCpu } from "../../bench/process-cpu";

test("the CPU of a process started by the command's child is counted under its program", async () => {
  // sh starts node (the root's grandchild), which uses 1 CPU s and then idles 1 s, so a read sees its whole use
  // however loaded the machine is.
  const burn = "while (process.cpuUsage().user < 1e6); setTimeout(() => undefined, 1000);";
  const child = spawn("sh", ["-c", `node -e "${burn}"; true`]);
  const tree = new ProcessTreeCpu(child.pid as number);
  const timer = setInterval(() => tree.sample(), 100);
  await new Promise((resolve) => child.once("exit", resolve));
  clearInterval(timer);
  const node = tree.byProgram().find((p) => p.program === "node -e");
  expect(node?.processes).toBe(1);
  // 1 CPU s by getrusage; /proc counts whole ticks.
  expect(node?.seconds).toBeGreaterThanOrEqual(0.95);
  expect(tree.byProgram().map((p) => p.program)).toContain("sh");
});
