/** cdktf's binary version checks run their command once per synth, a passed one once per binary (app/binary-version-checks.ts). */
import { chmodSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { binaryIdentity, checkBinaryVersionsOnce } from "../../app/binary-version-checks";
import { temporaryDirectory } from "../support/helpers";

/** A fake binary printing `version` and counting its runs in a file beside it. */
function fakeBinary(version: string): { command: string; runs: () => number } {
  const dir = temporaryDirectory("version-checks");
  const binary = join(dir, "fake");
  writeFileSync(binary, `#!/bin/sh\necho run >> ${join(dir, "runs")}\necho fake ${version}\n`);
  chmodSync(binary, 0o755);
  return {
    command: `${binary} version`,
    runs: () => {
      try {
        return readFileSync(join(dir, "runs"), "utf8").split("\n").filter(Boolean).length;
      } catch {
        return 0;
      }
    },
  };
}

test("two checks of the same command and constraint run the command once and give the same answer", () => {
  const fake = fakeBinary("1.5.0");
  checkBinaryVersionsOnce({ cacheFile: join(temporaryDirectory("version-cache"), "passed.json") });
  const [a, b] = [
    new ValidateBinaryVersion("fake", ">=1.4", fake.command),
    new ValidateBinaryVersion("fake", ">=1.4", fake.command),
  ];
  expect([a.validate(), b.validate()]).toEqual([[], []]);
  const stricter = new ValidateBinaryVersion("fake", ">=2", fake.command);
  expect(stricter.validate()).toEqual([
    expect.stringContaining("fake version 1.5.0 is lower than the required version >=2"),
  ]);
  expect(fake.runs()).toBe(2);
});

test("a passed check is remembered for the next synth until the binary changes; a failed one is not", () => {
  const fake = fakeBinary("1.5.0");
  const cacheFile = join(temporaryDirectory("version-cache"), "passed.json");
  const synth = (constraint: string) => {
    checkBinaryVersionsOnce({ cacheFile });
    return new ValidateBinaryVersion("fake", constraint, fake.command).validate();
  };
  expect([synth(">=1.4"), synth(">=1.4")]).toEqual([[], []]);
  expect(fake.runs()).toBe(1);
  expect(synth(">=2")).toHaveLength(1);
  expect(synth(">=2")).toHaveLength(1);
  expect(fake.runs()).toBe(3);
  // Another binary at the same path (a Terraform upgrade) is checked again.
  const binary = fake.command.split(" ")[0];
  utimesSync(binary, new Date(), new Date(Date.now() + 60_000));
  expect(synth(">=1.4")).toEqual([]);
  expect(fake.runs()).toBe(4);
});

test("the binary of a command line is found on PATH, by its real path, size and modification time", () => {
  const fake = fakeBinary("1.5.0");
  const binary = fake.command.split(" ")[0];
  const dir = binary.slice(0, binary.lastIndexOf("/"));
  expect(binaryIdentity("fake version", `/nonexistent:${dir}`)).toMatch(new RegExp(`^${binary} \\d+ [\\d.]+$`));
  expect(binaryIdentity("no-such-program-here version", dir)).toBeUndefined();
});
