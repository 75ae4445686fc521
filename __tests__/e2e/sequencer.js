/**
 * The e2e suites longest first, on a fresh clone too: there jest has no recorded durations (its cache lives in
 * node_modules) and orders by file size, which started the longest suite (engine-crashes, a small file) among the
 * last and left one worker running it alone at the end. The order is that of the e2e runs of 2026-12-07 03:45 and
 * 03:57 UTC (docs/performance.md, End-to-end suite); suites not named follow in jest's own order.
 */
const Sequencer = require("@jest/test-sequencer").default;

const LONGEST_FIRST = [
  "engine-crashes",
  "confluent-apply",
  "local-deploy",
  "captured-tables",
  "monitoring",
  "killed-apply",
  "consumer-key-rotation",
  "review-confluent-plans",
  "raw-schema-registration",
  "connector-replacement",
  "api-faults",
  "cdc-pipeline",
  "statement-evolution",
  "routing-property",
];

function rank(test) {
  const name = test.path
    .split("/")
    .pop()
    .replace(/\.e2e\.ts$/, "");
  const at = LONGEST_FIRST.indexOf(name);
  return at < 0 ? LONGEST_FIRST.length : at;
}

class LongestFirst extends Sequencer {
  async sort(tests) {
    // Array.prototype.sort is stable: the suites not named keep jest's order.
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
