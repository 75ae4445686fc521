import { killPoint, trialSeed } from "../../bench/faults/kill-points";
import { seededRandom } from "../../lib/seeded-random";

describe("killed-apply kill points", () => {
  test("one seed replays the same points; another seed gives others", () => {
    const points = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 8 }, () => killPoint(random, 300));
    };
    expect(points(29)).toEqual(points(29));
    expect(points(29)).not.toEqual(points(30));
  });

  test("a point is a call number in 1..calls, spread over the whole range", () => {
    const random = seededRandom(1);
    const drawn = Array.from({ length: 2000 }, () => killPoint(random, 50));
    expect(Math.min(...drawn)).toBe(1);
    expect(Math.max(...drawn)).toBe(50);
    expect(drawn.every(Number.isInteger)).toBe(true);
    // Roughly uniform: each fifth of the range gets between 15% and 25% of the draws.
    for (let fifth = 0; fifth < 5; fifth++) {
      const share = drawn.filter((n) => n > fifth * 10 && n <= (fifth + 1) * 10).length / drawn.length;
      expect(share).toBeGreaterThan(0.15);
      expect(share).toBeLessThan(0.25);
    }
  });

  test("no point among zero calls", () => {
    expect(() => killPoint(seededRandom(1), 0)).toThrow("no kill point among 0 calls");
  });

  test("each trial has a seed of its own, stable for a run's seed and index", () => {
    const seeds = Array.from({ length: 20 }, (_, i) => trialSeed(29, i));
    expect(new Set(seeds).size).toBe(20);
    expect(trialSeed(29, 3)).toBe(seeds[3]);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
  });
});
