/**
 * Checkov, the policy scanner platform teams run over infrastructure code, pinned and installed by the project
 * itself: a Python virtual environment outside git (~/.cache/cdc-routing/checkov-<version>, or under
 * $CDC_ROUTING_CACHE), made with the machine's python3 (3.9 or newer; $CDC_ROUTING_PYTHON names another) and filled
 * from PyPI with exactly review/checkov-constraints.txt. `npm run scan:install` installs it; `npm run scan` installs it
 * when missing, then scans (review/scanner.ts).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../lib/errors";
import { run } from "../lib/run";
import { cacheDir } from "../providers/mirror";
import { type CheckovReport, parseCheckovOutput } from "./scanner";

export const CHECKOV_VERSION = "3.3.30";
export const CHECKOV_CONSTRAINTS = join(__dirname, "checkov-constraints.txt");
/** Set by .ci/run and the pull-request workflow, which install Checkov first: a missing one then fails the tests. */
export const REQUIRE_SCANNER_ENV = "CDC_ROUTING_REQUIRE_SCANNER";

const constraintsSum = (): string =>
  createHash("sha256").update(readFileSync(CHECKOV_CONSTRAINTS)).digest("hex").slice(0, 16);

export function checkovDir(): string {
  return join(cacheDir(), `checkov-${CHECKOV_VERSION}`);
}

const checkovBin = (): string => join(checkovDir(), "bin", "checkov");
/** Written last by the install: names the constraints the environment was filled from. */
const stampFile = (): string => join(checkovDir(), "cdc-routing.constraints");

/** Why the pinned Checkov cannot run here, or "" when it can. */
export function checkovMissing(): string {
  if (!existsSync(checkovBin())) return `Checkov ${CHECKOV_VERSION} is not installed in ${checkovDir()}`;
  const stamp = existsSync(stampFile()) ? readFileSync(stampFile(), "utf8").trim() : "";
  return stamp === constraintsSum()
    ? ""
    : `${checkovDir()} was not filled from the current review/checkov-constraints.txt`;
}

/** Installs the pinned Checkov unless it is there; returns what it did. */
export async function installCheckov(progress: (line: string) => void): Promise<string> {
  if (!checkovMissing()) return `Checkov ${CHECKOV_VERSION} already installed in ${checkovDir()}`;
  const python = process.env.CDC_ROUTING_PYTHON || "python3";
  const version = await run(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
  const [major, minor] = version.stdout.trim().split(".").map(Number);
  if (version.code !== 0 || major !== 3 || minor < 9)
    throw new InputError(
      `Checkov ${CHECKOV_VERSION} needs Python 3.9 or newer: ${python} ${version.code === 0 ? `is ${version.stdout.trim()}` : "was not found"} (set CDC_ROUTING_PYTHON to another interpreter)`,
    );
  // A virtual environment cannot be moved (its scripts name its path): filled in place, stamped last.
  rmSync(checkovDir(), { recursive: true, force: true });
  mkdirSync(cacheDir(), { recursive: true });
  progress(`creating ${checkovDir()} with ${python} ${version.stdout.trim()}`);
  const venv = await run(python, ["-m", "venv", checkovDir()]);
  if (venv.code !== 0) throw new InputError(`${python} -m venv ${checkovDir()} failed:\n${venv.output}`);
  progress(`installing checkov==${CHECKOV_VERSION} from PyPI (pinned by review/checkov-constraints.txt)`);
  const pip = await run(join(checkovDir(), "bin", "pip"), [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--constraint",
    CHECKOV_CONSTRAINTS,
    `checkov==${CHECKOV_VERSION}`,
  ]);
  if (pip.code !== 0) throw new InputError(`installing Checkov ${CHECKOV_VERSION} failed:\n${pip.output}`);
  writeFileSync(stampFile(), `${constraintsSum()}\n`);
  return `Checkov ${CHECKOV_VERSION} installed in ${checkovDir()}`;
}

/**
 * Checkov's own temp dir, beside it in the cache: its HCL parser (lark) writes a grammar cache file into the temp
 * dir and never removes it, which a scan must not leave in the system's; kept here, later scans reuse it.
 */
export const checkovTempDir = (): string => join(checkovDir(), "tmp");

/**
 * Checkov on every Terraform JSON file under dir, terraform_json framework only, nothing downloaded (no Prisma Cloud
 * account: no guideline links or severities), no skip option of any kind.
 */
export async function runCheckov(dir: string): Promise<CheckovReport> {
  const temp = checkovTempDir();
  mkdirSync(temp, { recursive: true });
  const r = await run(
    checkovBin(),
    ["--directory", dir, "--framework", "terraform_json", "--skip-download", "--output", "json"],
    { env: { ...process.env, LOG_LEVEL: "ERROR", TMPDIR: temp, TEMP: temp, TMP: temp } },
  );
  // Exit 1 means failed checks: the report says which.
  if (r.code !== 0 && r.code !== 1) throw new Error(`checkov exited with ${r.code}:\n${r.output}`);
  try {
    return parseCheckovOutput(r.stdout);
  } catch {
    throw new Error(`checkov printed no JSON report:\n${r.output}`);
  }
}
