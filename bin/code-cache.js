/**
 * V8's code cache for the compiled build (bin/build.js): a module of `.compiled/<build>/` is compiled by V8 from
 * the bytecode an earlier process left in `.compiled/<build>/.v8-code-cache/`, not from its source text again.
 * The bytecode is taken at the writing process's exit, so it holds every function that process ran, not only the
 * top level V8 compiles eagerly: a cold `cdc-routing validate` spends much of its time compiling yaml's and
 * zod's functions on first call. Node 22 has this built in (module.enableCompileCache); Node 20, the project's
 * runtime, does not.
 *
 * Never stale: a build's folder is content-addressed and never changes, and V8 rejects bytecode of another V8
 * version or other flags (then this process writes it anew). A cache file is written to a temporary name and
 * renamed, so a process never reads a half-written one; two processes writing at once both write whole files.
 * CDC_ROUTING_CODE_CACHE=off turns it off.
 */
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

const cacheFileOf = (buildDir, filename) => path.join(buildDir, CACHE_DIR, `${path.relative(buildDir, filename)}.bin`);

function writeAtomically(file, data) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch {
    // A read-only checkout: the next process compiles from source, as without the cache.
  }
}

/** Compiles the modules of buildDir through the code cache from now on in this process. */
function installCodeCache(buildDir) {
  if (process.env.CDC_ROUTING_CODE_CACHE === "off") return;
  const prefix = buildDir + path.sep;
  const toWrite = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCodeCache(content, filename) {
    if (!filename.startsWith(prefix) || !filename.endsWith(".js")) return compile.call(this, content, filename);
    const cacheFile = cacheFileOf(buildDir, filename);
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
    for (const { script, cacheFile } of toWrite) writeAtomically(cacheFile, script.createCachedData());
  });
}

module.exports = { CACHE_DIR, installCodeCache };
