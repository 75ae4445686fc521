/**
 * Command-line conventions shared by every script of the project (main.ts, cdc-routing, review, consumers,
 * providers, local, bench), all run through `runScript`: `--help`/`-h` prints the usage on stdout and exits 0; an
 * unknown verb, option or stage exits 2 naming the closest valid one; errors follow lib/errors.ts (input error:
 * exit 1, `error:` lines; bug: exit 70 with its stack trace). Options are parsed strictly (node:util parseArgs)
 * after our own check, whose message can suggest a fix where parseArgs' cannot.
 */
import { parseArgs } from "node:util";
import { describeFailure, EXIT, UsageError } from "./errors";
import { suggestion } from "./suggest";

export interface OptionSpec {
  type: "string" | "boolean";
  default?: string | boolean;
}
export type OptionSpecs = Record<string, OptionSpec>;

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** `unknown <kind> 'x'; did you mean 'y'?` (or the list of valid ones when none is close). */
export function unknownMessage(kind: string, input: string, candidates: readonly string[]): string {
  return `unknown ${kind} '${input}'; ${suggestion(input, candidates)}`;
}

/** Checks a positional value against its allowed set; throws a UsageError with the closest match. */
export function oneOf<T extends string>(kind: string, input: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(input)) return input as T;
  throw new UsageError(unknownMessage(kind, input, allowed));
}

/** Option names in the arguments that the spec does not know (a string option's value is skipped). */
function unknownOptions(args: readonly string[], options: OptionSpecs): string[] {
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-" || /^-\d/.test(a)) continue;
    const name = a.startsWith("--") ? a.slice(2).split("=")[0] : a;
    const spec = options[name];
    if (!spec) unknown.push(a.startsWith("--") ? `--${name}` : a);
    else if (spec.type === "string" && !a.includes("=")) i++;
  }
  return unknown;
}

type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]["type"] extends "string" ? string | undefined : boolean | undefined;
};

export interface ParsedCommandLine<O extends OptionSpecs = OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/** Strict parse of options and positionals; `--help` is always accepted (callers check wantsHelp first). */
export function parseCommandLine<const O extends OptionSpecs>(
  args: readonly string[],
  options: O,
  maxPositionals = 0,
): ParsedCommandLine<O> {
  const all: OptionSpecs = { ...options, help: { type: "boolean" }, "-h": { type: "boolean" } };
  const unknown = unknownOptions(args, all);
  if (unknown.length > 0) {
    const known = Object.keys(options).map((o) => `--${o}`);
    throw new UsageError(
      known.length
        ? unknownMessage("option", unknown[0], known)
        : `unknown option '${unknown[0]}'; this command takes no options`,
    );
  }
  try {
    const parseOptions = { ...options, help: { type: "boolean" as const, short: "h" } };
    const { values, positionals } = parseArgs({
      args: [...args],
      options: parseOptions,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > maxPositionals) {
      throw new UsageError(
        maxPositionals === 0
          ? `unexpected argument '${positionals[0]}'`
          : `unexpected argument '${positionals[maxPositionals]}' (at most ${maxPositionals})`,
      );
    }
    return { values: values as unknown as OptionValues<O>, positionals };
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) throw new UsageError((e as Error).message);
    throw e;
  }
}

export interface CommandIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const processIo: CommandIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

function printUsage(usage: string, write: (s: string) => void): void {
  write(usage.endsWith("\n") ? usage : `${usage}\n`);
}

/** What a command's body returns: its exit code, or nothing for 0. */
// biome-ignore lint/suspicious/noConfusingVoidType: bodies declared to return nothing (`Promise<void>`) exit 0
export type CommandResult = number | void;

export interface CommandOptions {
  io?: CommandIo;
  /** A line after an input error's problems, saying what did not happen (e.g. "nothing was written"). */
  note?: string;
}

function failure(e: unknown, usage: string, io: CommandIo, note: string | undefined): number {
  const { text, code } = describeFailure(e, usage, note);
  io.err(text);
  return code;
}

/**
 * Runs a command's body with the shared conventions and returns its exit code (a promise when the body returns
 * one): `--help` prints the usage on stdout (exit 0) and runs nothing; errors are reported by kind (lib/errors.ts).
 */
export function runCommand(
  args: readonly string[],
  usage: string,
  body: () => CommandResult | Promise<CommandResult>,
  options: CommandOptions = {},
): number | Promise<number> {
  const io = options.io ?? processIo;
  if (wantsHelp(args)) {
    printUsage(usage, io.out);
    return EXIT.ok;
  }
  try {
    const result = body();
    if (!(result instanceof Promise)) return result ?? EXIT.ok;
    return result.then(
      (code) => code ?? EXIT.ok,
      (e: unknown) => failure(e, usage, io, options.note),
    );
  } catch (e) {
    return failure(e, usage, io, options.note);
  }
}

export interface ScriptOptions extends CommandOptions {
  /** Stops what the script started, after a failure; the process then ends at once. */
  cleanup?: () => Promise<void>;
  /**
   * End the process with the code once the body is done (true), or only when it failed ("on-failure"), even if
   * handles stay open (a Kafka client's timers). Otherwise the code is set and the process ends when nothing is
   * left to do.
   */
  exit?: boolean | "on-failure";
}

/** Ends this process's command with `code`: the exit code set, or the process ended at once (`exit`). */
export async function finishScript(code: number | Promise<number>, options: ScriptOptions = {}): Promise<void> {
  const finished = await code;
  const failed = finished !== EXIT.ok;
  if (failed && options.cleanup) await options.cleanup();
  if (options.exit === true || (failed && (options.exit === "on-failure" || options.cleanup))) process.exit(finished);
  process.exitCode = finished;
}

/**
 * The entry point of every script: its command line through runCommand, the result as the process's exit code.
 * An error thrown later from a callback (a client's event handler) is reported the same way and ends the process.
 */
export function runScript(
  usage: string,
  body: (args: string[]) => CommandResult | Promise<CommandResult>,
  options: ScriptOptions = {},
): Promise<void> {
  const late = (e: unknown) => process.exit(failure(e, usage, processIo, options.note));
  process.on("uncaughtException", late);
  process.on("unhandledRejection", late);
  const args = process.argv.slice(2);
  return finishScript(
    runCommand(args, usage, () => body(args), options),
    options,
  );
}
