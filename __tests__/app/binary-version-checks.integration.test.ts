/** cdktf's binary version checks run their command once per synth (app/binary-version-checks.ts). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { checkBinaryVersionsOnce } from "../../app/binary-version-checks";
import { temporaryDirectory } from "../support/helpers";

test("two checks of the same command and constraint run the command once and give the same answer", () => {
  const runs = join(temporaryDirectory("version-checks"), "runs");
  const command = `echo run >> ${runs}; echo fake 1.5.0`;
  checkBinaryVersionsOnce();
  const [a, b] = [
    new ValidateBinaryVersion("fake", ">=1.4", command),
    new ValidateBinaryVersion("fake", ">=1.4", command),
  ];
  expect([a.validate(), b.validate()]).toEqual([[], []]);
  const stricter = new ValidateBinaryVersion("fake", ">=2", command);
  expect(stricter.validate()).toEqual([
    expect.stringContaining("fake version 1.5.0 is lower than the required version >=2"),
  ]);
  expect(readFileSync(runs, "utf8")).toBe("run\nrun\n");
});
