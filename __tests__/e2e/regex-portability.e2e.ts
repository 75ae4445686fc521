/**
 * `matches` patterns are JavaScript regular expressions (the reference evaluator runs them); Flink runs the
 * rewritten pattern from `filters/regex.ts` through its own REGEXP function (java.util.regex). Random patterns
 * over the constructs where the two engines differ, against random subjects: every pattern the validator
 * accepts must compile in Java and match exactly the subjects JavaScript matches. Flink's runtime function is
 * called directly (one JVM for all cases); the routing property test covers REGEXP inside real statements.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { findsMatch, portableRegex } from "../../filters/regex";
import { compiledProgram } from "../../local/jars";
import { javaCommand, jvmTempOptions, TemporaryDirs } from "../../local/processes";

const PATTERNS = Number(process.env.CDC_ROUTING_REGEX_PATTERNS ?? 3000);
const SUBJECTS_PER_PATTERN = 12;
// A failure names its seed; CDC_ROUTING_REGEX_SEED=<seed> replays it.
const SEED = Number(process.env.CDC_ROUTING_REGEX_SEED ?? Math.floor(Math.random() * 2 ** 31));

// Characters where the engines disagree: line terminators (U+0085 too), Unicode spaces, non-ASCII letters.
const SUBJECT_CHARS = [
  "a",
  "b",
  "x",
  "_",
  "1",
  " ",
  "-",
  "[",
  "&",
  "é",
  "É",
  "\n",
  "\r",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u3000",
  "\u000b",
  "\u0000",
  "\u0001",
  "😀",
];
const subject = fc.array(fc.constantFrom(...SUBJECT_CHARS), { maxLength: 6 }).map((cs) => cs.join(""));

const classItem = fc.constantFrom(
  "a",
  "b-d",
  "\\s",
  "\\d",
  "\\w",
  "[",
  "&",
  "\\b",
  ".",
  "$",
  "é",
  "😀",
  "\\n",
  "\\u0085",
  "-",
);
const characterClass = fc
  .tuple(fc.boolean(), fc.array(classItem, { maxLength: 3 }))
  .map(([negated, items]) => `[${negated ? "^" : ""}${items.join("")}]`);
const atom = fc.oneof(
  fc.constantFrom("a", "b", "x", "é", "😀", "\\n", "-", " ", "\\.", "\\$"),
  fc.constantFrom(
    ".",
    "\\s",
    "\\S",
    "\\d",
    "\\w",
    "\\W",
    "\\b",
    "\\B",
    "\\v",
    "\\0",
    "\\ca",
    "\\cA",
    "\\u{1F600}",
    "\\u00e9",
    "$",
    "^",
  ),
  characterClass,
);
const quantifier = fc.constantFrom("", "", "", "*", "+", "?", "{1,2}", "*?", "{2}");
const { pattern } = fc.letrec((tie) => ({
  piece: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(atom, quantifier).map(([a, q]) => a + q) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("(", "(?:", "(?=", "(?!"), tie("pattern"), quantifier)
        .map(([open, inner, q]) => `${open}${inner})${q}`),
    },
  ),
  pattern: fc.oneof(
    { maxDepth: 2, depthSize: "small" },
    fc.array(tie("piece"), { minLength: 1, maxLength: 4 }).map((ps) => ps.join("")),
    fc.tuple(tie("pattern"), tie("pattern")).map(([a, b]) => `${a}|${b}`),
  ),
})) as { pattern: fc.Arbitrary<string> };

const temporaryDirs = new TemporaryDirs();
afterAll(() => temporaryDirs.removeAll());

/** Flink's REGEXP(subject, pattern) for each pair, from one JVM: "1", "0", or "E <reason>". */
function flinkRegexp(pairs: Array<[pattern: string, subject: string]>): string[] {
  const input = pairs.map((pair) => `${pair.map((text) => Buffer.from(text).toString("base64")).join(" ")}\n`).join("");
  const java = spawnSync(
    javaCommand(),
    [
      ...jvmTempOptions(temporaryDirs.create("regex")),
      ...compiledProgram("flink", join(__dirname, "java", "RegexFind.java")),
    ],
    { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (java.status !== 0) throw new Error(`RegexFind failed (${java.status}): ${java.stderr}`);
  const answers = java.stdout.trimEnd().split("\n");
  expect(answers).toHaveLength(pairs.length);
  return answers;
}

const compiles = (p: string): boolean => {
  try {
    new RegExp(p, "u");
    return true;
  } catch {
    return false;
  }
};

test(`${PATTERNS} random patterns: Flink's REGEXP on the rewritten pattern matches what JavaScript matches`, () => {
  const cases = fc
    .sample(
      fc.tuple(
        pattern.filter(compiles),
        fc.array(subject, { minLength: SUBJECTS_PER_PATTERN, maxLength: SUBJECTS_PER_PATTERN }),
      ),
      { numRuns: PATTERNS, seed: SEED },
    )
    .map(([js, subjects]) => ({ js, rewrite: portableRegex(js), subjects }));
  const accepted = cases.filter((c) => c.rewrite.java !== undefined);
  const answers = flinkRegexp(
    accepted.flatMap((c) => c.subjects.map((subject): [string, string] => [c.rewrite.java!, subject])),
  );

  const disagreements: string[] = [];
  let k = 0;
  for (const c of accepted) {
    for (const s of c.subjects) {
      const answer = answers[k++];
      const expected = findsMatch(c.js, s) ? "1" : "0";
      if (answer !== expected)
        disagreements.push(
          `${JSON.stringify(c.js)} -> ${JSON.stringify(c.rewrite.java)} on ${JSON.stringify(s)}: JavaScript ${expected}, Flink ${answer}`,
        );
    }
  }
  expect({ seed: SEED, disagreements: disagreements.slice(0, 20) }).toEqual({ seed: SEED, disagreements: [] });
  // Not vacuous: most patterns are accepted, and they match some subjects and miss others.
  expect(accepted.length).toBeGreaterThan(PATTERNS * 0.6);
  expect(answers.filter((a) => a === "1").length).toBeGreaterThan(answers.length * 0.1);
  expect(answers.filter((a) => a === "0").length).toBeGreaterThan(answers.length * 0.1);
});

test("the rewrite is needed: unrewritten, each of these patterns disagrees with JavaScript", () => {
  const cases: Array<[string, string]> = [
    ["b$", "ab\n"],
    ["a.b", "a\u0085b"],
    ["a\\sb", "a\u00a0b"],
    ["x\\b", "xé"],
    ["[[a]", "["],
  ];
  const flink = flinkRegexp(cases);
  cases.forEach(([p, s], i) => {
    expect([p, flink[i]]).not.toEqual([p, findsMatch(p, s) ? "1" : "0"]);
  });
});
