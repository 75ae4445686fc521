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
 *   `node_modules/.cache/cdc-routing-v8-code-cache-<options>/`, each named by its file's path, inode, size and
 *   times (cacheLocation), so a changed or reinstalled file never runs from an older text's bytecode. ES modules,
 *   by extension, by package type or by their syntax, are left to Node.
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
const DYNAMIC_IMPORT = /\bimport\s*\(/g;

/**
 * Whether a file's text calls import(). A vm.Script has no loader for import() (on Node 20 only an experimental one,
 * and it is lost when the script comes from cached bytecode), so such a file is left to Node. The pattern alone also
 * matches text in strings and comments (React's messages in cdktf's CLI, JSDoc's `import('./x')` types); esbuild
 * tells them apart: told the target has no import(), it rewrites every call into require(); strings it leaves as they
 * are, and comments it drops either way. Done once per file, at its first run. The build's modules have none:
 * bin/build.js has esbuild rewrite them.
 */
function callsImport(content) {
  const count = (text) => text.match(DYNAMIC_IMPORT)?.length ?? 0;
  const found = count(content);
  if (found === 0) return false;
  try {
    const { transformSync } = require("esbuild");
    const printed = (supported) => transformSync(content, { loader: "js", supported, logLevel: "silent" }).code;
    return count(printed({})) !== count(printed({ "dynamic-import": false }));
  } catch {
    return true;
  }
}

/** A package file to compile as Node does, decided once (a marker file beside its bytecode's name). */
function leftToNode(content, marker) {
  if (fs.existsSync(marker)) return true;
  if (!callsImport(content)) return false;
  try {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, "");
  } catch {
    // Not writable: decided again next time.
  }
  return true;
}

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

/** A Node version and compiler options (this process's by default), as the suffix of cache folders' names. */
function optionsKey(version = process.version, options = compilerOptions()) {
  const key = [version, ...options].join("\0");
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** A module's cache file: its path in the build, one folder level (see writeAll). */
const cacheFileName = (relativePath) => `${encodeURIComponent(relativePath.split(path.sep).join("/"))}.bin`;

/**
 * Takes each script's bytecode and writes it under a temporary name, renamed into place. A build's folder is made
 * without `recursive`: a build deleted while this process ran (bin/build.js prunes builds unused for a day) must not
 * reappear holding only a cache, which bin/build.js would take for a complete build.
 */
function writeAll(cacheDir, scripts, kind) {
  try {
    fs.mkdirSync(cacheDir, { recursive: kind === "package" });
  } catch (e) {
    // Nowhere to write (a read-only install, or the build was deleted): no bytecode is even taken.
    if (e.code !== "EEXIST") return;
  }
  // Not written (a read-only checkout, or the build was deleted): the next process compiles from source.
  for (const { script, cacheFile } of scripts) writeReplacing(cacheFile, script.createCachedData());
}

/**
 * Writes a file under a temporary name of its own beside it and renames it into place, so a process never reads
 * half of one; nothing is left when it cannot be written (a read-only install, its folder deleted meanwhile).
 */
function writeReplacing(file, data) {
  const temporary = path.join(path.dirname(file), `.${randomBytes(8).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(temporary, data, { flag: "wx" });
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * A package file's identity: the node_modules folder it is under (the first of its path) and a hash of its path
 * there, inode, size and modification and change times; undefined for a file outside node_modules. V8 checks only
 * a source's length, and a file written again gets a new change time even when a copy keeps its modification time
 * (`cp -p`, `tar`), so what is kept for one text (bytecode here, bin/deferred-modules.js's export names) is never
 * used for another. `npm ci` removes node_modules, and with it what was kept.
 */
function packageFileIdentity(filename) {
  const at = filename.indexOf(NODE_MODULES);
  if (at < 0) return undefined;
  const nodeModules = filename.slice(0, at + NODE_MODULES.length - 1);
  let stat;
  try {
    stat = fs.statSync(filename, { bigint: true });
  } catch {
    return undefined;
  }
  const identity = [path.relative(nodeModules, filename), stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join("\0");
  return { nodeModules, hash: createHash("sha256").update(identity).digest("hex").slice(0, 24) };
}

/**
 * Where a module's bytecode is kept, or undefined for a module this process does not cache. A build's module is
 * named by its path in the build (the folder never changes); a package's file, in its node_modules' `.cache/`, by
 * its identity (packageFileIdentity), then its file name.
 */
function cacheLocation(filename, { buildDir, packages, options }) {
  if (buildDir && filename.startsWith(buildDir + path.sep))
    return {
      dir: path.join(buildDir, `${CACHE_DIR}-${options}`),
      name: cacheFileName(path.relative(buildDir, filename)),
      kind: "build",
    };
  const identity = packages ? packageFileIdentity(filename) : undefined;
  if (!identity) return undefined;
  return {
    dir: path.join(identity.nodeModules, ".cache", `cdc-routing-v8-code-cache-${options}`),
    name: `${identity.hash}-${encodeURIComponent(path.basename(filename)).slice(0, 100)}.bin`,
    kind: "package",
  };
}

/** What this process compiles through the code cache: its launcher's build, and packages once asked for. */
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
      // Not written yet: a package's file is written only once callsImport has said no.
      if (location.kind === "package" && leftToNode(content, `${cacheFile}.node`))
        return compile.call(this, content, filename, format);
    }
    let script;
    try {
      script = new vm.Script(Module.wrap(content.replace(SHEBANG, "")), { filename, cachedData });
    } catch (e) {
      // A .js file without "type" whose syntax is an ES module's: Node's own compile detects that and loads it as one.
      if (e instanceof SyntaxError && format === undefined) return compile.call(this, content, filename, format);
      throw e;
    }
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, cacheFile, location });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once("exit", () => {
    const byDir = new Map();
    for (const entry of toWrite) {
      const { dir, kind } = entry.location;
      if (!byDir.has(dir)) byDir.set(dir, { kind, scripts: [] });
      byDir.get(dir).scripts.push(entry);
    }
    for (const [dir, { kind, scripts }] of byDir) writeAll(dir, scripts, kind);
  });
}

module.exports = { CACHE_DIR, installCodeCache, optionsKey, packageFileIdentity, writeReplacing };
