import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suiteTimes, timesTable } from "../../bench/e2e-timings";
import { commandLabel, recordTiming } from "../../lib/timings";
import { TemporaryDirs } from "../../local/processes";

describe("e2e timings per suite", () => {
  test("each timing counts for the suite during whose run it started, in its column", () => {
    const runs = [
      { name: "/x/__tests__/e2e/a.e2e.ts", startTime: 0, endTime: 10_000 },
      { name: "/x/__tests__/e2e/b.e2e.ts", startTime: 10_000, endTime: 40_000 },
    ];
    const rows = suiteTimes(runs, [
      { kind: "service", label: "kafka broker", start: 1000, ms: 4000 },
      { kind: "command", label: "terraform apply", start: 11_000, ms: 9000 },
      { kind: "command", label: "terraform apply", start: 21_000, ms: 3000 },
      { kind: "command", label: "npx tsx main.ts", start: 25_000, ms: 2000 },
      { kind: "flink", label: "job submit", start: 30_000, ms: 1500 },
    ]);
    expect(rows.map((r) => [r.suite, r.wallS, r.parts])).toEqual([
      ["b", 30, { engines: 0, terraform: 12, npx: 2, flink: 1.5 }],
      ["a", 10, { engines: 4, terraform: 0, npx: 0, flink: 0 }],
    ]);
    expect(rows[0].detail[0]).toBe("terraform apply 2x 12.0 s");
    expect(timesTable(rows).split("\n")[2]).toBe(
      "| b | 30 | 0 | 12 | 2 | 2 | terraform apply 2x 12.0 s; npx tsx main.ts 1x 2.0 s; job submit 1x 1.5 s |",
    );
  });

  test("a timing that names its test file counts for that suite only, whatever ran beside it", () => {
    const runs = [
      { name: "/x/a.e2e.ts", startTime: 0, endTime: 10_000 },
      { name: "/x/b.e2e.ts", startTime: 0, endTime: 10_000 },
    ];
    const rows = suiteTimes(runs, [
      { kind: "service", label: "kafka broker", start: 1000, ms: 4000, suite: "/x/b.e2e.ts" },
    ]);
    expect(rows.map((r) => [r.suite, r.parts.engines])).toEqual([
      ["a", 0],
      ["b", 4],
    ]);
  });

  test("under jest a recorded timing names the running test file", () => {
    const dirs = new TemporaryDirs();
    const file = join(dirs.create("timings"), "timings.jsonl");
    process.env.CDC_ROUTING_TIMINGS = file;
    try {
      recordTiming("service", "kafka broker", 1000, 1500);
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
        kind: "service",
        label: "kafka broker",
        start: 1000,
        ms: 500,
        suite: __filename,
      });
    } finally {
      delete process.env.CDC_ROUTING_TIMINGS;
      dirs.removeAll();
    }
  });

  test("a command is named by its words that are not options", () => {
    expect(commandLabel("terraform", ["apply", "-input=false", "-auto-approve"])).toBe("terraform apply");
    expect(commandLabel("npx", ["tsx", "main.ts", "dev"])).toBe("npx tsx main.ts");
    expect(commandLabel("/usr/bin/node", ["/work/x/bin/run.js", "main.ts", "dev"])).toBe("node bin/run.js main.ts");
    expect(commandLabel("npx", ["cdktf", "deploy", "dev", "--auto-approve"])).toBe("npx cdktf deploy");
  });
});
