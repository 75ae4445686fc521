/**
 * Pinned jars of the local engines, fetched with Maven into a cache outside git. Each component's directory is
 * keyed by the hash of its pom (and runner source), written to a temporary directory and renamed into place
 * when complete, so an interrupted download never leaves a half-filled classpath behind.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { InputError } from "../lib/errors";
import { type Progress, printProgress } from "./processes";

export const COMPONENTS = ["kafka", "connect", "flink", "debezium-2.4"] as const;
export type Component = (typeof COMPONENTS)[number];

const JAVA_DIR = resolve(__dirname, "java");

export function cacheRoot(): string {
  return process.env.CDC_ROUTING_CACHE ?? join(homedir(), ".cache", "cdc-routing", "local");
}

/** A JDK tool run to its end; its JVM writes no hsperfdata file, which would stay behind in /tmp. */
function runJdkTool(tool: "jar" | "javac", args: string[], cwd?: string) {
  const command = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/${tool}` : tool;
  return spawnSync(command, ["-J-XX:-UsePerfData", ...args], { cwd, encoding: "utf8" });
}

/** Files under `dir`, depth first in name order (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** What a component's directory derives from: its pom, its Java sources and the resources put beside their classes. */
function componentInputs(component: Component): string[] {
  const dir = join(JAVA_DIR, component);
  return [join(dir, "pom.xml"), ...filesUnder(join(dir, "src")), ...filesUnder(join(dir, "resources"))];
}

/**
 * Jars nested in a fetched jar that go on the classpath themselves: Flink's Pekko RPC system
 * (local/java/flink/src/ClasspathRpcSystemLoader.java says why).
 */
const NESTED_JARS: Partial<Record<Component, { in: RegExp; entry: string }>> = {
  flink: { in: /^flink-rpc-akka-loader-[\d.]+\.jar$/, entry: "flink-rpc-akka.jar" },
};

/** Unpacks `entry` of the jar in `jars` whose name matches `outer` into `jars` (Java's jar tool). */
export function unpackNestedJar(jars: string, outer: RegExp, entry: string): void {
  const outerJar = readdirSync(jars).find((f) => outer.test(f));
  if (!outerJar) throw new InputError(`no jar matching ${outer} in ${jars}`);
  const made = runJdkTool("jar", ["--extract", "--file", outerJar, entry], jars);
  if (made.error || made.status !== 0 || !existsSync(join(jars, entry)))
    throw new InputError(
      `could not unpack ${entry} from ${outerJar}: ${made.error?.message ?? (made.stderr || "no such entry")}`,
    );
}

export function componentDir(component: Component): string {
  const hash = createHash("sha256");
  for (const file of componentInputs(component)) hash.update(readFileSync(file));
  return join(cacheRoot(), `${component}-${hash.digest("hex").slice(0, 12)}`);
}

/** Classpath of a fetched component: its jars, plus compiled classes for components with sources. */
export function classpath(component: Component): string {
  const dir = componentDir(component);
  return [join(dir, "jars", "*"), compiledClasses(dir)].join(":");
}

/**
 * A component's compiled classes as a jar (made once, beside its classes directory): a JVM writes no class data
 * sharing archive (local/class-data-sharing.ts) when its classpath holds a directory that is not empty ("Cannot
 * have non-empty directory in paths", at its exit).
 */
function compiledClasses(dir: string): string {
  const classes = join(dir, "classes");
  const jar = join(dir, "classes.jar");
  if (existsSync(jar)) return jar;
  if (!existsSync(classes) || readdirSync(classes).length === 0) return classes;
  const partial = `${jar}.partial-${process.pid}`;
  const made = runJdkTool("jar", ["--create", "--file", partial, "-C", classes, "."]);
  if (made.error || made.status !== 0) {
    rmSync(partial, { force: true });
    throw new InputError(`jar failed for ${classes}: ${made.error?.message ?? made.stderr}`);
  }
  // Atomic: a worker starting a JVM meanwhile sees no jar (and uses the directory) or the whole jar.
  renameSync(partial, jar);
  return jar;
}

function runMaven(args: string[], component: Component, progress: Progress): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // Maven's JVM without perf data, which would leave /tmp/hsperfdata_<user> behind.
    const env = { ...process.env, MAVEN_OPTS: `-XX:-UsePerfData ${process.env.MAVEN_OPTS ?? ""}`.trim() };
    const child = spawn("mvn", args, { stdio: ["ignore", "pipe", "pipe"], env });
    let downloaded = 0;
    let output = "";
    let lastReport = Date.now();
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      downloaded += (text.match(/Downloaded from/g) ?? []).length;
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        progress(`  ${component}: ${downloaded} artifacts downloaded so far`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (e) =>
      reject(new InputError(`Maven (mvn) is needed to fetch the ${component} jars and could not run: ${e.message}`)),
    );
    child.once("exit", (code) => {
      if (code === 0) {
        progress(`  ${component}: ${downloaded} artifacts downloaded, done`);
        resolvePromise();
      } else {
        reject(
          new InputError(
            `Maven failed to fetch the ${component} jars (exit ${code}):\n${output.split("\n").slice(-30).join("\n")}`,
          ),
        );
      }
    });
  });
}

/** javac on `files` against `classpathText`, into `outDir`. */
function javac(classpathText: string, outDir: string, files: string[], what: string): void {
  const result = runJdkTool("javac", ["-nowarn", "-cp", classpathText, "-d", outDir, ...files]);
  if (result.error || result.status !== 0)
    throw new InputError(`javac failed for ${what}: ${result.error?.message ?? result.stderr}`);
}

function compileSources(component: Component, target: string): void {
  const src = join(JAVA_DIR, component, "src");
  if (!existsSync(src)) return;
  const files = readdirSync(src)
    .filter((f) => f.endsWith(".java"))
    .map((f) => join(src, f));
  javac(join(target, "jars", "*"), join(target, "classes"), files, component);
  const resources = join(JAVA_DIR, component, "resources");
  if (existsSync(resources)) cpSync(resources, join(target, "classes"), { recursive: true });
}

/**
 * A single-file Java program (one public class named as its file) compiled once against a component's classpath, as
 * `java` arguments: `-cp <classpath> <class>`. `java File.java` compiles the source in memory at every start, about 2
 * CPU s, where the compiled class started in 0.3 s (DeleteHandling.java, 2026-12-06). Kept beside the jars under a
 * hash of the source and the component's directory, renamed into place when complete.
 */
export function compiledProgram(component: Component, source: string): string[] {
  const mainClass = basename(source, ".java");
  const hash = createHash("sha256").update(readFileSync(source)).update(componentDir(component));
  const dir = join(cacheRoot(), "programs", `${mainClass}-${hash.digest("hex").slice(0, 12)}`);
  const cp = classpath(component);
  if (!existsSync(dir)) makeDirectoryOnce(dir, (partial) => javac(cp, partial, [source], source));
  return ["-cp", `${cp}:${dir}`, mainClass];
}

/**
 * Makes `dir` whole or not at all: `make` fills `<dir>.partial-<pid>`, which is then renamed to `dir`, so a reader
 * never sees it half-made. Where another process made `dir` first (the rename fails, or `make` did), its result
 * stands: it is as good as this one.
 */
export function makeDirectoryOnce(dir: string, make: (partial: string) => void): void {
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    make(partial);
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
}

/** Fetches (first run) or reuses the component's jars; returns its directory. */
export async function ensureComponent(component: Component, progress: Progress = printProgress): Promise<string> {
  const dir = componentDir(component);
  if (existsSync(join(dir, "complete"))) return dir;
  mkdirSync(cacheRoot(), { recursive: true });
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  progress(`fetching ${component} jars with Maven into ${dir} (first run only)`);
  await runMaven(
    [
      "-B",
      "-f",
      join(JAVA_DIR, component, "pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${join(partial, "jars")}`,
    ],
    component,
    progress,
  );
  const nested = NESTED_JARS[component];
  if (nested) unpackNestedJar(join(partial, "jars"), nested.in, nested.entry);
  compileSources(component, partial);
  mkdirSync(join(partial, "classes"), { recursive: true });
  writeFileSync(join(partial, "complete"), "");
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

export async function ensureAll(progress: Progress = printProgress): Promise<void> {
  for (const component of COMPONENTS) await ensureComponent(component, progress);
}
