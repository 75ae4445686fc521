/**
 * `cdc-routing status`: a deployed stage's health in one table (status/report.ts) from its status targets, the
 * repository's filters, stage config and lock, and read-only credentials from the environment (status/read.ts).
 * Exit 0 healthy, 1 unhealthy, 2 when it cannot tell (usage, unreachable service, refused or missing credentials,
 * unusable inputs): every error is a ConnectionError, so a broken input never reads as "unhealthy".
 */
import { loadFilters } from "../filters/load";
import type { CommandIo } from "../lib/command-line";
import { ConnectionError, InputError } from "../lib/errors";
import { readLock } from "../lock/lock-file";
import type { StageName } from "../stages/names";
import { stageConfig } from "../stages/stages";
import { stageExpectations } from "./expectations";
import { readStatus, statusCredentials } from "./read";
import { renderStatus, statusExitCode, statusJson } from "./report";
import { readStatusTargets, type StatusTargets } from "./targets";

export interface StatusOptions {
  readonly stage: StageName;
  /** The stage's status targets (`terraform output -json status_targets`), or the targets themselves. */
  readonly targets: string | StatusTargets;
  readonly filters: string;
  readonly json: boolean;
  readonly timeoutMs: number;
  /** Instead of the targets' bootstrap endpoint (the local deploy's broker). */
  readonly bootstrapServers?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Inputs that fail to load are reported as errors that cannot tell the status (exit 2), not as unhealthy (1). */
function loaded<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof InputError && !(e instanceof ConnectionError)) throw new ConnectionError(e.problems, e.summary);
    throw e;
  }
}

export async function runStatus(o: StatusOptions, io: CommandIo): Promise<number> {
  const targets = typeof o.targets === "string" ? readStatusTargets(o.targets) : o.targets;
  if (targets.stage !== o.stage)
    throw new ConnectionError(
      `the status targets are stage ${targets.stage}'s, not ${o.stage}'s; write ${o.stage}'s in its directory with: terraform output -json status_targets`,
    );
  const expectations = loaded(() =>
    stageExpectations(stageConfig(o.stage), loadFilters(o.filters), readLock()[o.stage]),
  );
  const credentials = statusCredentials(o.env, o.bootstrapServers ?? targets.kafka_bootstrap_endpoint);
  const report = await readStatus(targets, expectations, credentials, {
    timeoutMs: o.timeoutMs,
    progress: (line) => io.err(`${line}\n`),
  });
  io.out(o.json ? statusJson(report) : renderStatus(report));
  return statusExitCode(report);
}
