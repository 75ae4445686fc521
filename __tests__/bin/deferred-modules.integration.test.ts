/**
 * bin/deferred-modules.js: a deferred module is loaded at its first use, not when required, once a process has kept
 * its export names; the interop code esbuild bundles (as cdktf's CLI is bundled) runs without loading it. Each run
 * is its own process, on a node_modules of the test's own; the last test runs cdktf's CLI itself.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { temporaryDirectory } from "../support/helpers";

const root = join(__dirname, "..", "..");
const { NODE_OPTIONS: _inherited, CDC_ROUTING_DEFER_MODULES: _set, ...baseEnv } = process.env;

// Starting processes (cdktf's CLI and the app) takes seconds on a loaded machine.
jest.setTimeout(120_000);

/** Export names kept under a node_modules. */
const kept = (nodeModules: string): string[] => {
  const dir = join(nodeModules, ".cache", "cdc-routing-deferred-modules");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

describe("a deferred module (bin/deferred-modules.js)", () => {
  const dir = temporaryDirectory("deferred-modules");
  const nodeModules = join(dir, "node_modules");
  const probe = join(nodeModules, "probe", "index.js");
  const probeText = (extra = "") =>
    [
      'console.log("probe loaded");',
      'Object.defineProperty(exports, "__esModule", { value: true });',
      "exports.twice = (x) => x * 2;",
      'exports.label = "probe";',
      extra,
    ].join("\n");
  // What an ES module importing the probe becomes in esbuild's CommonJS output: its interop helpers (__toESM,
  // __copyProps) run at require time and read __esModule, the prototype, the names and their descriptors.
  const user = transformSync(
    [
      'import * as all from "probe";',
      'import { label } from "probe";',
      'console.log("required", Object.keys(all).sort().join(","));',
      'console.log("used", all.twice(21), label, "twice" in all);',
    ].join("\n"),
    { format: "cjs", loader: "js" },
  ).code;
  mkdirSync(join(nodeModules, "probe"), { recursive: true });
  mkdirSync(join(nodeModules, "whole"), { recursive: true });
  writeFileSync(probe, probeText());
  // Exports that are a function cannot be stood in for: never deferred.
  writeFileSync(
    join(nodeModules, "whole", "index.js"),
    'console.log("whole loaded");\nmodule.exports = () => "called";\n',
  );
  writeFileSync(join(dir, "user.js"), user);
  writeFileSync(
    join(dir, "main.js"),
    `require(${JSON.stringify(join(root, "bin", "deferred-modules.js"))}).deferModules(["probe", "whole"]);\n` +
      'require("./user.js");\nconst whole = require("whole");\nconsole.log("whole", whole());\n',
  );
  const run = (env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8", env: { ...baseEnv, ...env } });
  const atOnce = "probe loaded\nrequired label,twice\nused 42 probe true\nwhole loaded\nwhole called\n";
  const onFirstUse = "required label,twice\nprobe loaded\nused 42 probe true\nwhole loaded\nwhole called\n";

  test("the first process loads it at once and keeps its names; the next load it at first use, with the same results", () => {
    expect(run()).toMatchObject({ status: 0, stdout: atOnce });
    const names = kept(nodeModules);
    expect(names).toEqual([expect.stringMatching(/^[0-9a-f]{24}-index\.js\.json$/)]);
    expect(run()).toMatchObject({ status: 0, stdout: onFirstUse });
    expect(run()).toMatchObject({ status: 0, stdout: onFirstUse });
    expect(kept(nodeModules)).toEqual(names);
    // Turned off: loaded at once, as without it.
    expect(run({ CDC_ROUTING_DEFER_MODULES: "off" })).toMatchObject({ status: 0, stdout: atOnce });
  });

  test("a changed module file is loaded at once and its names kept anew: never the names of an older text", () => {
    writeFileSync(probe, probeText('exports.added = "new";'));
    expect(run()).toMatchObject({
      status: 0,
      stdout: "probe loaded\nrequired added,label,twice\nused 42 probe true\nwhole loaded\nwhole called\n",
    });
    expect(kept(nodeModules)).toHaveLength(2);
    expect(run().stdout).toBe(
      "required added,label,twice\nprobe loaded\nused 42 probe true\nwhole loaded\nwhole called\n",
    );
    // A kept file that is not names (edited by hand, or left by another version of this code) is not used: the
    // module is loaded at once and its names kept again.
    const [first, second] = kept(nodeModules);
    writeFileSync(join(nodeModules, ".cache", "cdc-routing-deferred-modules", first), "{");
    writeFileSync(join(nodeModules, ".cache", "cdc-routing-deferred-modules", second), "{}");
    expect(run().stdout.startsWith("probe loaded\n")).toBe(true);
  });
});

describe("cdktf's CLI (the preload npm gives it)", () => {
  test("`cdktf synth` loads none of hcl2cdk, hcl2json, hcl-tools, jsii-rosetta, prettier, and writes the same stacks as with them", () => {
    const nodeModules = join(root, "node_modules");
    const before = new Set(kept(nodeModules));
    const report = join(temporaryDirectory("cdktf-loaded"), "loaded.js");
    writeFileSync(
      report,
      'process.on("exit", () => { if (/[\\\\/]cdktf$/.test(process.argv[1] ?? "")) process.stderr.write(`\\nLOADED ${JSON.stringify(Object.keys(require.cache))}\\n`); });\n',
    );
    const synth = (env: NodeJS.ProcessEnv = {}) => {
      const out = temporaryDirectory("cdktf-synth-out");
      const r = spawnSync(process.execPath, [join(nodeModules, ".bin", "cdktf"), "synth", "--output", out], {
        cwd: root,
        encoding: "utf8",
        env: { ...baseEnv, CI: "1", NODE_OPTIONS: `--require=cdc-routing-telemetry-off --require=${report}`, ...env },
      });
      const line = r.stderr.split("\n").find((l) => l.startsWith("LOADED "));
      if (r.status !== 0 || !line) throw new Error(`cdktf synth failed (${r.status}):\n${r.stderr}`);
      const stacks = readdirSync(join(out, "stacks")).sort();
      const json = stacks.map((s) => readFileSync(join(out, "stacks", s, "cdk.tf.json"), "utf8"));
      const packages = new Set(
        (JSON.parse(line.slice("LOADED ".length)) as string[]).flatMap(
          (f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? [],
        ),
      );
      return { stacks, json, packages };
    };
    const heavy = ["@cdktf/hcl2cdk", "@cdktf/hcl2json", "@cdktf/hcl-tools", "jsii-rosetta", "prettier"];
    try {
      synth(); // keeps the names, if no run had
      const deferred = synth();
      const loaded = synth({ CDC_ROUTING_DEFER_MODULES: "off" });
      expect(deferred.stacks).toEqual(["dev", "prod", "staging"]);
      expect(heavy.filter((p) => deferred.packages.has(p))).toEqual([]);
      // Not vacuous: without deferral the CLI loads them all.
      expect(heavy.filter((p) => loaded.packages.has(p))).toEqual(heavy);
      expect(deferred.json).toEqual(loaded.json);
    } finally {
      for (const name of kept(nodeModules))
        if (!before.has(name))
          rmSync(join(nodeModules, ".cache", "cdc-routing-deferred-modules", name), { force: true });
    }
  });
});
