import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SELECTIONS, suiteMedians, suiteSeconds, workerCounts } from "../../bench/e2e";

describe("bench:e2e", () => {
  test("the suites of issue 28's day leave out exactly issue 29's three suites", () => {
    const files = readdirSync(join(__dirname, "..", "e2e")).filter((f) => f.endsWith(".e2e.ts"));
    const skipped = new RegExp(SELECTIONS["issue-day"].skip);
    expect(files.filter((f) => skipped.test(f)).sort()).toEqual([
      "api-faults.e2e.ts",
      "engine-crashes.e2e.ts",
      "killed-apply.e2e.ts",
    ]);
    expect(files.length).toBeGreaterThan(20);
  });

  test("worker counts: whole numbers from 1, each once; anything else is a usage error naming the input", () => {
    expect(workerCounts("5")).toEqual([5]);
    expect(workerCounts("5, 6")).toEqual([5, 6]);
    for (const bad of ["0", "5,x", "5,,6", "-1", "4.5"]) expect(() => workerCounts(bad)).toThrow(`'${bad}'`);
    expect(() => workerCounts("5,5")).toThrow("twice");
  });

  test("per suite: its seconds by file name, then the median over the rounds, longest first", () => {
    const round = (a: number, b: number) =>
      suiteSeconds({
        numFailedTests: 0,
        numPassedTests: 2,
        numTotalTests: 2,
        testResults: [
          { name: "/x/__tests__/e2e/apply.e2e.ts", startTime: 1000, endTime: 1000 + a * 1000 },
          { name: "/x/__tests__/e2e/reads.e2e.ts", startTime: 0, endTime: b * 1000 },
        ],
      });
    expect([...round(10, 4)]).toEqual([
      ["apply", 10],
      ["reads", 4],
    ]);
    // reads is the longer one by its median (3 of 1, 3, 30), apply's median is 2 (of 1, 2, 20).
    expect(suiteMedians([round(1, 3), round(2, 30), round(20, 1)])).toEqual([
      ["reads", 3],
      ["apply", 2],
    ]);
    // A suite that did not run in a round counts by the rounds it ran in.
    const partial = new Map([["apply", 7]]);
    expect(suiteMedians([partial, round(9, 5)])).toEqual([
      ["apply", 8],
      ["reads", 5],
    ]);
  });
});
