/**
 * Class data sharing (CDS) for the local engines' JVMs: a JVM's classes are loaded from an archive that an earlier
 * start of the same JVM wrote at its exit (`-XX:ArchiveClassesAtExit`, Java 13+), instead of being read, parsed
 * and verified again (npm run bench:jvm-starts; docs/performance.md, End-to-end suite). One archive per Java,
 * classpath, main class and JVM option set, in the cache beside the jars.
 *
 * A JVM maps its archive without checking it through, and one cut short crashes it (SIGBUS): a JVM writes its
 * archive under a name of its own, and that file becomes the archive only once the JVM ended with an exit code
 * (not killed by a signal, e.g. SIGKILL, which can cut the writing short).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "./jars";
import { javaVersion } from "./processes";

/** CDC_ROUTING_CLASS_DATA_SHARING=off starts every JVM without an archive. */
export const CLASS_DATA_SHARING_ENV = "CDC_ROUTING_CLASS_DATA_SHARING";

export interface ClassDataSharing {
  /** The JVM's options with the archive's (to use it, or to write it at exit) before the main class. */
  args: string[];
  /** Call with the JVM's exit code and signal: a complete archive written at exit becomes the shared one. */
  exited(code: number | null, signal: NodeJS.Signals | null): void;
  /** Whether this JVM writes the archive at its exit. */
  writing: boolean;
}

/**
 * How long a stopped JVM that writes its archive may take to exit. A Flink runner's archive (about 100 MB with the
 * planner and Pekko) took 8.5 s to write on the quiet machine (2026-12-06 22:58 UTC), beyond the usual 10 s grace
 * under load: the runner was killed and no archive was ever kept.
 */
export const ARCHIVE_WRITING_GRACE_MS = 120_000;

/**
 * Where the archives are kept: beside the jars, outside git. The folder's generation changes with what the archives
 * are written from (engine-archives.ts), so archives written from less are not mapped: 2 since the Flink archives
 * hold the routing job's classes.
 */
export function archiveDir(): string {
  return join(cacheRoot(), "cds-2");
}

/** The archive's identity: what makes another JVM's classes differ (not its temp dirs or program arguments). */
export function archiveKey(javaVersion: string, args: readonly string[]): string | undefined {
  const cp = args.indexOf("-cp");
  if (cp < 0 || cp + 1 >= args.length) return undefined;
  const main = args.slice(cp + 2).find((a) => !a.startsWith("-"));
  if (!main) return undefined;
  const options = args.filter((a) => a.startsWith("-XX:") || a.startsWith("-Xmx") || a.startsWith("--add-"));
  return createHash("sha256")
    .update(JSON.stringify([javaVersion, args[cp + 1], main, options]))
    .digest("hex")
    .slice(0, 16);
}

/** The JVM arguments with an archive (used, or written at exit), or unchanged where none applies. */
export function classDataSharing(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  version: string = javaVersion(),
): ClassDataSharing {
  const key = archiveKey(version, args);
  if (!key || env[CLASS_DATA_SHARING_ENV] === "off")
    return { args: [...args], exited: () => undefined, writing: false };
  const dir = archiveDir();
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, `${key}.jsa`);
  // Before the classpath: the archive options are the JVM's, not the program's. CDS's own notices stay off stdout.
  const at = args.indexOf("-cp");
  const withOptions = (options: string[]) => [...args.slice(0, at), ...options, ...args.slice(at)];
  const quiet = ["-Xlog:cds=off", "-Xlog:cds+dynamic=off"];
  if (existsSync(archive))
    return {
      args: withOptions([...quiet, `-XX:SharedArchiveFile=${archive}`]),
      exited: () => undefined,
      writing: false,
    };
  const written = join(dir, `${key}.${randomBytes(6).toString("hex")}.writing`);
  return {
    args: withOptions([...quiet, `-XX:ArchiveClassesAtExit=${written}`]),
    exited: (code) => {
      if (!existsSync(written)) return;
      // No exit code: ended by a signal it did not handle (SIGKILL among them), which can cut the writing short.
      if (code === null) rmSync(written, { force: true });
      // Atomic: a JVM starting meanwhile maps either no archive or a whole one.
      else renameSync(written, archive);
    },
    writing: true,
  };
}

/** A JVM service's `args`, `onExit` and `stopGraceMs` (local/processes.ts ServiceSpec) with class data sharing. */
export function sharedClasses(args: readonly string[]): {
  args: string[];
  onExit: ClassDataSharing["exited"];
  stopGraceMs?: number;
} {
  const cds = classDataSharing(args);
  return { args: cds.args, onExit: cds.exited, stopGraceMs: cds.writing ? ARCHIVE_WRITING_GRACE_MS : undefined };
}
