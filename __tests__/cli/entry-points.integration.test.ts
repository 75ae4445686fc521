/**
 * The command lines as a user runs them: each script started as its own process (`node bin/run.js <file>.ts`, what
 * every npm script runs), the installed binary, and npx with the project's .npmrc. Integration tests: they start
 * real processes.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { temporaryDirectory } from "../support/helpers";

describe("the installed binary", () => {
  test("the installed binary runs and sets its exit code", () => {
    const bin = join(__dirname, "..", "..", "bin", "cdc-routing.js");
    expect(execFileSync(process.execPath, [bin, "sql", "--stage", "dev"], { encoding: "utf8" })).toContain(
      "EXECUTE STATEMENT SET",
    );
    expect(spawnSync(process.execPath, [bin, "sql", "--stage", "qa"]).status).toBe(2);
  });
});

/** Every script of the project, run as a user runs it (its compiled module), for its command-line conventions. */
describe("--help and usage errors on every script", () => {
  const root = join(__dirname, "..", "..");
  const script = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(
      process.execPath,
      [...(file.endsWith(".ts") ? [join(root, "bin", "run.js"), file] : [join(root, file)]), ...args],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, ...env },
      },
    );

  test.each([
    ["main.ts", /^usage: npm run synth -- \[dev\|staging\|prod \.\.\.\] \[--all\]/],
    ["bin/cdc-routing.js", /^usage: cdc-routing <command>/],
    ["cli/local.ts", /^usage: npm run local:fetch \| local:up \| local:deploy \| local:status \| local:down/],
    ["bench/sql.ts", /^usage: npm run bench:sql/],
    ["bench/synth.ts", /^usage: npm run bench:synth/],
    ["bench/cli.ts", /^usage: npm run bench:cli/],
    ["bench/routing.ts", /^usage: npm run bench:routing/],
    ["bench/scale.ts", /^usage: npm run bench:scale/],
    ["bench/all.ts", /^usage: npm run bench /],
    ["bench/load.ts", /^usage: npm run load -- /],
    ["bench/e2e-timings.ts", /^usage: npm run bench:e2e-timings -- /],
    ["bench/jvm-starts.ts", /^usage: npm run bench:jvm-starts/],
    ["bench/terraform-cpu.ts", /^usage: npm run bench:terraform-cpu/],
    ["bench/faults.ts", /^usage: npm run bench:faults \[-- --parts api,killed,engines\]/],
    ["bench/faults/api-faults.ts", /^usage: npm run bench:faults:api/],
    ["bench/faults/killed-apply.ts", /^usage: npm run bench:faults:killed/],
    ["bench/faults/engine-crashes.ts", /^usage: npm run bench:faults:engines/],
    ["providers/refresh.ts", /^usage: npm run providers:refresh/],
    ["providers/mirror-cli.ts", /^usage: npm run providers:mirror/],
    ["providers/generate.ts", /^usage: npm run providers:generate/],
    ["local/confluent-api/server.ts", /^usage: node bin\/run\.js local\/confluent-api\/server\.ts/],
    ["consumers/verify.ts", /^usage: npm run verify --/],
    ["consumers/consumer.ts", /^usage: npm run consumer -- <consumer>/],
    ["review/cli.ts", /^usage: node bin\/run\.js review\/cli\.ts <comment\|guard\|redact-plan\|scan>/],
    ["review/sample-comment.ts", /^usage: npm run docs:sample-comment/],
  ])("%s --help: usage on stdout, exit 0, nothing done", (file, usage) => {
    const r = script(file, ["--help"]);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 0,
      stdout: expect.stringMatching(usage),
      stderr: "",
    });
  });

  test.each([
    ["main.ts", ["--al"], "unknown option '--al'; did you mean '--all'?"],
    ["main.ts", ["stagin"], "unknown stage 'stagin'; did you mean 'staging'?"],
    ["main.ts", ["dev", "--all"], "--all synthesizes every stage; name stages or use --all, not both"],
    ["bin/cdc-routing.js", ["lok"], "unknown command 'lok'; did you mean 'lock'?"],
    ["cli/local.ts", ["fech"], "unknown command 'fech'; did you mean 'fetch'?"],
    ["cli/local.ts", ["up", "--port", "1"], "unknown option '--port'; expected one of: --json"],
    ["cli/local.ts", ["down", "--json"], "--json is an option of status only"],
    ["bench/sql.ts", ["--filters", "x"], "unknown option '--filters'; this command takes no options"],
    ["bench/routing.ts", ["--event", "5"], "unknown option '--event'; did you mean '--events'?"],
    ["bench/scale.ts", ["--plna"], "unknown option '--plna'; did you mean '--plan'?"],
    ["bench/load.ts", ["--payload", "5k"], "unknown payload size '5k'; did you mean '4k'?"],
    ["bench/load.ts", ["--rate", "0"], "--rate must be a positive number, not '0'"],
    ["bench/faults.ts", ["--parts", "api,crash"], "unknown part 'crash'; expected some of: api, killed, engines"],
    ["consumers/verify.ts", ["--stage", "prd"], "unknown stage 'prd'; did you mean 'prod'?"],
    ["consumers/consumer.ts", ["loan-servicng"], "unknown consumer 'loan-servicng'; did you mean 'loan-servicing'?"],
    ["review/cli.ts", ["gaurd"], "unknown command 'gaurd'; did you mean 'guard'?"],
  ])("%s %j: exit 2 with the closest match on stderr", (file, args, message) => {
    const r = script(file, args as string[]);
    expect({ status: r.status, stdout: r.stdout, firstLine: r.stderr.split("\n")[0] }).toEqual({
      status: 2,
      stdout: "",
      firstLine: message,
    });
  });

  test("main.ts: cdktf.out holds exactly the stacks last synthesized, and its manifest names only files that exist", () => {
    const outdir = temporaryDirectory("synth-out");
    expect(script("main.ts", ["--all"], { CDKTF_OUTDIR: outdir }).status).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["dev", "prod", "staging"]);
    mkdirSync(join(outdir, "stacks", "staging", ".terraform"));
    const r = script("main.ts", ["staging"], { CDKTF_OUTDIR: outdir });
    expect(r.stdout).toContain("synthesized staging into");
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["staging"]);
    expect(existsSync(join(outdir, "stacks", "staging", ".terraform"))).toBe(true); // a kept stack keeps its terraform cache
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, Record<string, string>>;
    };
    expect(Object.keys(manifest.stacks)).toEqual(["staging"]);
    const paths = Object.values(manifest.stacks).flatMap((s) =>
      [s.synthesizedStackPath, s.stackMetadataPath].filter((p) => p !== undefined),
    );
    expect(paths).toEqual(["stacks/staging/cdk.tf.json"]);
    for (const p of paths) expect(existsSync(join(outdir, p))).toBe(true);
  });
});

describe("telemetry is off for every npm script and `npx cdktf ...` run in the project", () => {
  test("npx from the project root and from subdirectories: cdktf's own CHECKPOINT_DISABLE switch reads true", () => {
    const env = { ...process.env };
    delete env.CHECKPOINT_DISABLE;
    delete env.NODE_OPTIONS; // as in a user's shell: only the project's .npmrc sets it
    for (const cwd of [
      join(__dirname, "..", ".."),
      join(__dirname, "..", "..", "filters"),
      join(__dirname, "..", "e2e"),
    ]) {
      const r = spawnSync(
        "npx",
        ["node", "-e", 'process.stdout.write(String(require("@cdktf/commons/src/environment").CHECKPOINT_DISABLE))'],
        { cwd, env, encoding: "utf8" },
      );
      expect({ cwd, status: r.status, out: r.stdout }).toEqual({ cwd, status: 0, out: "true" });
    }
  });

  test("the .npmrc preload also resolves in a dependency's directory, where npm ci runs install scripts", () => {
    const nodeOptions = /^node-options=(.*)$/m.exec(readFileSync(join(__dirname, "..", "..", ".npmrc"), "utf8"))![1];
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: nodeOptions };
    delete env.CHECKPOINT_DISABLE;
    const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.env.CHECKPOINT_DISABLE))"], {
      cwd: join(__dirname, "..", "..", "node_modules", "cdktf", "lib"),
      env,
      encoding: "utf8",
    });
    expect({ status: r.status, out: r.stdout, err: r.stderr }).toEqual({ status: 0, out: "1", err: "" });
  });
});
