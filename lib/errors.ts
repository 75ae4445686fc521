/**
 * One error model for every command of the project (main.ts, cdc-routing, the review, consumer, provider, local
 * and bench scripts), applied by one runner (lib/command-line.ts `runCommand`):
 *
 * - InputError: something the person running the command can fix: their files (filters.yaml, the lock), the stage
 *   config, an environment variable, a program this one needs, a service it talks to. One `error:` line per
 *   problem on stderr, no stack trace; exit 1 (a ConnectionError: 2, see below).
 * - UsageError: the command line itself. The message, then the usage, on stderr; exit 2.
 * - Anything else is a bug in this project (a broken assumption): its stack trace on stderr; exit 70.
 *
 * A command that ran and found something wrong (a routing difference, a destructive plan without opt-in) is not
 * an error: it says so and returns exit 1 itself.
 */

/** Exit codes: 70 is EX_SOFTWARE ("internal software error", sysexits.h); 130 is 128 + SIGINT. */
export const EXIT = { ok: 0, failed: 1, usage: 2, bug: 70, interrupted: 130 } as const;

export class InputError extends Error {
  /** Each problem: what is wrong, the value, what is allowed, and the fix (file:line:col where a person wrote it). */
  readonly problems: readonly string[];
  /** A closing line after the problems, e.g. `3 errors` when more exist than are listed. */
  readonly summary?: string;
  /** The exit code: 1, except for a command that keeps 1 for a finding of its own (ConnectionError). */
  readonly exitCode: number = EXIT.failed;

  constructor(problems: string | readonly string[], summary?: string) {
    const list = typeof problems === "string" ? [problems] : [...problems];
    super(list.join("\n"));
    this.problems = list;
    this.summary = summary;
  }
}

/**
 * A service the command reads could not be reached or refused its credentials, for a command whose exit 1 means a
 * finding (`cdc-routing status`: unhealthy): exit 2, like a usage error, with the same `error:` lines.
 */
export class ConnectionError extends InputError {
  override readonly exitCode: number = EXIT.usage;
}

/** The command line is wrong: an unknown verb, option or value, or a missing one. */
export class UsageError extends Error {}

/** What runCommand prints for an error, and the exit code it returns. */
export function describeFailure(e: unknown, usage: string, note?: string): { text: string; code: number } {
  if (e instanceof UsageError)
    return { text: `${e.message}\n${usage.endsWith("\n") ? usage : `${usage}\n`}`, code: EXIT.usage };
  if (e instanceof InputError) {
    const closing = [e.summary, note].filter((line) => line).join("; ");
    return {
      text: `${[...e.problems.map((p) => `error: ${p}`), ...(closing ? [closing] : [])].join("\n")}\n`,
      code: e.exitCode,
    };
  }
  const trace = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  return {
    text: `bug: this is an error in cdc-routing itself, not in its input; please report it with the command you ran and this trace:\n${trace}\n`,
    code: EXIT.bug,
  };
}
