import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../cli/main";
import { temporaryDirectory } from "./helpers";

function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = run(args, (s) => (out += s), (s) => (err += s + "\n"));
  return { code, out, err };
}

describe("cdc-routing CLI", () => {
  test("validate: exit 0 with a summary on stderr", () => {
    expect(cli(["validate"])).toEqual({ code: 0, out: "", err: "filters/filters.yaml: 4 filters valid (4 enabled)\n" });
  });

  test("sql prints the same text as the generator, per stage, dialect and shape", () => {
    const r = cli(["sql", "--stage", "prod", "--shape", "per-filter"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^-- cdc-routing: stage prod, dialect confluent, shape per-filter, 4 statement\(s\)\n/);
    const f = cli(["sql", "--stage", "dev", "--dialect", "flink", "--bootstrap-servers", "127.0.0.1:9092"]);
    expect(f.out).toContain("'properties.bootstrap.servers' = '127.0.0.1:9092'");
  });

  test("invalid filters: exit 1, errors on stderr, nothing on stdout", () => {
    const dir = temporaryDirectory("cli");
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "filters:\n  - name: x\n    description: d\n    outputTopic: t\n    version: 1\n    operations: [create]\n    conditions: [{ field: id, op: equal, value: a }]\n");
    const r = cli(["sql", "--stage", "dev", "--filters", file]);
    expect(r).toEqual({
      code: 1,
      out: "",
      err: `error: unknown operator 'equal' at ${file}:7:35 in filter x; did you mean 'equals'?\n1 error(s); nothing was generated\n`,
    });
  });

  test.each([
    [["sql"], "sql needs --stage"],
    [["sql", "--stage", "qa"], "--stage must be one of dev, staging, prod, got 'qa'"],
    [["sql", "--stage", "dev", "--dialect", "spark"], "--dialect must be one of confluent, flink, got 'spark'"],
    [["sql", "--stage", "dev", "--dialect", "flink"], "--dialect flink needs --bootstrap-servers"],
    [["frobnicate"], "unknown command 'frobnicate'"],
    [["validate", "--nope"], "Unknown option '--nope'"],
  ])("usage error %j: exit 2", (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain("usage:");
  });

  test("the installed binary runs and sets its exit code", () => {
    const bin = join(__dirname, "..", "bin", "cdc-routing.js");
    expect(execFileSync(process.execPath, [bin, "sql", "--stage", "dev"], { encoding: "utf8" })).toContain("EXECUTE STATEMENT SET");
    expect(spawnSync(process.execPath, [bin, "sql", "--stage", "qa"]).status).toBe(2);
  });
});
