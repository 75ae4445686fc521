/**
 * Builds Terraform providers from the Go module proxy into a filesystem mirror outside git, and runs the
 * Terraform CLI against that mirror. Used by the refresh command and by the real-Terraform tests.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderBuildPin } from "./pins";

export const TERRAFORM_HOST = "registry.terraform.io";

export function cacheDir(): string {
  return process.env.CDC_ROUTING_CACHE ?? join(homedir(), ".cache", "cdc-routing");
}

export function mirrorDir(): string {
  return join(cacheDir(), "provider-mirror");
}

/** Path Terraform expects inside a filesystem mirror (`unpacked` layout). */
export function mirrorBinaryPath(mirror: string, pin: ProviderBuildPin, platform = "linux_amd64"): string {
  const [namespace, type] = pin.source.split("/");
  return join(mirror, TERRAFORM_HOST, namespace, type, pin.version, platform, `terraform-provider-${type}_v${pin.version}`);
}

export function isInMirror(pin: ProviderBuildPin, mirror = mirrorDir()): boolean {
  return existsSync(mirrorBinaryPath(mirror, pin));
}

export class CommandError extends Error {}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const res = spawnSync(cmd, args, { ...opts, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (res.error) throw new CommandError(`${cmd} could not start: ${res.error.message}`);
  if (res.status !== 0) {
    throw new CommandError(`${cmd} ${args.join(" ")} exited ${res.status}:\n${(res.stderr || res.stdout).trim()}`);
  }
  return res.stdout;
}

/** Environment for the Terraform CLI: no telemetry, no user CLI config that might point elsewhere. */
export function terraformEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  delete env.TF_CLI_CONFIG_FILE;
  return env;
}

/** `go install` of the provider's main package at the pinned commit, copied into the mirror layout. */
export function buildProviderIntoMirror(pin: ProviderBuildPin, mirror = mirrorDir(), log = console.log): string {
  const target = mirrorBinaryPath(mirror, pin);
  if (existsSync(target)) {
    log(`providers: ${pin.source} ${pin.version} already in ${mirror}`);
    return target;
  }
  const gobin = join(cacheDir(), "gobin", `${pin.source.replace("/", "-")}-${pin.version}`);
  mkdirSync(gobin, { recursive: true });
  log(`providers: building ${pin.goModule}@${pin.goCommit} (${pin.source} ${pin.version}) with Go; this takes minutes`);
  const started = Date.now();
  run("go", ["install", `${pin.goModule}@${pin.goCommit}`], {
    cwd: tmpdir(),
    env: { ...process.env, GOBIN: gobin, GOFLAGS: "-mod=mod", CGO_ENABLED: "0" },
  });
  const binName = pin.goModule.split("/").pop() as string;
  mkdirSync(join(target, ".."), { recursive: true });
  copyFileSync(join(gobin, binName), target);
  chmodSync(target, 0o755);
  log(`providers: built ${pin.source} ${pin.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return target;
}

/** Writes a scratch configuration requiring exactly these providers and runs `terraform init` offline. */
export function initScratchConfig(pins: ProviderBuildPin[], mirror = mirrorDir()): string {
  const dir = mkdtempSync(join(tmpdir(), "cdc-routing-tf-"));
  const requiredProviders = Object.fromEntries(
    pins.map((p) => [p.source.split("/")[1], { source: p.source, version: `= ${p.version}` }]),
  );
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  terraformInit(dir, mirror);
  return dir;
}

export function terraformInit(dir: string, mirror = mirrorDir()): void {
  run("terraform", ["init", "-input=false", "-backend=false", `-plugin-dir=${mirror}`], { cwd: dir, env: terraformEnv() });
}

export function terraform(dir: string, args: string[]): string {
  return run("terraform", args, { cwd: dir, env: terraformEnv() });
}
