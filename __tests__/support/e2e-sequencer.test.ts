/** The e2e run's order (__tests__/e2e/sequencer.js): every suite named, longest first, jest's order for the rest. */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const { LONGEST_FIRST, longestFirst } = require("../e2e/sequencer.js");

const e2eDir = join(__dirname, "..", "e2e");

describe("the e2e suites' order", () => {
  test("names every e2e suite on disk, each once: a new suite gets its place by its measured time", () => {
    const suites = readdirSync(e2eDir)
      .filter((f) => f.endsWith(".e2e.ts"))
      .map((f) => f.replace(/\.e2e\.ts$/, ""));
    expect([...LONGEST_FIRST].sort()).toEqual(suites.sort());
    expect(new Set(LONGEST_FIRST).size).toBe(LONGEST_FIRST.length);
  });

  test("named suites in the list's order, whatever jest's; others after them in jest's order", () => {
    const jestOrder = ["topic-reads", "not-listed-b", "confluent-apply", "not-listed-a", "engine-crashes"].map(
      (name) => ({ path: join(e2eDir, `${name}.e2e.ts`) }),
    );
    expect(longestFirst(jestOrder).map((t: { path: string }) => t.path.split("/").pop())).toEqual([
      "engine-crashes.e2e.ts",
      "confluent-apply.e2e.ts",
      "topic-reads.e2e.ts",
      "not-listed-b.e2e.ts",
      "not-listed-a.e2e.ts",
    ]);
  });
});
