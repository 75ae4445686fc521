/**
 * Terraform runs of a command that may be interrupted (the offline plan): each terraform in its own process group,
 * so that Ctrl-C reaches it exactly once from here (a second interrupt makes terraform exit at once, leaving its
 * provider processes behind) and a provider that outlives it is killed with its group. Until stop(), SIGINT and
 * SIGTERM do not end this process: the command notices (`interrupted`), cleans up and returns exit 130.
 */
import { spawn } from "node:child_process";
import { InputError } from "../lib/errors";
import { type Run, signalGroup } from "../lib/run";

/** Thrown where an interrupted command stops; the command turns it into exit 130 after cleaning up. */
export class Interrupted extends InputError {
  constructor() {
    super("interrupted");
  }
}

export class TerraformRuns {
  interrupted = false;
  private readonly groups = new Set<number>();
  private readonly onSignal = () => {
    if (this.interrupted) for (const pid of this.groups) signalGroup(pid, "SIGKILL");
    else for (const pid of this.groups) signalGroup(pid, "SIGINT");
    this.interrupted = true;
  };

  constructor() {
    process.on("SIGINT", this.onSignal);
    process.on("SIGTERM", this.onSignal);
  }

  stop(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }

  /** Throws Interrupted once a signal came: called between steps. */
  check(): void {
    if (this.interrupted) throw new Interrupted();
  }

  /**
   * `terraform <args>`, said before it starts and every 15 s while it runs (an apply takes seconds to minutes).
   * Not blocking: a double in this process answers it.
   */
  async run(args: string[], cwd: string, env: NodeJS.ProcessEnv, say: (s: string) => void): Promise<Run> {
    this.check();
    say(`terraform ${args.join(" ")}`);
    const started = Date.now();
    const ticker = setInterval(
      () => say(`terraform ${args[0]}: still running after ${Math.round((Date.now() - started) / 1000)} s`),
      15_000,
    );
    try {
      return await new Promise<Run>((resolve) => {
        const child = spawn("terraform", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        const pid = child.pid;
        if (pid !== undefined) this.groups.add(pid);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("error", (e) => (stderr += `terraform could not start: ${e.message}\n`));
        child.once("exit", () => {
          if (pid === undefined) return;
          this.groups.delete(pid);
          signalGroup(pid, "SIGKILL"); // a provider process terraform left behind
        });
        child.once("close", (code) =>
          resolve({ code: code ?? 1, stdout, output: `${stdout}${stderr}`, ms: Date.now() - started }),
        );
      });
    } finally {
      clearInterval(ticker);
      this.check();
    }
  }
}
