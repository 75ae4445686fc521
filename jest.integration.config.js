/**
 * Integration tests: the *.integration.test.ts files, which start real programs (the terraform CLI with the real
 * providers, go, node running the project's scripts, npx). Same transform and cache as the unit suite.
 */
const unit = require("./jest.config.js");

module.exports = {
  ...unit,
  testMatch: ["**/*.integration.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  // Three files at once: the longest (the offline plan, the Checkov scan, the S3 lock on moto) wait on the
  // programs they start, and with two workers the 2 cores were busy 1.5 of 2.
  maxWorkers: 3,
};
