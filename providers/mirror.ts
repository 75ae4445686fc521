/**
 * Puts the pinned Terraform providers into a filesystem mirror outside git: downloaded from the public Terraform
 * registry where it is reachable (`terraform providers mirror`), else built from their upstream source archives
 * (../shared/provider-src, checksums verified first) plus the Go module proxy; and runs the Terraform CLI against
 * that mirror. Used by `npm test` and `.ci/run` (providers/mirror-cli.ts), `npm run providers:refresh` and the
 * real-Terraform tests.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { get } from "node:https";
import { homedir, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../lib/errors";
import { recordTiming } from "../lib/timings";
import type { ProviderBuildPin } from "./pins";

export const TERRAFORM_HOST = "registry.terraform.io";

export type Log = (message: string) => void;

export function cacheDir(): string {
  return process.env.CDC_ROUTING_CACHE ?? join(homedir(), ".cache", "cdc-routing");
}

export function mirrorDir(): string {
  return join(cacheDir(), "provider-mirror");
}

/** The upstream source archives (the pieces the Go module proxy refuses), beside the project as ../shared. */
export function providerSourceDir(): string {
  return process.env.CDC_ROUTING_PROVIDER_SRC ?? resolve(__dirname, "..", "..", "shared", "provider-src");
}

/** Path Terraform expects inside a filesystem mirror (`unpacked` layout). */
export function mirrorBinaryPath(mirror: string, pin: ProviderBuildPin, platform = "linux_amd64"): string {
  const [namespace, type] = pin.source.split("/");
  return join(
    mirror,
    TERRAFORM_HOST,
    namespace,
    type,
    pin.version,
    platform,
    `terraform-provider-${type}_v${pin.version}`,
  );
}

/** Which archives were a binary built from: kept beside the mirror, not in it (Terraform scans the mirror). */
function stampPath(pin: ProviderBuildPin): string {
  return join(cacheDir(), "provider-stamps", `${pin.source.replace("/", "-")}-${pin.version}.sums`);
}

/** A program the build needs failed, or an archive is missing or damaged: said with what to do. */
export class CommandError extends InputError {}

/** `SHA256SUMS` text (`<hex>  <file>` lines, as sha256sum writes them) -> file name -> hex digest. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}

export function archivesOf(pin: ProviderBuildPin): string[] {
  return [pin.sourceArchive, ...Object.values(pin.replacedModules)];
}

/**
 * Checks every archive a pin needs against SHA256SUMS and returns the verified `<hex>  <file>` lines, the key
 * a built binary is cached under. Throws one message naming the file and what to do.
 */
export function verifyArchives(pin: ProviderBuildPin, sourceDir = providerSourceDir()): string {
  const sumsFile = join(sourceDir, "SHA256SUMS");
  if (!existsSync(sumsFile)) {
    throw new CommandError(
      `${sumsFile} is missing: the provider sources are not there. Put the shared provider-src folder (archives and SHA256SUMS) at ${sourceDir}, or point CDC_ROUTING_PROVIDER_SRC at it`,
    );
  }
  const expected = parseSha256Sums(readFileSync(sumsFile, "utf8"));
  return archivesOf(pin)
    .map((archive) => {
      const file = join(sourceDir, archive);
      const want = expected.get(archive);
      if (!want)
        throw new CommandError(
          `${sumsFile} lists no checksum for ${archive}: the pin in providers/pins.ts and the provider sources disagree`,
        );
      if (!existsSync(file))
        throw new CommandError(`${file} is missing: copy the provider sources again (it is listed in SHA256SUMS)`);
      const got = createHash("sha256").update(readFileSync(file)).digest("hex");
      if (got !== want)
        throw new CommandError(
          `${file} fails its checksum (SHA256SUMS says ${want}, the file has ${got}): the archive is damaged or was changed; copy it again from the provider sources`,
        );
      return `${want}  ${archive}`;
    })
    .join("\n");
}

/** The stamp of a binary that `terraform providers mirror` downloaded: the release itself, whatever sources are here. */
const REGISTRY_STAMP = `downloaded from ${TERRAFORM_HOST} by terraform providers mirror`;

/**
 * True when the mirror holds the pinned release downloaded from the registry, or a binary built from exactly these
 * archives (or, without sources here, any binary).
 */
export function isInMirror(pin: ProviderBuildPin, mirror = mirrorDir()): boolean {
  if (!existsSync(mirrorBinaryPath(mirror, pin))) return false;
  const stamp = existsSync(stampPath(pin)) ? readFileSync(stampPath(pin), "utf8") : undefined;
  if (stamp?.startsWith(REGISTRY_STAMP)) return true;
  if (!existsSync(join(providerSourceDir(), "SHA256SUMS"))) return true;
  try {
    return stamp === verifyArchives(pin);
  } catch {
    return false;
  }
}

const PROGRAMS = {
  go: {
    probe: ["version"],
    missing:
      "the Go toolchain (go), which builds the providers from source, is not on PATH: install Go 1.25 or newer (go.dev/dl, or the golang-go package of a recent distribution)",
  },
  terraform: {
    probe: ["version"],
    missing:
      "the Terraform CLI (terraform) is not on PATH: install Terraform 1.10 or newer (developer.hashicorp.com/terraform/install)",
  },
  unzip: {
    probe: ["-v"],
    missing: "unzip, which unpacks the providers downloaded from the Terraform registry, is not on PATH: install it",
  },
} as const;

export type Program = keyof typeof PROGRAMS;

export function programPresent(program: Program): boolean {
  const res = spawnSync(program, [...PROGRAMS[program].probe], { stdio: "ignore", env: process.env });
  return !res.error && res.status === 0;
}

/** Fails with one clear message when a program the build or the tests need is not on PATH. */
export function requireProgram(program: Program): void {
  if (!programPresent(program)) throw new CommandError(PROGRAMS[program].missing);
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const res = spawnSync(cmd, args, { ...opts, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (res.error) throw new CommandError(`${cmd} could not start: ${res.error.message}`);
  if (res.status !== 0) {
    throw new CommandError(`${cmd} ${args.join(" ")} exited ${res.status}:\n${(res.stderr || res.stdout).trim()}`);
  }
  return res.stdout;
}

/** Runs a long command and says every 30 s that it is still going (`doing`: "building", "downloading"). */
function runWithProgress(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
  what: string,
  log: Log,
  doing = "building",
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setInterval(() => {
      const downloads = (output.match(/go: downloading/g) ?? []).length;
      log(
        `providers:   ${what}: still ${doing} after ${Math.round((Date.now() - started) / 1000)} s${downloads ? ` (${downloads} recent module downloads)` : ""}`,
      );
    }, 30_000);
    child.once("error", (e) => {
      clearInterval(timer);
      reject(new CommandError(`${cmd} could not start: ${e.message}`));
    });
    child.once("exit", (code) => {
      clearInterval(timer);
      if (code === 0) resolvePromise();
      else
        reject(
          new CommandError(
            `${what}: ${cmd} ${args.join(" ")} exited ${code}:\n${output.trim().split("\n").slice(-30).join("\n")}`,
          ),
        );
    });
  });
}

/** Extracts an archive into its own folder under `into` and returns the folder the archive holds. */
function extract(archive: string, into: string): string {
  const dir = join(into, basename(archive).replace(/\.tar\.gz$/, ""));
  mkdirSync(dir);
  run("tar", ["-xzf", archive, "-C", dir]);
  const top = readdirSync(dir);
  if (top.length !== 1)
    throw new CommandError(`${archive} should hold one top-level folder, it holds: ${top.join(", ")}`);
  return join(dir, top[0]);
}

/**
 * Builds one provider from its source archives into the mirror. The build happens in a temporary folder beside
 * the mirror and the binary is renamed into place only when complete, so an interrupted build never counts.
 */
export async function buildProviderIntoMirror(
  pin: ProviderBuildPin,
  mirror = mirrorDir(),
  log: Log = console.log,
): Promise<string> {
  const target = mirrorBinaryPath(mirror, pin);
  if (isInMirror(pin, mirror)) {
    log(`providers: ${pin.source} ${pin.version} already built from these sources in ${mirror}`);
    return target;
  }
  const sourceDir = providerSourceDir();
  const sums = verifyArchives(pin, sourceDir);
  log(`providers: checksums of ${archivesOf(pin).length} archive(s) for ${pin.source} ${pin.version} verified`);
  requireProgram("go");
  mkdirSync(cacheDir(), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), "provider-build-"));
  try {
    const providerDir = extract(join(sourceDir, pin.sourceArchive), work);
    for (const [module, archive] of Object.entries(pin.replacedModules)) {
      run("go", ["mod", "edit", `-replace=${module}=${extract(join(sourceDir, archive), work)}`], { cwd: providerDir });
    }
    const built = join(work, basename(target));
    log(
      `providers: building ${pin.source} ${pin.version} with ${run("go", ["version"]).trim()} (minutes with a cold Go cache)`,
    );
    const started = Date.now();
    await runWithProgress(
      "go",
      ["build", "-trimpath", "-o", built, "."],
      { cwd: providerDir, env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" } },
      `${pin.source} ${pin.version}`,
      log,
    );
    mkdirSync(dirname(target), { recursive: true });
    renameSync(built, target);
    mkdirSync(dirname(stampPath(pin)), { recursive: true });
    writeFileSync(stampPath(pin), sums);
    log(
      `providers: built ${pin.source} ${pin.version} in ${((Date.now() - started) / 1000).toFixed(1)} s into ${target}`,
    );
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Terraform's service discovery document of the public registry (remote service discovery: every Terraform host
 * answers `/.well-known/terraform.json`): where it answers, `terraform providers mirror` can download the providers.
 */
const REGISTRY_DISCOVERY = `https://${TERRAFORM_HOST}/.well-known/terraform.json`;

/** Whether the public Terraform registry answers here (a GitHub runner), within timeoutMs. */
export function registryReachable(timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const request = get(REGISTRY_DISCOVERY, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolvePromise(response.statusCode === 200);
    });
    request.once("timeout", () => request.destroy());
    request.once("error", () => resolvePromise(false));
  });
}

/**
 * Terraform's unpacked mirror layout from the packed one `terraform providers mirror` writes
 * (`<host>/<namespace>/<type>/terraform-provider-<type>_<version>_<platform>.zip`): each zip extracted, its binary
 * renamed to mirrorBinaryPath (the confluent zip names it without the `v`, its .goreleaser.yml) and stamped as a
 * registry download.
 */
export function unpackIntoMirror(packed: string, pins: readonly ProviderBuildPin[], mirror: string, log: Log): void {
  for (const pin of pins) {
    const [namespace, type] = pin.source.split("/");
    const zip = join(
      packed,
      TERRAFORM_HOST,
      namespace,
      type,
      `terraform-provider-${type}_${pin.version}_linux_amd64.zip`,
    );
    if (!existsSync(zip)) throw new CommandError(`terraform providers mirror left no ${zip}`);
    const unzipped = join(packed, `unzipped-${type}`);
    run("unzip", ["-o", "-q", zip, "-d", unzipped]);
    const binary = readdirSync(unzipped).find((f) => f.startsWith(`terraform-provider-${type}`));
    if (!binary) throw new CommandError(`${zip} holds no terraform-provider-${type} binary`);
    const target = mirrorBinaryPath(mirror, pin);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(unzipped, binary), target);
    mkdirSync(dirname(stampPath(pin)), { recursive: true });
    const sum = createHash("sha256").update(readFileSync(zip)).digest("hex");
    writeFileSync(stampPath(pin), `${REGISTRY_STAMP}: ${sum}  ${basename(zip)}`);
    log(`providers: ${pin.source} ${pin.version} from the Terraform registry into ${target}`);
  }
}

/**
 * Downloads the pinned releases with `terraform providers mirror` (which checks them against the registry's signed
 * checksums) and unpacks them into the mirror. Seconds, where building takes minutes.
 */
export async function downloadProvidersIntoMirror(
  pins: readonly ProviderBuildPin[],
  mirror = mirrorDir(),
  log: Log = console.log,
): Promise<void> {
  requireProgram("terraform");
  requireProgram("unzip");
  mkdirSync(cacheDir(), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), "provider-download-"));
  try {
    const requiredProviders = Object.fromEntries(
      pins.map((p) => [p.source.split("/")[1], { source: p.source, version: `= ${p.version}` }]),
    );
    writeFileSync(join(work, "main.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
    const what = pins.map((p) => `${p.source} ${p.version}`).join(", ");
    log(`providers: terraform providers mirror of ${what} from the Terraform registry`);
    await runWithProgress(
      "terraform",
      ["providers", "mirror", "-platform=linux_amd64", join(work, "packed")],
      { cwd: work, env: terraformEnv() },
      "terraform providers mirror",
      log,
      "downloading",
    );
    unpackIntoMirror(join(work, "packed"), pins, mirror, log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Why the pinned providers cannot be put into the mirror here, with what to install; undefined when they can
 * (from the registry where it is reachable, else built from the provider sources with Go).
 */
export function mirrorBlocker(reachable: boolean): string | undefined {
  if (!programPresent("terraform")) return PROGRAMS.terraform.missing;
  if (reachable) return programPresent("unzip") ? undefined : PROGRAMS.unzip.missing;
  const sums = join(providerSourceDir(), "SHA256SUMS");
  if (!existsSync(sums))
    return `the Terraform registry is not reachable and the provider sources are not at ${providerSourceDir()} (no SHA256SUMS): put them there or point CDC_ROUTING_PROVIDER_SRC at them`;
  if (!programPresent("go")) return `the Terraform registry is not reachable and ${PROGRAMS.go.missing}`;
  return undefined;
}

/**
 * The pinned providers missing from the mirror, downloaded from the registry where it is reachable, else built
 * from the provider sources. Throws a CommandError naming what is missing.
 */
export async function fillMirror(
  pins: readonly ProviderBuildPin[],
  reachable: boolean,
  mirror = mirrorDir(),
  log: Log = console.log,
): Promise<void> {
  const missing = pins.filter((p) => !isInMirror(p, mirror));
  if (missing.length === 0) return;
  const blocker = mirrorBlocker(reachable);
  if (blocker) throw new CommandError(blocker);
  if (reachable) await downloadProvidersIntoMirror(missing, mirror, log);
  else for (const pin of missing) await buildProviderIntoMirror(pin, mirror, log);
}

/**
 * What the test runs set for every terraform and provider they start, each setting unless the caller set it (or,
 * for the SDK's logs, asked for logs with TF_LOG or TF_LOG_PROVIDER). Each was measured on a `terraform plan` of dev
 * on the double by `npm run bench:terraform-cpu` (docs/performance.md, End-to-end suite); the e2e suites run
 * terraform some 170 times.
 */
export const TEST_RUN_TERRAFORM_SETTINGS = {
  // Go's garbage collector target (Go's default is 100): less CPU for more memory (terraform's peak 85 to 120 MB).
  GOGC: "400",
  // The plugin SDK's own trace logs, some 2,000 lines a plan of dev that the provider writes and terraform reads
  // and drops unless asked to show them (terraform-plugin-log's TF_LOG_SDK).
  TF_LOG_SDK: "off",
  // No mutual TLS on the local channel between terraform and a provider, whose every start generated a P-521 key on
  // both sides. The plugin SDK's own acceptance tests run terraform so; Terraform advises end users against it, so
  // only test runs set it.
  TF_DISABLE_PLUGIN_TLS: "1",
} as const;

/** The test runs' settings that `env` does not set itself (nor asks to override: logs asked for stay on). */
export function testRunTerraformSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const logsAskedFor = Boolean(env.TF_LOG || env.TF_LOG_PROVIDER);
  return Object.fromEntries(
    Object.entries(TEST_RUN_TERRAFORM_SETTINGS).filter(
      ([name]) => env[name] === undefined && !(logsAskedFor && name === "TF_LOG_SDK"),
    ),
  );
}

/** Environment for the Terraform CLI: no telemetry, no user CLI config that might point elsewhere. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...extra };
  delete env.TF_CLI_CONFIG_FILE;
  return env;
}

/** Writes a scratch configuration requiring exactly these providers and runs `terraform init` offline. */
export function initScratchConfig(pins: readonly ProviderBuildPin[], mirror = mirrorDir()): string {
  const dir = mkdtempSync(join(tmpdir(), "cdc-routing-tf-"));
  const requiredProviders = Object.fromEntries(
    pins.map((p) => [p.source.split("/")[1], { source: p.source, version: `= ${p.version}` }]),
  );
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  terraformInit(dir, mirror);
  return dir;
}

export function terraformInit(dir: string, mirror = mirrorDir()): void {
  const start = Date.now();
  run("terraform", ["init", "-input=false", "-backend=false", `-plugin-dir=${mirror}`], {
    cwd: dir,
    env: terraformEnv(),
  });
  recordTiming("command", "terraform init", start);
}

export function terraform(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return run("terraform", args, { cwd: dir, env: terraformEnv(env) });
}

/** Exit status and output, for commands whose status means something (`plan -detailed-exitcode`: 0 none, 2 changes). */
export function terraformStatus(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; output: string } {
  const res = spawnSync("terraform", args, {
    cwd: dir,
    env: terraformEnv(env),
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (res.error) throw new CommandError(`terraform could not start: ${res.error.message}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** Terraform's own error blocks (from the first "Error:"; without the echoed source lines), or its last lines. */
export function terraformErrors(output: string): string {
  const at = output.indexOf("Error:");
  const text = at >= 0 ? output.slice(at) : output.split("\n").slice(-20).join("\n");
  return text
    .split("\n")
    .filter((line) => !/^\s+\d+: /.test(line))
    .join("\n")
    .trim();
}

/** `terraform providers schema -json` of the built providers (throws when one is not in the mirror). */
export function dumpProviderSchemas(pins: readonly ProviderBuildPin[], mirror = mirrorDir()): string {
  const dir = initScratchConfig(pins, mirror);
  try {
    return terraform(dir, ["providers", "schema", "-json"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
