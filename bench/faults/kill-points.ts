/**
 * Where a killed-apply trial kills terraform: at the Nth call the Confluent API double answers that changes
 * something (POST, PUT, PATCH, DELETE), N drawn from a seeded PRNG over the change calls an uninterrupted apply of
 * the same change makes (their number is fixed; the provider's polls vary with the engines' pace). The double kills
 * terraform while it handles that call, so the object is created and its answer lost: the case a CI runner dying
 * mid-apply leaves. One seed replays the same choices (the calls' order varies a little with terraform's
 * parallelism).
 */
import { readFileSync } from "node:fs";
import { signalGroup, sleep } from "../../lib/run";

/** A call number in 1..calls (calls: an uninterrupted apply's count, at least 1). */
export function killPoint(random: () => number, calls: number): number {
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`no kill point among ${calls} calls`);
  return 1 + Math.floor(random() * calls);
}

/** The seed of trial `index` of a run seeded `seed`: each trial replays alone with its own seed. */
export function trialSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 2654435761) + index * 0x85ebca6b) >>> 0;
}

/**
 * SIGKILL to a process group (terraform and its providers) at a moment terraform's state file is whole. Terraform
 * writes local state in place, truncating the file first (statemgr/filesystem.go, whose own TODO says it should
 * write a temporary file and rename it), so a kill during a write leaves the file empty or cut short, and the re-run
 * then starts from no state at all. The stages' S3 backend uploads whole snapshots and cannot be torn so: not the
 * failure these trials are after. The group is stopped (SIGSTOP stops every thread at once) and the file read;
 * while a write is under way the group runs on a millisecond at a time. The call that is the kill point waits
 * meanwhile (the double runs its route after this settles), so its answer is still lost.
 */
export async function killWithWholeState(pid: number, stateFile: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    signalGroup(pid, "SIGSTOP");
    if (wholeOrAbsent(stateFile) || Date.now() > deadline) return signalGroup(pid, "SIGKILL");
    signalGroup(pid, "SIGCONT");
    await sleep(1);
  }
}

/** A state file terraform has not written yet, or one it finished writing (a cut-short JSON document never parses). */
export function wholeOrAbsent(file: string): boolean {
  try {
    JSON.parse(readFileSync(file, "utf8"));
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}
