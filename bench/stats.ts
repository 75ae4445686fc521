/**
 * What every benchmark prints: the machine and the date, each round, and per side the median and the spread
 * of the counted rounds. Rounds alternate between the sides so a busy spell on a shared machine hits both.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

/** Rounds per side that count, after one warm-up round per side that does not. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Spread as the range of the rounds relative to their median: "±12%" reads as (max - min) / 2 / median. */
export function spread(xs: readonly number[]): string {
  const m = median(xs);
  const half = (Math.max(...xs) - Math.min(...xs)) / 2;
  return m === 0 ? "±0%" : `±${Math.round((half / m) * 100)}%`;
}

export function summary(xs: readonly number[], unit: string, digits = 2): string {
  const f = (x: number) => x.toFixed(digits);
  return `median ${f(median(xs))} ${unit} (min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))}, spread ${spread(xs)}, ${xs.length} rounds)`;
}

export function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${cpus().length} cores (${model}), ${Math.round(totalmem() / 2 ** 30)} GiB; load average ${load}`;
}

/** "ratio a/b 0.10 (per round 0.08 to 0.12)": of the two sides' medians, and the range of their per-round ratios. */
export function ratioLine(label: string, side: readonly number[], base: readonly number[], digits = 2): string {
  const ratios = side.map((t, i) => t / base[i]);
  return `ratio ${label} ${(median(side) / median(base)).toFixed(digits)} (per round ${Math.min(...ratios).toFixed(digits)} to ${Math.max(...ratios).toFixed(digits)})`;
}

export type Log = (line: string) => void;
export const progress: Log = (line) => process.stderr.write(`[bench] ${line}\n`);

/**
 * Runs each side once as a warm-up (not counted), then `rounds` alternating rounds; returns the counted
 * measurements per side. measure returns one number per call (seconds, ms or events/s).
 */
export async function alternate<Side extends string>(
  sides: readonly Side[],
  measure: (side: Side) => number | Promise<number>,
  { rounds = ROUNDS, unit, log = progress }: { rounds?: number; unit: string; log?: Log },
): Promise<Record<Side, number[]>> {
  const counted = Object.fromEntries(sides.map((s) => [s, [] as number[]])) as Record<Side, number[]>;
  for (let round = 0; round <= rounds; round++) {
    for (const side of sides) {
      const value = await measure(side);
      if (round > 0) counted[side].push(value);
      log(
        `${round === 0 ? "warm-up" : `round ${round}/${rounds}`}  ${side}: ${value.toFixed(2)} ${unit}${round === 0 ? " (not counted)" : ""}`,
      );
    }
  }
  return counted;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): field 3 first. */
export function statFields(pid: number | "self"): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/**
 * CPU seconds a process has used (user + system, /proc/<pid>/stat fields 14 and 15, at the kernel's usual 100
 * ticks a second). Unlike wall time, it does not grow when other processes take the cores.
 */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** What `work` returns, and the CPU seconds the running process `pid` spent meanwhile. */
export async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const before = cpuSeconds(pid);
  const result = await work();
  return { result, cpu: cpuSeconds(pid) - before };
}

/** CPU seconds of the children this process waited for (fields 16 and 17, cutime and cstime, of /proc/self/stat). */
export function waitedChildrenCpuSeconds(): number {
  const fields = statFields("self");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
