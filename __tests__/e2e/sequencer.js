/**
 * The e2e suites longest first, on a fresh clone too: there jest has no recorded durations (its cache lives in
 * node_modules) and orders by file size, which started the longest suite (engine-crashes, a small file) among the
 * last and left one worker running it alone at the end. Every suite is named, so the short ones end the run
 * wherever jest's cache is: a 25 s suite started last kept one worker busy 10 s after the others were done
 * (shared-broker, 2026-12-07 12:17 UTC). The order is that of the e2e runs of 2026-12-07 12:17-12:42 UTC
 * (docs/performance.md, End-to-end suite); a suite not named follows them in jest's own order.
 */
const Sequencer = require("@jest/test-sequencer").default;

const LONGEST_FIRST = [
  "engine-crashes",
  "confluent-apply",
  "monitoring",
  "local-deploy",
  "captured-tables",
  "consumer-key-rotation",
  "review-confluent-plans",
  "raw-schema-registration",
  "killed-apply",
  "connector-replacement",
  "statement-evolution",
  "flink-key-rotation",
  "manager-key-rotation",
  "api-faults",
  "source-database",
  "cdc-pipeline",
  "routing-property",
  "shared-broker",
  "flink-routing",
  "confluent-statements",
  "regex-portability",
  "shared-flink",
  "delete-handling",
  "topic-reads",
];

function rank(test) {
  const name = test.path
    .split("/")
    .pop()
    .replace(/\.e2e\.ts$/, "");
  const at = LONGEST_FIRST.indexOf(name);
  return at < 0 ? LONGEST_FIRST.length : at;
}

/** The named suites first, in LONGEST_FIRST's order, then the others in the order given (jest's). */
function longestFirst(tests) {
  // Array.prototype.sort is stable: the suites not named keep jest's order.
  return [...tests].sort((a, b) => rank(a) - rank(b));
}

class LongestFirst extends Sequencer {
  async sort(tests) {
    return longestFirst(await super.sort(tests));
  }
}

module.exports = LongestFirst;
module.exports.LONGEST_FIRST = LONGEST_FIRST;
module.exports.longestFirst = longestFirst;
