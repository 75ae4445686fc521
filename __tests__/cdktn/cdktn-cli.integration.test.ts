/**
 * The command lines of the cdktn build as a user runs them (through bin/run.js, as npm runs them): --help, usage
 * errors with the closest match, and main.ts's own errors passed through `synth`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const script = (file: string, args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin", "run.js"), file, ...args], { cwd: root, encoding: "utf8" });

test.each([
  ["cdktn/cli.ts", /^usage: npm run cdktn:setup \| synth:cdktn/],
  ["cdktn/generate.ts", /^usage: node --require tsx\/cjs cdktn\/generate\.ts/],
])("%s --help: usage on stdout, exit 0, nothing done", (file, usage) => {
  const r = script(file, ["--help"]);
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
    status: 0,
    stdout: expect.stringMatching(usage),
    stderr: "",
  });
});

test.each([
  [["synt"], "unknown verb 'synt'; did you mean 'synth'?"],
  [[], "name a verb: setup, synth, compare or schema"],
  [["compare", "--stage", "dev"], "unknown option '--stage'; this command takes no options"],
  [["synth", "stagin"], "unknown stage 'stagin'; did you mean 'staging'?"],
])(
  "cdktn/cli.ts %j: exit 2 with the closest match on stderr",
  (args, message) => {
    const r = script("cdktn/cli.ts", args);
    expect({ status: r.status, firstLine: r.stderr.split("\n")[0] }).toEqual({ status: 2, firstLine: message });
  },
  120_000,
);
