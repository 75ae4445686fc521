/**
 * The error model as a user meets it: the same bad input gives the same clean line and exit code from every
 * command that reads it, and a bug is told apart (lib/errors.ts). Each command runs as its own process.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { temporaryDirectory } from "../support/helpers";

const root = join(__dirname, "..", "..");
const BAD_BUCKET =
  "error: CDC_ROUTING_STATE_BUCKET='Bad_Bucket' must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit";

/** A command as users run it: bin/cdc-routing.js itself, a TypeScript entry point through bin/run.js (npm's way). */
function script(file: string, args: string[], env: NodeJS.ProcessEnv) {
  const command = file.endsWith(".ts") ? [join(root, "bin", "run.js"), file] : [join(root, file)];
  const r = spawnSync(process.execPath, [...command, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("an invalid state bucket from the environment", () => {
  // A copy of the lock: `lock` must not touch the committed file, even if it failed to refuse.
  const lockCopy = () => {
    const lock = join(temporaryDirectory("error-model"), "statements.lock.json");
    copyFileSync(join(root, "lock", "statements.lock.json"), lock);
    return lock;
  };

  test.each([
    ["main.ts (synth)", "main.ts", ["dev"], "nothing was synthesized"],
    ["cdc-routing lock", "bin/cdc-routing.js", ["lock", "--stage", "dev"], "nothing was written"],
    ["cdc-routing lock, every stage", "bin/cdc-routing.js", ["lock"], "nothing was written"],
  ])("%s: one clean error line and what did not happen, exit 1, no stack trace", (_, file, args, note) => {
    const lock = lockCopy();
    const before = readFileSync(lock, "utf8");
    const r = script(file, args, {
      CDC_ROUTING_STATE_BUCKET: "Bad_Bucket",
      CDC_ROUTING_LOCK: lock,
      CDKTF_OUTDIR: temporaryDirectory("error-model-out"),
    });
    expect(r).toEqual({ status: 1, stdout: "", stderr: `${BAD_BUCKET}\n${note}\n` });
    expect(readFileSync(lock, "utf8")).toBe(before);
  });
});

describe("other kinds through real scripts", () => {
  test("an unreadable filters file: an input error naming the file, exit 1", () => {
    const r = script("bin/cdc-routing.js", ["validate", "--filters", "no-such-filters.yaml"], {});
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr: "error: cannot read filters file no-such-filters.yaml: ENOENT\n1 error\n",
    });
  });

  test("a review plan that is not a plan: an input error, exit 1", () => {
    const file = join(temporaryDirectory("error-model"), "dev.plan.json");
    writeFileSync(file, "{}");
    const r = script("review/cli.ts", ["guard", "--stage", "dev", "--plan", file], {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*dev\.plan\.json/);
    expect(r.stderr).not.toMatch(/\n {4}at /);
  });

  test("a missing Kafka address: an input error from the verify tool, exit 1", () => {
    const r = script("consumers/verify.ts", ["--stage", "dev"], { KAFKA_BOOTSTRAP_SERVERS: "" });
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr: "error: KAFKA_BOOTSTRAP_SERVERS is not set (host:port[,host:port])\n",
    });
  });
});
