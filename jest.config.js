/** Unit tests: TypeScript through @swc/jest (ts-jest does not support TypeScript 7; tsc type-checks separately). */
const swc = [
  "@swc/jest",
  { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
];

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Tests that start real programs (terraform, go, the project's scripts as processes) are the integration suite
  // (jest.integration.config.js): the unit suite stays in-process.
  testPathIgnorePatterns: ["/node_modules/", "\\.integration\\.test\\.ts$"],
  transform: { "^.+\\.(t|j|mj)s$": swc },
  // dt-sql-parser and its ANTLR runtime ship ES modules; compile them to CommonJS like our own code.
  transformIgnorePatterns: ["/node_modules/(?!(dt-sql-parser|antlr4-c3|antlr4ng)/)"],
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
  // Jest's default is one worker per core minus one: a single worker on a 2-core machine ran the files one
  // after another. Two workers use both cores (the e2e config sets its own).
  maxWorkers: 2,
  // The transform cache lives with the dependencies, not in the system temp dir (a test run leaves nothing there).
  cacheDirectory: "<rootDir>/node_modules/.cache/jest",
  // Every test file synthesizes without a stack trace per token, as main.ts does.
  setupFiles: ["<rootDir>/__tests__/support/token-traces-off.ts"],
  // The run's id prefixes its temp dirs; the teardown fails the run if anything of it is left (support/test-run.ts).
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
};
