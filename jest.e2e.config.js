/**
 * End-to-end tests against the real engines (PostgreSQL, Kafka, Kafka Connect + Debezium, Flink), started by the
 * tests as local processes. Separate from the unit config so `jest` stays fast; run with `npm run test:e2e`.
 */
const unit = require("./jest.config.js");

module.exports = {
  ...unit,
  roots: ["<rootDir>/__tests__/e2e"],
  testMatch: ["**/*.e2e.ts"],
  // Engines start in beforeAll; a bounded Flink job plus reads takes tens of seconds.
  testTimeout: 300_000,
  // Five suites at once: each owns its engines on free loopback ports and its own temp dirs (but the Kafka broker,
  // which a worker keeps between its suites and hands over empty: local/shared-broker.ts), and a suite spends
  // much of its time waiting (engines starting, the provider's polls, events flowing). With terraform's lighter
  // test-run settings four workers kept 1.4 of the 2 cores busy; five took 227 and 237 s where four took 246 and
  // 247 s (alternating), six 220 s for more CPU time (docs/performance.md, End-to-end suite).
  maxWorkers: 5,
  testSequencer: "<rootDir>/__tests__/e2e/sequencer.js",
  globalSetup: "<rootDir>/__tests__/e2e/global-setup.ts",
  // The suite's name in the environment of what it starts, for bench:process-cpu's per-suite CPU.
  setupFilesAfterEnv: ["<rootDir>/__tests__/e2e/suite-name.ts"],
  // Fails the run if a started process still runs or this run's temp dirs remain.
  globalTeardown: "<rootDir>/__tests__/e2e/global-teardown.ts",
};
