/**
 * npm run bench:process-cpu -- <command> [args...]: runs the command and reports which programs its CPU time went
 * to, e.g. `npm run bench:process-cpu -- npx jest -c jest.e2e.config.js --ci`. The command's process tree is read
 * from /proc twice a second: per program (the Flink statements' JVMs, the Kafka brokers, terraform by subcommand, the
 * jest workers, ...) the CPU seconds (user + system) and how many processes. A process that starts and ends between two
 * reads is not seen; the last line sets the total seen against the command's whole CPU time (its waited-for
 * children, as `time` counts it), so the gap is visible. A line on the whole machine follows (/proc/stat: busy, idle
 * and stolen time of all cores), which tells whether the run had the cores to itself and used all they gave. For an
 * e2e run, the CPU of the processes each suite started follows, per suite (SUITE_ENV).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { machineLine, statFields, waitedChildrenCpuSeconds } from "./stats";

const USAGE = `usage: npm run bench:process-cpu -- [--] <command> [args...]

Runs the command and prints the CPU seconds of its process tree per program (read from /proc every 0.5 s).`;

const TICKS_PER_SECOND = 100;
const SAMPLE_MS = 500;

/** JVM main classes named by what the project starts them for. */
const JVM_PROGRAMS: [marker: string, name: string][] = [
  ["kafka.tools.StorageTool", "java kafka storage format"],
  ["kafka.Kafka", "java kafka broker"],
  ["org.apache.kafka.connect.cli.ConnectStandalone", "java kafka connect"],
  ["FlinkSqlRunner", "java flink runner"],
];

/** A command line's first argument after the program that is not an option: a script, a subcommand. */
const firstOperand = (argv: readonly string[]): string | undefined => argv.slice(1).find((a) => !a.startsWith("-"));

/** The program a command line belongs to, for grouping: engines by role, node scripts by what they run. */
export function programOf(argv: readonly string[]): string {
  const exe = basename(argv[0] ?? "");
  const line = argv.join(" ");
  if (exe === "java") {
    const known = JVM_PROGRAMS.find(([marker]) => argv.includes(marker));
    if (known) {
      // The statements' runners (local/confluent-api/engines.ts) are the ones with a 512 MB heap.
      return known[0] === "FlinkSqlRunner" && argv.includes("-Xmx512m") ? "java flink statement" : known[1];
    }
    const source = argv.find((a) => a.endsWith(".java"));
    return source ? `java ${basename(source)}` : "java (other)";
  }
  if (exe.startsWith("terraform-provider-")) return exe.split("_")[0];
  // By subcommand (init, plan, apply, show...): which of terraform's runs a change could spare.
  if (exe === "terraform") return ["terraform", firstOperand(argv)].filter(Boolean).join(" ");
  if (exe === "node") {
    if (/jest-worker|processChild/.test(line)) return "node jest worker";
    if (argv.includes("-e") || argv.includes("--eval")) return "node -e";
    const script = firstOperand(argv);
    if (script && basename(script) === "run.js") return `node bin/run.js ${argv[argv.indexOf(script) + 1] ?? ""}`;
    return `node ${script ? basename(script) : "(other)"}`;
  }
  // PostgreSQL's backends rename themselves ("postgres: walsender ..."): one program.
  return exe.split(":")[0] || "(unknown)";
}

interface ProcessRead {
  ppid: number;
  /** user + system ticks */
  ticks: number;
  /** start time in ticks since boot: tells a process from a later one with the same pid */
  started: string;
}

/** What /proc says of a process, or undefined once it is gone. */
function readProcess(pid: number): ProcessRead | undefined {
  try {
    const fields = statFields(pid);
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), started: fields[19] };
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

export interface ProgramCpu {
  program: string;
  seconds: number;
  processes: number;
}

/**
 * Set by the e2e suites (their setup file __tests__/e2e/suite-name.ts) to the test file's name: every process a
 * suite starts inherits it, so its CPU is counted under that suite.
 */
export const SUITE_ENV = "CDC_ROUTING_SUITE";

/** The value of SUITE_ENV in a process's environment, or undefined (also once the process is gone). */
function suiteOf(pid: number): string | undefined {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .find((e) => e.startsWith(`${SUITE_ENV}=`));
    return entry?.slice(SUITE_ENV.length + 1);
  } catch {
    return undefined;
  }
}

/** CPU per program of every process descended from `root`, as seen so far; call sample() on an interval. */
export class ProcessTreeCpu {
  private readonly seen = new Map<string, { program: string; suite?: string; ticks: number }>();
  private readonly members = new Set<number>();

  constructor(root: number) {
    this.members.add(root);
  }

  sample(): void {
    const reads = new Map<number, ProcessRead>();
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const read = readProcess(pid);
      if (read) reads.set(pid, read);
    }
    // Descendants by parent, in as many passes as the tree is deep; a process stays a member once seen, also
    // after its parent ends and it is handed to init.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, read] of reads)
        if (!this.members.has(pid) && this.members.has(read.ppid)) {
          this.members.add(pid);
          grew = true;
        }
    }
    for (const [pid, read] of reads) {
      if (!this.members.has(pid)) continue;
      const key = `${pid}@${read.started}`;
      const known = this.seen.get(key);
      if (known) known.ticks = read.ticks;
      else this.seen.set(key, { program: programOf(commandLine(pid)), suite: suiteOf(pid), ticks: read.ticks });
    }
  }

  /** Per program, largest first. */
  byProgram(): ProgramCpu[] {
    return this.totals((p) => p.program);
  }

  /**
   * Per e2e suite (SUITE_ENV), largest first, as programs named by the suite: the processes each started. The jest
   * workers' own CPU is not split (a worker runs one suite after another).
   */
  bySuite(): ProgramCpu[] {
    return this.totals((p) => p.suite);
  }

  private totals(group: (p: { program: string; suite?: string }) => string | undefined): ProgramCpu[] {
    const totals = new Map<string, ProgramCpu>();
    for (const read of this.seen.values()) {
      const program = group(read);
      if (program === undefined) continue;
      const total = totals.get(program) ?? { program, seconds: 0, processes: 0 };
      total.seconds += read.ticks / TICKS_PER_SECOND;
      total.processes += 1;
      totals.set(program, total);
    }
    return [...totals.values()].sort((a, b) => b.seconds - a.seconds || a.program.localeCompare(b.program));
  }
}

/** One program's (or suite's) line: its CPU seconds, its processes, its name. */
function programLine(p: ProgramCpu): string {
  return `${p.seconds.toFixed(1).padStart(8)} CPU s  ${String(p.processes).padStart(4)}x  ${p.program}`;
}

/** The per-suite lines, when the command ran e2e suites. */
export function suiteReport(suites: readonly ProgramCpu[]): string {
  if (suites.length === 0) return "";
  return [
    "per e2e suite, the processes it started (the jest workers' own CPU not included):",
    ...suites.map(programLine),
  ].join("\n");
}

export function report(programs: readonly ProgramCpu[], wholeSeconds: number, wallSeconds: number): string {
  const seen = programs.reduce((sum, p) => sum + p.seconds, 0);
  return [
    ...programs.map(programLine),
    `${seen.toFixed(1).padStart(8)} CPU s seen, of ${wholeSeconds.toFixed(1)} CPU s the command's processes used in all, in ${wallSeconds.toFixed(1)} s`,
    // The whole is what the command's processes waited for; init reaps one that outlived its parent.
    ...(seen > wholeSeconds
      ? [
          "         (more seen than in all: processes that outlived their parent, as the Kafka brokers e2e workers share)",
        ]
      : []),
  ].join("\n");
}

/** The machine's CPU times (all cores, seconds) from the `cpu` line of /proc/stat. */
export interface MachineCpu {
  busy: number;
  idle: number;
  /** Time the hypervisor gave another guest while this one had work. */
  steal: number;
}

/** Parses /proc/stat's `cpu` line: user nice system idle iowait irq softirq steal (guest time is inside user). */
export function machineCpu(procStat: string, ticksPerSecond = TICKS_PER_SECOND): MachineCpu {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("no cpu line in /proc/stat");
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const seconds = (ticks: number) => ticks / ticksPerSecond;
  return { busy: seconds(user + nice + system + irq + softirq), idle: seconds(idle + iowait), steal: seconds(steal) };
}

/** What the whole machine did meanwhile: whether the command's CPU time was all the cores could give. */
export function machineReport(before: MachineCpu, after: MachineCpu): string {
  const busy = after.busy - before.busy;
  const idle = after.idle - before.idle;
  const steal = after.steal - before.steal;
  const share = (100 * busy) / (busy + idle + steal || 1);
  return `machine: ${busy.toFixed(1)} CPU s busy (${share.toFixed(0)}% of all cores' time, any process), ${idle.toFixed(1)} s idle, ${steal.toFixed(1)} s stolen by the hypervisor`;
}

async function main(given: string[]): Promise<number> {
  // A `--` before the command keeps its own -h or --help from being read as this script's.
  const args = given[0] === "--" ? given.slice(1) : given;
  if (args.length === 0) throw new UsageError("a command to run is needed");
  const header = `process cpu: ${machineLine()}; ${args.join(" ")}`;
  const before = waitedChildrenCpuSeconds();
  const machineBefore = machineCpu(readFileSync("/proc/stat", "utf8"));
  const started = Date.now();
  const child = spawn(args[0], args.slice(1), { stdio: "inherit" });
  if (child.pid === undefined) throw new UsageError(`could not start ${args[0]}`);
  const tree = new ProcessTreeCpu(child.pid);
  const timer = setInterval(() => tree.sample(), SAMPLE_MS);
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  clearInterval(timer);
  const whole = waitedChildrenCpuSeconds() - before;
  const machine = machineReport(machineBefore, machineCpu(readFileSync("/proc/stat", "utf8")));
  const suites = suiteReport(tree.bySuite());
  process.stdout.write(
    `${header}\n${report(tree.byProgram(), whole, (Date.now() - started) / 1000)}\n${machine}\n${suites && `${suites}\n`}`,
  );
  return code;
}

if (require.main === module) void runScript(USAGE, main);
