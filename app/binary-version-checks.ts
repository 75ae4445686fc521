/**
 * cdktf adds a validation to every `terraform_data` resource (DataResource; one per stage here) that runs
 * `terraform version` as a child process at synth (cdktf/lib/validations/validate-binary-version.js): three
 * processes for a synth of every stage, each the cost of a Terraform start (50 to 100 ms of a 0.6 s synth of dev).
 * The answer cannot change while the binary does not: the first check's answer serves every later check of the
 * same command and constraint, and a passed check is remembered across synths in a small file, keyed by the
 * binary's path, size and modification time (a new Terraform is checked again; a failed check is never kept).
 */
import {
  accessSync,
  constants,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";

interface BinaryVersionCheck {
  versionCommand: string;
  versionConstraint: string;
  validate(): string[];
}

/** Where passed checks are remembered between synths. */
export const DEFAULT_VERSION_CACHE = join(homedir(), ".cache", "cdc-routing", "binary-versions.json");

/** The executable a command line starts (its first word, looked up on PATH), as path, size and mtime; or undefined. */
export function binaryIdentity(command: string, path = process.env.PATH ?? ""): string | undefined {
  const program = command.trim().split(/\s+/)[0];
  if (!program) return undefined;
  const candidates = program.includes("/") ? [program] : path.split(delimiter).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      const real = realpathSync(candidate);
      const stat = statSync(real);
      if (stat.isFile()) return `${real} ${stat.size} ${stat.mtimeMs}`;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function readPassed(file: string): Set<string> {
  try {
    return new Set(JSON.parse(readFileSync(file, "utf8")) as string[]);
  } catch {
    return new Set();
  }
}

function rememberPassed(file: string, key: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, JSON.stringify([...readPassed(file), key].sort()));
    // Atomic: a synth reading meanwhile sees the old list or the new one.
    renameSync(partial, file);
  } catch {
    // Only a cache: the next synth checks again.
  }
}

let original: BinaryVersionCheck["validate"] | undefined;

export function checkBinaryVersionsOnce({ cacheFile = DEFAULT_VERSION_CACHE }: { cacheFile?: string } = {}): void {
  const { ValidateBinaryVersion } = require("cdktf/lib/validations/validate-binary-version") as {
    ValidateBinaryVersion: { prototype: BinaryVersionCheck };
  };
  original ??= ValidateBinaryVersion.prototype.validate;
  const validate = original;
  const answers = new Map<string, string[]>();
  ValidateBinaryVersion.prototype.validate = function (this: BinaryVersionCheck): string[] {
    const key = `${this.versionCommand}\0${this.versionConstraint}`;
    if (!answers.has(key)) {
      const binary = binaryIdentity(this.versionCommand);
      const remembered = binary && `${key}\0${binary}`;
      if (remembered && readPassed(cacheFile).has(remembered)) answers.set(key, []);
      else {
        const answer = validate.call(this);
        if (remembered && answer.length === 0) rememberPassed(cacheFile, remembered);
        answers.set(key, answer);
      }
    }
    return [...(answers.get(key) ?? [])];
  };
}
