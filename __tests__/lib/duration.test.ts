/** Durations of the stage config and filters.yaml (lib/duration.ts), as Prometheus takes them. */
import { durationProblem, durationSeconds } from "../../lib/duration";

describe("durations", () => {
  test("a positive whole number and one unit is a duration; its seconds", () => {
    expect(["30s", "10m", "2h", "1d"].map((d) => [durationProblem(d), durationSeconds(d)])).toEqual([
      [undefined, 30],
      [undefined, 600],
      [undefined, 7200],
      [undefined, 86400],
    ]);
  });

  test("anything else is named with the fix", () => {
    expect(["0m", "10", "1h30m", "-5m", "10 m", "1.5h", 10].map(durationProblem)).toEqual([
      '"0m" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      '"10" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      '"1h30m" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      '"-5m" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      '"10 m" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      '"1.5h" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      "10 is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)",
    ]);
  });
});
