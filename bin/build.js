/**
 * The project's TypeScript, compiled once and never stale: every entry point (bin/cdc-routing.js, bin/run.js and
 * the npm scripts through it, cdktf.json's app) runs the JavaScript of `.compiled/<build>/`, where <build> is a
 * hash of every source's path and content, of this file and of the versions of esbuild and the bundled packages.
 * Each call hashes the sources (about 10 ms); a build that does not exist yet is made first: esbuild compiles the
 * sources no earlier build compiled (the whole tree the first time, about 0.3 s on a quiet machine) and the other
 * modules are copied from those kept in node_modules/.cache (moduleCacheDir).
 *   node bin/build.js      compile now if anything changed (npm run build; npm ci runs it from `prepare`)
 *
 * Why per file and not a bundle per entry point: modules keep their own identity, so `require.main === module`
 * guards and lazy imports behave as they do under tsx and jest. Why content-addressed folders: a build is written
 * to a temporary folder and renamed into place, so two processes compiling at once both end up with a complete
 * build, and a running process never sees its modules replaced under it (a later lazy import still finds them).
 */
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** Where builds go (gitignored); one folder per build. */
const OUT = ".compiled";
/** Folders that hold no source to compile (tests run from sources through @swc/jest). */
const SKIPPED = new Set(["node_modules", "__tests__", "cdktf.out", "coverage", ".git", OUT]);
/**
 * Packages loaded by the compiled code from one bundled file each (`.compiled/<build>/node_modules/<name>.js`,
 * found before the installed package by Node's lookup from the compiled modules): zod and yaml are 95 and 72
 * files, and loading them as one file each took about a quarter off `cdc-routing validate`'s CPU time. Only
 * packages the code uses through their main entry and whose objects no other dependency hands to our code.
 */
const BUNDLED_PACKAGES = ["yaml", "zod"];
/**
 * Packages bundled because Node's require cannot load them as installed: dt-sql-parser (a development dependency,
 * used by bench:sql's syntax check) ships ES modules with directory imports. Skipped where not installed.
 */
const ESM_PACKAGES = ["dt-sql-parser"];
/** A build (or set of bundles) unused this long is deleted when a new one is written. */
const UNUSED_MS = 24 * 60 * 60 * 1000;

/** Every TypeScript source under root (the generated bindings in .gen included), sorted, relative, `/`-separated. */
function sourceFiles(root = ROOT) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // Hidden folders are tool state (.terraform, .offline-plan), except the generated bindings.
        if (!SKIPPED.has(entry.name) && (!entry.name.startsWith(".") || entry.name === ".gen")) walk(rel);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.ts"))
        found.push(rel);
    }
  };
  walk("");
  return found.sort();
}

/** The packages of names that are installed under root. */
const installed = (root, names) =>
  names.filter((name) => fs.existsSync(path.join(root, "node_modules", name, "package.json")));

const packageVersion = (root, name) =>
  JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;

/** The build's name: changes when any source, its path, this builder, esbuild or a bundled package changes. */
function buildId(root, files) {
  const hash = createHash("sha256");
  for (const name of ["esbuild", ...BUNDLED_PACKAGES, ...installed(root, ESM_PACKAGES)])
    hash.update(`${name}@${packageVersion(root, name)}\0`);
  hash.update(fs.readFileSync(__filename));
  for (const file of files) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(root, file)));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Compiles files into dir, one JavaScript module per source at the same relative path. Code that reads files
 * beside its source (`join(__dirname, "sql", ...)`) gets the source's folder: __dirname and __filename are the
 * source's, found by dropping the `.compiled/<build>` segment of the compiled file's own path.
 */
function compile(root, files, dir) {
  const bundles = ensureBundles(root);
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const file of fs.readdirSync(bundles))
    fs.copyFileSync(path.join(bundles, file), path.join(dir, "node_modules", file));
  const cache = moduleCacheDir(root);
  const keys = new Map(files.map((file) => [file, moduleKey(root, file)]));
  const missing = files.filter((file) => !copyKeptModule(cache, keys.get(file), file, dir));
  if (missing.length > 0) {
    compileModules(root, missing, dir);
    keepModules(cache, keys, missing, dir);
  }
  return { modules: files.length, compiled: missing.length };
}

/**
 * Compiled modules kept from one build to the next (node_modules/.cache/cdc-routing-modules/<builder>/), each named
 * by its source's path and content: a build compiles only the sources no earlier build compiled and copies the
 * other modules, so a change to one source compiles one module. <builder> hashes what else decides a module's
 * output: this file (esbuild's options), esbuild's version and tsconfig.json.
 */
function moduleCacheDir(root) {
  const hash = createHash("sha256").update(fs.readFileSync(__filename));
  hash.update(`\0esbuild@${packageVersion(root, "esbuild")}\0`);
  const tsconfig = path.join(root, "tsconfig.json");
  if (fs.existsSync(tsconfig)) hash.update(fs.readFileSync(tsconfig));
  return path.join(root, "node_modules", ".cache", "cdc-routing-modules", hash.digest("hex").slice(0, 16));
}

/** A compiled module's two files (the module and its source map), relative to a build's folder. */
const moduleFiles = (file) => {
  const js = file.replace(/\.ts$/, ".js");
  return [js, `${js}.map`];
};

/** A kept module's two files in the cache (the module and its source map), as moduleFiles names them in a build. */
const keptFiles = (cache, key) => [path.join(cache, `${key}.js`), path.join(cache, `${key}.js.map`)];

/** The name of file's kept module: its path and content. */
const moduleKey = (root, file) =>
  createHash("sha256")
    .update(`${file}\0`)
    .update(fs.readFileSync(path.join(root, file)))
    .digest("hex")
    .slice(0, 32);

/** Copies file's kept module into the build; false when there is none (or another process just pruned it). */
function copyKeptModule(cache, key, file, dir) {
  const [js, map] = moduleFiles(file);
  const [keptJs, keptMap] = keptFiles(cache, key);
  try {
    fs.mkdirSync(path.dirname(path.join(dir, js)), { recursive: true });
    fs.copyFileSync(keptJs, path.join(dir, js));
    // The map is kept last (keepModules): with it, the module is complete. Touched: a kept module in use stays.
    fs.copyFileSync(keptMap, path.join(dir, map));
    const now = new Date();
    fs.utimesSync(keptMap, now, now);
    return true;
  } catch {
    return false;
  }
}

/** Keeps the modules of files just compiled into dir; then deletes kept modules unused for UNUSED_MS. */
function keepModules(cache, keys, files, dir) {
  const made = !fs.existsSync(cache);
  fs.mkdirSync(cache, { recursive: true });
  for (const file of files) {
    const kept = keptFiles(cache, keys.get(file));
    // Under a temporary name, then renamed (the map last): another process never copies half a module.
    moduleFiles(file).forEach((out, i) => {
      const temporary = `${kept[i]}.tmp-${process.pid}`;
      fs.copyFileSync(path.join(dir, out), temporary);
      fs.renameSync(temporary, kept[i]);
    });
  }
  if (made) pruneUnused(path.dirname(cache), path.basename(cache));
  const now = Date.now();
  for (const name of fs.readdirSync(cache)) {
    const kept = path.join(cache, name);
    try {
      // A module goes with its map (the map is what a build touches); a temporary file, of a process that died.
      const files = name.endsWith(".map") ? [kept, kept.replace(/\.map$/, "")] : name.includes(".tmp-") ? [kept] : [];
      if (files.length > 0 && now - fs.statSync(kept).mtimeMs > UNUSED_MS)
        for (const file of files) fs.rmSync(file, { force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

/** esbuild on files, one module per source into dir (see compile). */
function compileModules(root, files, dir) {
  const esbuild = require("esbuild");
  esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: files,
    outdir: dir,
    outbase: ".",
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    // import() becomes require() (the packages the sources import lazily are CommonJS): bin/code-cache.js compiles
    // modules with vm.Script, whose import() Node 20 serves only behind an experimental loader option.
    supported: { "dynamic-import": false },
    logLevel: "error",
    define: { __dirname: "__sourceDirname", __filename: "__sourceFilename" },
    banner: {
      // "use strict" first again: a banner before esbuild's own directive would turn strict mode off.
      js: [
        '"use strict";',
        'const __sourceFilename = __filename.replace(/[\\\\/]\\.compiled[\\\\/][^\\\\/]+(?=[\\\\/])/, "").replace(/\\.js$/, ".ts");',
        'const __sourceDirname = require("node:path").dirname(__sourceFilename);',
      ].join("\n"),
    },
  });
}

/**
 * The bundled packages (`<name>.js` each), made once per install and kept in node_modules/.cache: they change with
 * the installed packages and this builder, not with the sources (dt-sql-parser alone is 15 MB of parsers to
 * bundle). A build copies them into its own node_modules/ (copies, not links: a module's path stays inside the
 * build, where bin/code-cache.js keeps its code cache).
 */
function ensureBundles(root) {
  const names = [...BUNDLED_PACKAGES, ...installed(root, ESM_PACKAGES)];
  const hash = createHash("sha256").update(fs.readFileSync(__filename));
  for (const name of ["esbuild", ...names]) hash.update(`\0${name}@${packageVersion(root, name)}`);
  const bundlesRoot = path.join(root, "node_modules", ".cache", "cdc-routing-bundles");
  return inPlaceOnce(bundlesRoot, hash.digest("hex").slice(0, 16), (work) => {
    const esbuild = require("esbuild");
    for (const name of names)
      esbuild.buildSync({
        absWorkingDir: root,
        entryPoints: [require.resolve(name, { paths: [root] })],
        outfile: path.join(work, `${name}.js`),
        bundle: true,
        format: "cjs",
        platform: "node",
        target: "node20",
        logLevel: "error",
      });
  }).dir;
}

/**
 * `<parent>/<id>`, made by make(<a temporary sibling>) and renamed into place unless it exists (then touched: a
 * folder is in use); two processes making it at once both end up with a complete one. Siblings unused for
 * UNUSED_MS are deleted when a new one is made.
 * @returns {{ dir: string, made: boolean }} made: whether this call made it
 */
function inPlaceOnce(parent, id, make) {
  const dir = path.join(parent, id);
  if (fs.existsSync(dir)) {
    const now = new Date();
    fs.utimesSync(dir, now, now);
    return { dir, made: false };
  }
  fs.mkdirSync(parent, { recursive: true });
  // A sibling of the final folder, so the rename below never crosses file systems and keeps relative depths.
  const temporary = fs.mkdtempSync(path.join(parent, `${id}.tmp-`));
  try {
    make(temporary);
    fs.renameSync(temporary, dir);
  } catch (e) {
    fs.rmSync(temporary, { recursive: true, force: true });
    // Another process renamed the same folder into place first: its folder is this one.
    if (!fs.existsSync(dir)) throw e;
    return { dir, made: false };
  }
  pruneUnused(parent, id);
  return { dir, made: true };
}

/** Deletes the folders of parent other than keep unused for UNUSED_MS (a build is touched on every run). */
function pruneUnused(parent, keep) {
  for (const name of fs.readdirSync(parent)) {
    if (name === keep) continue;
    const dir = path.join(parent, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > UNUSED_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

/**
 * The folder of the current build of root's sources, compiled first if it does not exist yet.
 * @returns {{ dir: string, compiled: boolean, modules?: { modules: number, compiled: number } }} compiled: whether
 *   this call built it; modules: then how many modules it had and how many it compiled (the others were kept)
 */
function ensureBuilt(root = ROOT) {
  const files = sourceFiles(root);
  let modules;
  const { dir, made } = inPlaceOnce(path.join(root, OUT), buildId(root, files), (work) => {
    modules = compile(root, files, work);
  });
  return { dir, compiled: made, modules: made ? modules : undefined };
}

/**
 * The compiled module of a TypeScript entry point (a path relative to root, or absolute), built if needed.
 * codeCache: this process loads the build's modules through V8's code cache from now on (bin/code-cache.js); what
 * the launchers ask for, not tools that only want the path.
 */
function compiledEntry(entry, root = ROOT, { codeCache = false } = {}) {
  const rel = path.relative(root, path.resolve(root, entry));
  if (rel.startsWith("..") || path.isAbsolute(rel) || !rel.endsWith(".ts"))
    throw new Error(`${entry}: not a TypeScript file of ${root}`);
  const { dir } = ensureBuilt(root);
  const file = path.join(dir, rel.replace(/\.ts$/, ".js"));
  if (!fs.existsSync(file)) throw new Error(`${entry}: no such source in ${root}`);
  if (codeCache) require("./code-cache").installCodeCache(dir, { packages: true });
  return file;
}

/** The kept module of a source as it is now (its two files, which may not exist yet). */
const keptModule = (root, file) => keptFiles(moduleCacheDir(root), moduleKey(root, file));

module.exports = { OUT, sourceFiles, buildId, ensureBuilt, compiledEntry, moduleCacheDir, keptModule };

if (require.main === module) {
  const started = Date.now();
  const { dir, modules } = ensureBuilt();
  const done = modules
    ? `built in ${Date.now() - started} ms (${modules.compiled} of ${modules.modules} modules compiled, ${modules.modules - modules.compiled} kept)`
    : "up to date";
  console.error(`${path.relative(process.cwd(), dir)}: ${done}`);
}
