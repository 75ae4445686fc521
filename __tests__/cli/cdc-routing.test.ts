import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../cli/cdc-routing";
import { temporaryDirectory } from "../support/helpers";

function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = run(args, { out: (s) => (out += s), err: (s) => (err += s) });
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
    writeFileSync(
      file,
      "filters:\n  - name: x\n    description: d\n    outputTopic: t\n    version: 1\n    operations: [create]\n    conditions: [{ field: id, op: equal, value: a }]\n",
    );
    const r = cli(["sql", "--stage", "dev", "--filters", file]);
    expect(r).toEqual({
      code: 1,
      out: "",
      err: `error: unknown operator 'equal' at ${file}:7:35 in filter x; did you mean 'equals'?\n1 error; nothing was generated\n`,
    });
  });

  test.each([
    [["sql"], "sql needs --stage"],
    [["sql", "--stage", "qa"], "unknown --stage value 'qa'; expected one of: dev, staging, prod"],
    [["sql", "--stage", "stagng"], "unknown --stage value 'stagng'; did you mean 'staging'?"],
    [
      ["sql", "--stage", "dev", "--dialect", "spark"],
      "unknown --dialect value 'spark'; expected one of: confluent, flink",
    ],
    [
      ["sql", "--stage", "dev", "--shape", "perfilter"],
      "unknown --shape value 'perfilter'; did you mean 'per-filter'?",
    ],
    [["sql", "--stage", "dev", "--dialect", "flink"], "--dialect flink needs --bootstrap-servers"],
    [
      ["frobnicate"],
      "unknown command 'frobnicate'; expected one of: validate, sql, lock, impact, sample, migrate, plan, status, recover, help",
    ],
    [["valdate"], "unknown command 'valdate'; did you mean 'validate'?"],
    [[], "no command given"],
    [["validate", "--nope"], "unknown option '--nope'; expected one of: --filters"],
    [["validate", "--stage", "dev"], "unknown option '--stage'; expected one of: --filters"],
    [["sql", "--stag", "dev"], "unknown option '--stag'; did you mean '--stage'?"],
    [["lock", "--clean"], "unknown option '--clean'; did you mean '--cleanup'?"],
    [["validate", "extra"], "unexpected argument 'extra'"],
    [["status", "--targets", "t.json"], "status needs --stage"],
    [["recover"], "recover needs --dir <terraform working directory>"],
    [["status", "--stage", "dev"], "status needs --targets (terraform output -json status_targets)"],
    [
      ["status", "--stage", "dev", "--targets", "t.json", "--timeout", "0"],
      "--timeout must be a positive number of seconds, got '0'",
    ],
    [
      ["status", "--stage", "qa", "--targets", "t.json"],
      "unknown --stage value 'qa'; expected one of: dev, staging, prod",
    ],
  ])("usage error %j: exit 2, the message and the usage on stderr, nothing on stdout", (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.split("\n")[0]).toBe(message);
    expect(r.err).toContain("usage:");
  });

  test.each([["--help"], ["-h"], ["help"]])("%s: the whole usage on stdout, exit 0", (flag) => {
    const r = cli([flag]);
    expect(r).toEqual({ code: 0, out: expect.stringMatching(/^usage: cdc-routing <command>/), err: "" });
    for (const verb of ["validate", "sql", "lock", "plan", "status"]) expect(r.out).toContain(`cdc-routing ${verb} `);
  });

  test.each(["validate", "sql", "lock", "plan", "status"])(
    "%s --help (and help %s): that command's usage on stdout, exit 0, nothing run",
    (verb) => {
      for (const args of [
        [verb, "--help"],
        [verb, "-h"],
        ["help", verb],
        [verb, "--stage", "qa", "--help"],
      ]) {
        const r = cli(args);
        expect(r).toEqual({ code: 0, out: expect.stringMatching(new RegExp(`^usage: cdc-routing ${verb}`)), err: "" });
      }
    },
  );

  test.each([[["bogus", "--help"]], [["lok", "-h"]], [["help", "bogus"]]])(
    "an unknown command %j is a usage error naming the closest command, with --help too",
    (args) => {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(r.err.split("\n")[0]).toMatch(/^unknown command '(bogus|lok)'/);
      if (args[0] === "lok") expect(r.err).toContain("did you mean 'lock'?");
    },
  );
});

describe("cdc-routing lock: one step per change", () => {
  /** The committed filters and lock, copied; the lock tool pointed at the copies for the call. */
  function lockCli(args: string[], edit: (yaml: string) => string) {
    const dir = temporaryDirectory("cli-lock");
    const file = join(dir, "filters.yaml");
    const lock = join(dir, "statements.lock.json");
    writeFileSync(file, edit(readFileSync("filters/filters.yaml", "utf8")));
    copyFileSync("lock/statements.lock.json", lock);
    const saved = { ...process.env };
    Object.assign(process.env, { CDC_ROUTING_LOCK: lock, CDC_ROUTING_NOW: "2026-12-06" });
    try {
      const r = cli(["lock", "--filters", file, ...args]);
      return { ...r, yaml: readFileSync(file, "utf8"), lock: readFileSync(lock, "utf8") };
    } finally {
      process.env = saved;
    }
  }
  const newValue = (yaml: string) => yaml.replace("value: CarCreated }", "value: CarRegistered }");

  test("a changed filter gets its next version written into the file, every other character kept, and the lock records it", () => {
    const r = lockCli([], newValue);
    expect(r.code).toBe(0);
    const expected = newValue(readFileSync("filters/filters.yaml", "utf8")).replace(
      "outputTopic: filtered-car-created-events\n    version: 1",
      "outputTopic: filtered-car-created-events\n    version: 2",
    );
    expect(r.yaml).toBe(expected);
    expect(r.err).toContain(
      'filter car-created version 1 -> 2 (condition was all(event_type equals "CarCreated"), now all(event_type equals "CarRegistered"))',
    );
    expect(JSON.parse(r.lock).dev.definitions["car-created"].version).toBe(2);
  });

  test("a version written by hand that is higher wins", () => {
    const r = lockCli([], (y) =>
      newValue(y).replace(
        "outputTopic: filtered-car-created-events\n    version: 1",
        "outputTopic: filtered-car-created-events\n    version: 7",
      ),
    );
    expect(r.code).toBe(0);
    expect(r.err).not.toContain("version 1 ->");
    expect(JSON.parse(r.lock).dev.definitions["car-created"].version).toBe(7);
  });

  test("--check changes nothing and fails with the message a change without a version always had", () => {
    const before = readFileSync("lock/statements.lock.json", "utf8");
    const r = lockCli(["--check"], newValue);
    expect(r.code).toBe(1);
    expect(r.err).toContain("dev: filter car-created changed at version 1");
    expect(r.yaml).toBe(newValue(readFileSync("filters/filters.yaml", "utf8")));
    expect(r.lock).toBe(before);
    expect(lockCli(["--check"], (y) => y)).toMatchObject({ code: 0 });
  });
});
