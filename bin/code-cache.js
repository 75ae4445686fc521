/**
 * V8's code cache for the compiled build (bin/build.js): a module of `.compiled/<build>/` is compiled by V8 from
 * the bytecode an earlier process left in `.compiled/<build>/.v8-code-cache-<options>/`, not from its source text.
 * The bytecode is taken at the writing process's exit, so it holds every function that process ran, not only the
 * top level V8 compiles eagerly: a cold `cdc-routing validate` spends much of its time compiling yaml's and
 * zod's functions on first call. Node 22 has this built in (module.enableCompileCache); Node 20, the project's
 * runtime, does not.
 *
 * Never stale: a build's folder is content-addressed and never changes, and V8 rejects bytecode of another V8
 * version or other flags (then this process writes it anew). Each Node version and set of options (`npm run` adds
 * .npmrc's node-options, a direct `node bin/run.js` does not) has a folder of its own, so alternating between them
 * does not throw the bytecode away each time. A cache file is written to a temporary name of its own and renamed,
 * so a process never reads a half-written one. The first process to run a module writes its bytecode; functions
 * that process never ran are compiled on first call later, as without a cache. CDC_ROUTING_CODE_CACHE=off turns
 * it off.
 */
const { createHash, randomBytes } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const CACHE_DIR = ".v8-code-cache";
const SHEBANG = /^#!.*/;

/** The require function Node gives a module (lib/internal/modules/helpers.js, makeRequireFunction). */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * The options that can change how V8 compiles: the process's Node and V8 options, without the modules it preloads
 * (`--require`, `--import` and their values), so a preload (a benchmark's CPU probe) shares the folder.
 */
function compilerOptions() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].filter(Boolean);
  const kept = [];
  for (let i = 0; i < given.length; i++) {
    if (["-r", "--require", "--import"].includes(given[i])) i++;
    else if (!/^--(require|import)=/.test(given[i])) kept.push(given[i]);
  }
  return kept;
}

/** This process's cache folder in buildDir: one per Node version and set of compiler options. */
function cacheDirOf(buildDir) {
  const key = [process.version, ...compilerOptions()].join("\0");
  return path.join(buildDir, `${CACHE_DIR}-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`);
}

/** A module's cache file: its path in the build, one folder level (see writeAll). */
const cacheFileName = (relativePath) => `${encodeURIComponent(relativePath.split(path.sep).join("/"))}.bin`;

/**
 * Writes each file under a temporary name and renames it into place. The folder is made without `recursive`: a
 * build deleted while this process ran (bin/build.js prunes builds unused for a day) must not reappear holding
 * only a cache, which bin/build.js would take for a complete build.
 */
function writeAll(cacheDir, files) {
  try {
    fs.mkdirSync(cacheDir);
  } catch (e) {
    if (e.code !== "EEXIST") return;
  }
  for (const { file, data } of files) {
    const temporary = path.join(cacheDir, `.${randomBytes(8).toString("hex")}.tmp`);
    try {
      fs.writeFileSync(temporary, data, { flag: "wx" });
      fs.renameSync(temporary, file);
    } catch {
      // A read-only checkout, or the build was deleted: the next process compiles from source, as without a cache.
      fs.rmSync(temporary, { force: true });
    }
  }
}

/** Compiles the modules of buildDir through the code cache from now on in this process. */
function installCodeCache(buildDir) {
  if (process.env.CDC_ROUTING_CODE_CACHE === "off") return;
  const prefix = buildDir + path.sep;
  const cacheDir = cacheDirOf(buildDir);
  const toWrite = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCodeCache(content, filename) {
    if (!filename.startsWith(prefix) || !filename.endsWith(".js")) return compile.call(this, content, filename);
    const cacheFile = path.join(cacheDir, cacheFileName(path.relative(buildDir, filename)));
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // Not written yet.
    }
    const script = new vm.Script(Module.wrap(content.replace(SHEBANG, "")), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, cacheFile });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once("exit", () => {
    if (toWrite.length > 0)
      writeAll(
        cacheDir,
        toWrite.map(({ script, cacheFile }) => ({ file: cacheFile, data: script.createCachedData() })),
      );
  });
}

module.exports = { CACHE_DIR, installCodeCache };
