/**
 * Integration tests: the *.integration.test.ts files, which start real programs (the terraform CLI with the real
 * providers, go, node running the project's scripts, npx). Same transform and cache as the unit suite.
 */
const unit = require("./jest.config.js");

module.exports = {
  ...unit,
  testMatch: ["**/*.integration.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
};
