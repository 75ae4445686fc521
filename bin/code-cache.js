/**
 * V8's code cache: a module is compiled by V8 from the bytecode an earlier process left, not from its source text.
 * The bytecode is taken at the writing process's exit, so it holds every function that process ran, not only the
 * top level V8 compiles eagerly: a cold `cdc-routing validate` spends much of its time compiling yaml's and zod's
 * functions on first call, and cdktf's CLI most of its start-up compiling its packages. Node 22 has this built in
 * (module.enableCompileCache); Node 20, the project's runtime, does not. Two kinds of module:
 *
 * - the compiled build (bin/build.js), in `.compiled/<build>/.v8-code-cache-<options>/`: a build's folder is
 *   content-addressed and never changes;
 * - packages' CommonJS files (the launchers, and cdktf's CLI through cli/telemetry-off), in
 *   `node_modules/.cache/cdc-routing-v8-code-cache-<options>/`, each named by its file's path, size and
 *   modification time, so a changed or reinstalled file never runs from an older file's bytecode.
 *
 * V8 rejects bytecode of another V8 version or other flags (then this process writes it anew). Each Node version
 * and set of options (`npm run` adds .npmrc's node-options, a direct `node bin/run.js` does not) has a folder of its
 * own, so alternating between them does not throw the bytecode away each time. A cache file is written to a
 * temporary name of its own and renamed, so a process never reads a half-written one. The first process to run a
 * module writes its bytecode; functions that process never ran are compiled on first call later, as without a
 * cache. CDC_ROUTING_CODE_CACHE=off turns it off.
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

/** This process's Node version and compiler options, as the suffix of its cache folders' names. */
function optionsKey() {
  const key = [process.version, ...compilerOptions()].join("\0");
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** A module's cache file: its path in the build, one folder level (see writeAll). */
const cacheFileName = (relativePath) => `${encodeURIComponent(relativePath.split(path.sep).join("/"))}.bin`;

/**
 * Writes each file under a temporary name and renames it into place. A build's folder is made without
 * `recursive`: a build deleted while this process ran (bin/build.js prunes builds unused for a day) must not
 * reappear holding only a cache, which bin/build.js would take for a complete build.
 */
function writeAll(cacheDir, files, { recursive }) {
  try {
    fs.mkdirSync(cacheDir, { recursive });
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

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * Where a module's bytecode is kept, or undefined for a module this process does not cache. A build's module is
 * named by its path in the build (the folder never changes). A package's file (under the first node_modules of its
 * path, in its `.cache/`) is named by its path, size and modification time: a package installed again or changed
 * gets a name of its own, so bytecode of an earlier file is never used for it (`npm ci` removes node_modules, and
 * with it the old files).
 */
function cacheLocation(filename, { buildDir, packages, options }) {
  if (buildDir && filename.startsWith(buildDir + path.sep))
    return {
      dir: path.join(buildDir, `${CACHE_DIR}-${options}`),
      name: cacheFileName(path.relative(buildDir, filename)),
      recursive: false,
    };
  const at = packages ? filename.indexOf(NODE_MODULES) : -1;
  if (at < 0) return undefined;
  const nodeModules = filename.slice(0, at + NODE_MODULES.length - 1);
  let stat;
  try {
    stat = fs.statSync(filename);
  } catch {
    return undefined;
  }
  return {
    dir: path.join(nodeModules, ".cache", `cdc-routing-v8-code-cache-${options}`),
    name: `${cacheFileName(path.relative(nodeModules, filename)).slice(0, -".bin".length)}.${stat.size}-${Math.trunc(stat.mtimeMs)}.bin`,
    recursive: true,
  };
}

/** What this process compiles through the code cache (installCodeCache adds to it). */
const scope = { buildDir: undefined, packages: false, options: undefined };

/**
 * Compiles modules through the code cache from now on in this process: the modules of buildDir (a launcher), and
 * with packages, every CommonJS file of a package under node_modules (the launchers, and cdktf's CLI through the
 * preload in cli/telemetry-off: its start-up is mostly compiling some 30 MB of its packages' JavaScript).
 */
function installCodeCache(buildDir, { packages = false } = {}) {
  if (process.env.CDC_ROUTING_CODE_CACHE === "off") return;
  if (buildDir) scope.buildDir = buildDir;
  scope.packages ||= packages;
  if (scope.options) return;
  scope.options = optionsKey();
  const toWrite = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCodeCache(content, filename, format) {
    // ES modules loaded by require() (format "module") compile as modules; only CommonJS gets a function wrapper.
    const location = format === "module" || !/\.c?js$/.test(filename) ? undefined : cacheLocation(filename, scope);
    if (!location) return compile.call(this, content, filename, format);
    const cacheFile = path.join(location.dir, location.name);
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // Not written yet.
    }
    const script = new vm.Script(Module.wrap(content.replace(SHEBANG, "")), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, cacheFile, location });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once("exit", () => {
    const byDir = new Map();
    for (const { script, cacheFile, location } of toWrite) {
      if (!byDir.has(location.dir)) byDir.set(location.dir, { recursive: location.recursive, files: [] });
      byDir.get(location.dir).files.push({ file: cacheFile, data: script.createCachedData() });
    }
    for (const [dir, { recursive, files }] of byDir) writeAll(dir, files, { recursive });
  });
}

module.exports = { CACHE_DIR, installCodeCache };
