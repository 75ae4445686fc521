/**
 * The launcher (bin/build.js, bin/run.js, bin/cdc-routing.js): entry points run the compiled JavaScript, never
 * tsx, and a changed source is compiled before the next run. Each run is its own process, on a copy of the
 * project where a test may change sources.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ensureBuilt, keptModule, moduleCacheDir, OUT } from "../../bin/build";
import { CACHE_DIR, optionsKey } from "../../bin/code-cache";
import { temporaryDirectory } from "../support/helpers";

const root = join(__dirname, "..", "..");
const NOT_COPIED = new Set(["node_modules", ".git", OUT, "cdktf.out", "__tests__", "coverage"]);

/** The project's files (sources, filters, lock, bindings) in a temporary folder, with this project's node_modules. */
function projectCopy(): string {
  const dir = temporaryDirectory("launcher");
  for (const name of readdirSync(root))
    if (!NOT_COPIED.has(name) && !name.startsWith(".offline-plan"))
      cpSync(join(root, name), join(dir, name), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

// Copying the project and compiling it take seconds on a loaded machine.
jest.setTimeout(120_000);

const builds = (project: string): string[] => readdirSync(join(project, OUT)).sort();

/** Runs node with a preload that prints, at exit, every module file the process loaded (one JSON line on stderr). */
function modulesLoaded(cwd: string, args: string[]): { status: number | null; stdout: string; files: string[] } {
  const preload = join(temporaryDirectory("launcher-preload"), "loaded.js");
  writeFileSync(
    preload,
    'process.on("exit", () => process.stderr.write(`\\nLOADED ${JSON.stringify(Object.keys(require.cache))}\\n`));\n',
  );
  const r = spawnSync(process.execPath, ["--require", preload, ...args], { cwd, encoding: "utf8" });
  const line = r.stderr.split("\n").find((l) => l.startsWith("LOADED "));
  if (!line) throw new Error(`no module list from ${args.join(" ")}:\n${r.stderr}`);
  return { status: r.status, stdout: r.stdout, files: JSON.parse(line.slice("LOADED ".length)) as string[] };
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

describe("entry points run the compiled code", () => {
  test("bin/cdc-routing.js validate loads no tsx, no TypeScript source, not cdktf, kafkajs or the API double, and yaml and zod bundled", () => {
    const r = modulesLoaded(root, ["bin/cdc-routing.js", "validate"]);
    expect(r.status).toBe(0);
    expect(r.files.filter((f) => f.endsWith(".ts"))).toEqual([]);
    const packages = new Set(r.files.map(packageOf));
    for (const heavy of ["tsx", "cdktf", "kafkajs", "@cdktf/provider-aws"]) expect(packages.has(heavy)).toBe(false);
    expect(r.files.some((f) => f.includes(`/${OUT}/`) && f.endsWith("/cli/cdc-routing.js"))).toBe(true);
    expect(r.files.some((f) => f.includes("/local/confluent-api/"))).toBe(false);
    // yaml and zod from one bundled file each, not their 72 and 95 files.
    expect(r.files.filter((f) => ["yaml", "zod"].includes(packageOf(f) ?? ""))).toEqual([]);
    expect(r.files.filter((f) => /\/node_modules\/(yaml|zod)\.js$/.test(f))).toHaveLength(2);
  });

  test("bin/run.js runs a script as the main module (its usage on --help), compiled, without tsx", () => {
    const r = modulesLoaded(root, ["bin/run.js", "main.ts", "--help"]);
    expect({ status: r.status, usage: r.stdout.split("\n")[0] }).toEqual({
      status: 0,
      usage: expect.stringMatching(/^usage: npm run synth/),
    });
    expect(r.files.filter((f) => f.endsWith(".ts") || packageOf(f) === "tsx")).toEqual([]);
  });

  test("npm scripts, cdktf.json's app and the workflows run entry points through bin/run.js, not tsx", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(Object.entries(pkg.scripts).filter(([, command]) => /\btsx\b/.test(command))).toEqual([]);
    expect(JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")).app).toBe("node bin/run.js main.ts --all");
    const workflows = execFileSync("git", ["ls-files", ".github"], { cwd: root, encoding: "utf8" }).split("\n");
    const withTsx = workflows.filter((f) => f && /\btsx\b/.test(readFileSync(join(root, f), "utf8")));
    expect(withTsx).toEqual([]);
  });

  test("code that reads files beside its source finds them from the compiled module", () => {
    const { dir } = ensureBuilt(root);
    const constraints = execFileSync(
      process.execPath,
      ["-p", `require(${JSON.stringify(join(dir, "review", "checkov.js"))}).CHECKOV_CONSTRAINTS`],
      { encoding: "utf8" },
    ).trim();
    expect(constraints).toBe(join(root, "review", "checkov-constraints.txt"));
  });
});

describe("the compiled code is never stale", () => {
  test("a changed source is compiled before the next run; an unchanged tree is not compiled again", () => {
    const project = projectCopy();
    const validate = () =>
      spawnSync(process.execPath, ["bin/cdc-routing.js", "validate"], { cwd: project, encoding: "utf8" });
    expect(validate()).toMatchObject({ status: 0, stderr: "filters/filters.yaml: 4 filters valid (4 enabled)\n" });
    const [first] = builds(project);
    expect(validate().status).toBe(0);
    expect(builds(project)).toEqual([first]);

    const cli = join(project, "cli", "cdc-routing.ts");
    writeFileSync(cli, readFileSync(cli, "utf8").replace("filters valid (", "filters checked and valid ("));
    expect(validate()).toMatchObject({
      status: 0,
      stderr: "filters/filters.yaml: 4 filters checked and valid (4 enabled)\n",
    });
    // A module the entry point imports, not only the entry point itself.
    const topicScopes = join(project, "filters", "topic-scopes.ts");
    writeFileSync(
      topicScopes,
      `${readFileSync(topicScopes, "utf8")}\nexport const _probe = (() => { process.stderr.write("recompiled\\n"); return 0; })();\n`,
    );
    expect(validate().stderr).toMatch(/^recompiled\n/);
    expect(builds(project)).toHaveLength(3);
  });

  test("a build compiles only the sources no earlier build compiled, and the modules it keeps are those a compile from scratch writes", () => {
    const project = projectCopy();
    const build = () => {
      const r = spawnSync(process.execPath, ["bin/build.js"], { cwd: project, encoding: "utf8" });
      expect(r.status).toBe(0);
      return /\((\d+) of (\d+) modules compiled/.exec(r.stderr)?.slice(1).map(Number);
    };
    const filesOf = (dir: string) =>
      Object.fromEntries(
        (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name))
          .map((f) => [f.slice(dir.length), readFileSync(f, "utf8")]),
      );
    build();
    // A change no build compiled before (modules are kept in this project's node_modules/.cache, shared by runs).
    const generate = join(project, "flink-sql", "generate.ts");
    writeFileSync(generate, `${readFileSync(generate, "utf8")}\n// changed ${randomBytes(8).toString("hex")}\n`);
    const changedModule = keptModule(project, "flink-sql/generate.ts");
    const tsconfig = join(project, "tsconfig.json");
    let scratchCache: string | undefined;
    // Kept files no build used for two days, and a temporary one a killed build left: a build that compiles prunes them.
    const stale = ["js", "js.map", "js.tmp-1"].map((ext) =>
      join(moduleCacheDir(project), `stale-${process.pid}.${ext}`),
    );
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    mkdirSync(moduleCacheDir(project), { recursive: true });
    for (const file of stale) {
      writeFileSync(file, "");
      utimesSync(file, twoDaysAgo, twoDaysAgo);
    }
    try {
      const [compiled, modules] = build() ?? [];
      expect(compiled).toBe(1);
      expect(stale.filter((file) => existsSync(file))).toEqual([]);
      const { dir } = ensureBuilt(project);
      const incremental = filesOf(dir);
      rmSync(dir, { recursive: true });

      // Another tsconfig.json (the same settings) is another builder: nothing kept, every module compiled anew.
      writeFileSync(tsconfig, `${readFileSync(tsconfig, "utf8")}\n`);
      scratchCache = moduleCacheDir(project);
      expect(build()).toEqual([modules, modules]);
      expect(filesOf(ensureBuilt(project).dir)).toEqual(incremental);
    } finally {
      for (const file of [...changedModule, ...stale]) rmSync(file, { force: true });
      if (scratchCache) rmSync(scratchCache, { recursive: true, force: true });
    }
  });

  test("two processes that compile the same change at once both run, and one complete build is left", async () => {
    const project = projectCopy();
    const exits = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<number | null>((resolve) =>
            spawn(process.execPath, ["bin/run.js", "main.ts", "--help"], { cwd: project, stdio: "ignore" }).once(
              "exit",
              resolve,
            ),
          ),
      ),
    );
    expect(exits).toEqual([0, 0]);
    expect(builds(project)).toHaveLength(1);
  });
});

describe("V8's code cache for the compiled build (bin/code-cache.js)", () => {
  /** The build's cache folders (one per Node version and options), each with its files' modification times. */
  const cacheDirs = (project: string): Map<string, Map<string, number>> => {
    const [build] = builds(project);
    const buildDir = join(project, OUT, build);
    const dirs = readdirSync(buildDir).filter((d) => d.startsWith(`${CACHE_DIR}-`));
    return new Map(
      dirs.map((d) => {
        const files = readdirSync(join(buildDir, d)).filter((f) => f.endsWith(".bin"));
        return [d, new Map(files.map((f) => [f, statSync(join(buildDir, d, f)).mtimeMs]))];
      }),
    );
  };
  const onlyCacheDir = (project: string): Map<string, number> => {
    const dirs = [...cacheDirs(project).values()];
    expect(dirs).toHaveLength(1);
    return dirs[0];
  };
  const { NODE_OPTIONS: _inherited, ...baseEnv } = process.env;
  const validate = (project: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ["bin/cdc-routing.js", "validate"], {
      cwd: project,
      encoding: "utf8",
      env: { ...baseEnv, ...env },
    });
  const VALID = "filters/filters.yaml: 4 filters valid (4 enabled)\n";

  test("the first run leaves bytecode for each compiled module it loaded; the next runs use it and write nothing", () => {
    const project = projectCopy();
    expect(validate(project).status).toBe(0);
    const written = onlyCacheDir(project);
    expect([...written.keys()]).toEqual(
      expect.arrayContaining(["cli%2Fcdc-routing.js.bin", "filters%2Fload.js.bin", "node_modules%2Fyaml.js.bin"]),
    );
    // V8 accepted every file: a rejected one would have been written again.
    expect(validate(project)).toMatchObject({ status: 0, stderr: VALID });
    expect(onlyCacheDir(project)).toEqual(written);
  });

  test("runs with other Node options (npm run's node-options) keep bytecode of their own; a preload shares it", () => {
    const project = projectCopy();
    const npmLike = { NODE_OPTIONS: "--max-old-space-size=4096" };
    expect(validate(project).status).toBe(0);
    expect(validate(project, npmLike).status).toBe(0);
    const written = cacheDirs(project);
    expect(written.size).toBe(2);
    expect(validate(project)).toMatchObject({ status: 0, stderr: VALID });
    expect(validate(project, npmLike)).toMatchObject({ status: 0, stderr: VALID });
    const preload = join(temporaryDirectory("launcher-preload"), "nothing.js");
    writeFileSync(preload, "");
    expect(validate(project, { NODE_OPTIONS: `--require ${preload}` })).toMatchObject({ status: 0, stderr: VALID });
    expect(validate(project, { NODE_OPTIONS: `--max-old-space-size=4096 --require=${preload}` }).status).toBe(0);
    expect(cacheDirs(project)).toEqual(written);
  });

  test("a module that imports lazily with import() runs from source and from its cached bytecode", () => {
    const project = projectCopy();
    writeFileSync(
      join(project, "lazy-probe.ts"),
      'void (async () => { const { parse } = await import("yaml"); const { join } = await import("node:path"); console.log(parse("a: 1").a, typeof join); })();\n',
    );
    const run = () =>
      spawnSync(process.execPath, ["bin/run.js", "lazy-probe.ts"], { cwd: project, encoding: "utf8", env: baseEnv });
    expect(run()).toMatchObject({ status: 0, stdout: "1 function\n", stderr: "" });
    expect(onlyCacheDir(project).has("lazy-probe.js.bin")).toBe(true);
    expect(run()).toMatchObject({ status: 0, stdout: "1 function\n", stderr: "" });
  });

  test("bytecode V8 rejects (another V8, a broken file) is compiled from source and written anew; off writes none", () => {
    const project = projectCopy();
    expect(validate(project, { CDC_ROUTING_CODE_CACHE: "off" }).status).toBe(0);
    expect(cacheDirs(project).size).toBe(0);

    expect(validate(project).status).toBe(0);
    const [build] = builds(project);
    const [dir] = [...cacheDirs(project).keys()];
    const broken = join(project, OUT, build, dir, "filters%2Fload.js.bin");
    writeFileSync(broken, "not bytecode");
    expect(validate(project)).toMatchObject({ status: 0, stderr: VALID });
    expect(readFileSync(broken).length).toBeGreaterThan(100);
  });

  test("a build deleted while a process ran from it is not brought back by that process's cache", () => {
    const project = projectCopy();
    // The process deletes its own build before it exits, as bin/build.js prunes a build unused for a day.
    writeFileSync(
      join(project, "pruned-probe.ts"),
      'require("node:fs").rmSync(require("node:path").dirname(module.filename), { recursive: true, force: true });\n',
    );
    const r = spawnSync(process.execPath, ["bin/run.js", "pruned-probe.ts"], { cwd: project, env: baseEnv });
    expect(r.status).toBe(0);
    expect(builds(project)).toEqual([]);
  });
});

describe("V8's code cache for packages (node_modules)", () => {
  const { NODE_OPTIONS: _inherited, ...baseEnv } = process.env;
  /** Bytecode files in a node_modules' cache folders, with their modification times. */
  const cached = (nodeModules: string): Map<string, number> => {
    const cache = join(nodeModules, ".cache");
    const dirs = existsSync(cache) ? readdirSync(cache).filter((d) => d.startsWith("cdc-routing-v8-code-cache-")) : [];
    return new Map(
      dirs.flatMap((d) =>
        readdirSync(join(cache, d))
          .filter((f) => f.endsWith(".bin"))
          .map((f) => [`${d}/${f}`, statSync(join(cache, d, f)).mtimeMs] as const),
      ),
    );
  };

  test("a package's CommonJS file runs from bytecode named by its identity; a changed file never runs from old bytecode; ES modules and import() are Node's", () => {
    const dir = temporaryDirectory("package-cache");
    const pkg = join(dir, "node_modules", "probe");
    const esmPkg = join(dir, "node_modules", "esm-probe");
    mkdirSync(pkg, { recursive: true });
    mkdirSync(esmPkg, { recursive: true });
    writeFileSync(join(pkg, "index.js"), 'module.exports = "first";\n');
    writeFileSync(join(pkg, "esm.mjs"), 'export const kind = "esm";\n');
    // ES module syntax in a .js file of a package without "type": Node detects it and loads it as a module.
    writeFileSync(join(pkg, "detected.js"), 'export const kind = "detected";\n');
    writeFileSync(join(pkg, "lazy.js"), 'module.exports = () => import("./esm.mjs").then((m) => m.kind);\n');
    // import( only in a JSDoc type and a string: no call, so cached.
    writeFileSync(join(pkg, "mentions.js"), '/** @type {import("./x")} */\nmodule.exports = "import(y)";\n');
    writeFileSync(join(esmPkg, "package.json"), '{ "type": "module", "main": "index.js" }\n');
    writeFileSync(join(esmPkg, "index.js"), 'export const kind = "typed";\n');
    writeFileSync(
      join(dir, "main.js"),
      `require(${JSON.stringify(join(root, "bin", "code-cache.js"))}).installCodeCache(undefined, { packages: true });\n` +
        'const kinds = [require("probe"), require("probe/esm.mjs").kind, require("probe/detected.js").kind, require("esm-probe").kind, require("probe/mentions.js")];\n' +
        'require("probe/lazy.js")().then((lazy) => console.log([...kinds, lazy].join(" ")));\n',
    );
    const run = () => spawnSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8", env: baseEnv });
    const ran = "first esm detected typed import(y) esm\n";
    expect(run()).toMatchObject({ status: 0, stdout: ran });
    const first = cached(join(dir, "node_modules"));
    const names = [...first.keys()].map((f) => f.split("/")[1]);
    expect(names.every((f) => /^[0-9a-f]{24}-/.test(f))).toBe(true);
    // lazy.js calls import(): Node compiles it (a vm.Script from cached bytecode has no loader for import()).
    expect(names.map((f) => f.slice(25)).sort()).toEqual(["index.js.bin", "mentions.js.bin"]);
    expect(run()).toMatchObject({ status: 0, stdout: ran });
    expect(cached(join(dir, "node_modules"))).toEqual(first);

    // Another text of the same length with the same modification time (as `cp -p` or tar keep it): a new name,
    // and the new text runs.
    const { mtime } = statSync(join(pkg, "index.js"));
    writeFileSync(join(pkg, "index.js"), 'module.exports = "again";\n');
    utimesSync(join(pkg, "index.js"), mtime, mtime);
    expect(run()).toMatchObject({ status: 0, stdout: "again esm detected typed import(y) esm\n" });
    expect(cached(join(dir, "node_modules")).size).toBe(3);
  });

  test("cdktf's CLI compiles its packages through the cache (the preload npm gives it); other processes npm starts do not", () => {
    // A heap size no other run uses gives this test a cache folder of its own, removed at the end.
    const heap = "--max-old-space-size=4093";
    const env = { ...baseEnv, NODE_OPTIONS: `--require=cdc-routing-telemetry-off ${heap}` };
    const nodeModules = join(root, "node_modules");
    const folder = join(nodeModules, ".cache", `cdc-routing-v8-code-cache-${optionsKey(process.version, [heap])}`);
    const files = () => (existsSync(folder) ? readdirSync(folder).sort() : []);
    rmSync(folder, { recursive: true, force: true });
    try {
      // A script that loads packages, started with npm's preload: not cdktf's CLI, so no cache.
      const script = join(temporaryDirectory("not-the-cli"), "loads.js");
      writeFileSync(script, `require(${JSON.stringify(require.resolve("cdktf"))});\n`);
      expect(spawnSync(process.execPath, [script], { cwd: root, env }).status).toBe(0);
      expect(files()).toEqual([]);
      const cli = () =>
        spawnSync(process.execPath, [join(nodeModules, ".bin", "cdktf"), "--version"], {
          cwd: root,
          env,
          encoding: "utf8",
        });
      expect(cli()).toMatchObject({ status: 0, stdout: expect.stringMatching(/^0\.21\.0\n/) });
      const written = files();
      expect(written.some((f) => f.endsWith("-cdktf.js.bin"))).toBe(true);
      const times = written.map((f) => statSync(join(folder, f)).mtimeMs);
      expect(cli()).toMatchObject({ status: 0, stdout: expect.stringMatching(/^0\.21\.0\n/) });
      expect(files()).toEqual(written);
      expect(written.map((f) => statSync(join(folder, f)).mtimeMs)).toEqual(times);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
