/**
 * Command-line conventions shared by every script of the project (cdc-routing, main.ts, local/, bench/):
 * `--help`/`-h` prints the usage on stdout and exits 0; an unknown verb, option or stage exits 2 naming the
 * closest valid one. Options are parsed strictly (node:util parseArgs) after our own check, whose message can
 * suggest a fix where parseArgs' cannot.
 */
import { parseArgs } from "node:util";
import { suggestion } from "./suggest";

export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export interface OptionSpec {
  type: "string" | "boolean";
  default?: string | boolean;
}
export type OptionSpecs = Record<string, OptionSpec>;

export function wantsHelp(args: readonly string[]): boolean {
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

type OptionValues<O extends OptionSpecs> = { [K in keyof O]: O[K]["type"] extends "string" ? string | undefined : boolean | undefined };

export interface ParsedCommandLine<O extends OptionSpecs = OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/** Strict parse of options and positionals; `--help` is always accepted (callers check wantsHelp first). */
export function parseCommandLine<const O extends OptionSpecs>(args: readonly string[], options: O, maxPositionals = 0): ParsedCommandLine<O> {
  const all: OptionSpecs = { ...options, help: { type: "boolean" }, "-h": { type: "boolean" } };
  const unknown = unknownOptions(args, all);
  if (unknown.length > 0) {
    const known = Object.keys(options).map((o) => `--${o}`);
    throw new UsageError(known.length ? unknownMessage("option", unknown[0], known) : `unknown option '${unknown[0]}'; this command takes no options`);
  }
  try {
    const parseOptions = { ...options, help: { type: "boolean" as const, short: "h" } };
    const { values, positionals } = parseArgs({ args: [...args], options: parseOptions, allowPositionals: true, strict: true });
    if (positionals.length > maxPositionals) {
      throw new UsageError(maxPositionals === 0 ? `unexpected argument '${positionals[0]}'` : `unexpected argument '${positionals[maxPositionals]}' (at most ${maxPositionals})`);
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
  write(usage.endsWith("\n") ? usage : usage + "\n");
}

function usageFailure(e: unknown, usage: string, io: CommandIo): number {
  if (!(e instanceof UsageError)) throw e;
  io.err(`${e.message}\n`);
  printUsage(usage, io.err);
  return EXIT_USAGE;
}

/**
 * Runs a command's body with the shared conventions: help -> usage on stdout, exit 0; UsageError -> the message
 * and the usage on stderr, exit 2. Other errors propagate (they are the command's own failures).
 */
export function runCommandSync(args: readonly string[], usage: string, body: () => number, io: CommandIo = processIo): number {
  if (wantsHelp(args)) {
    printUsage(usage, io.out);
    return 0;
  }
  try {
    return body();
  } catch (e) {
    return usageFailure(e, usage, io);
  }
}

export async function runCommand(args: readonly string[], usage: string, body: () => Promise<number>, io: CommandIo = processIo): Promise<number> {
  if (wantsHelp(args)) {
    printUsage(usage, io.out);
    return 0;
  }
  try {
    return await body();
  } catch (e) {
    return usageFailure(e, usage, io);
  }
}

/** For scripts that take no verb: answers --help / rejects unknown options, then returns the parsed values. */
export function scriptArguments<const O extends OptionSpecs>(usage: string, options: O, maxPositionals = 0, args = process.argv.slice(2)): ParsedCommandLine<O> {
  let parsed: ParsedCommandLine<O> | undefined;
  const code = runCommandSync(args, usage, () => {
    parsed = parseCommandLine(args, options, maxPositionals);
    return 0;
  });
  if (!parsed) process.exit(code);
  return parsed;
}
