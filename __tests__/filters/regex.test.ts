/**
 * `matches` patterns are JavaScript regular expressions rewritten for Flink's java.util.regex. These tests pin the
 * rewrite and the refusals; `__tests__/e2e/regex-portability.e2e.ts` checks the rewrite against real Java.
 */
import { findsMatch, JS_WHITESPACE, portableRegex } from "../../filters/regex";

test("JS_WHITESPACE holds exactly the code points JavaScript's \\s matches", () => {
  const ours = new RegExp(`^[${JS_WHITESPACE}]$`, "u");
  const js = /^\s$/u;
  const differ: string[] = [];
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const ch = String.fromCodePoint(code);
    if (ours.test(ch) !== js.test(ch)) differ.push(code.toString(16));
  }
  expect(differ).toEqual([]);
});

// Unanchored patterns get a guard: no match starts inside a surrogate pair.
const guarded = (java: string): string => `(?<![\\uD800-\\uDBFF])(?:${java})`;

test.each([
  ["b$", "b(?![\\s\\S])"],
  ["a.b", "a[^\\n\\r\\u2028\\u2029]b"],
  ["a\\sb", `a[${JS_WHITESPACE}]b`],
  ["[\\s,]", `[${JS_WHITESPACE},]`],
  ["\\S+", `[^${JS_WHITESPACE}]+`],
  ["\\bword\\B", "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))word(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))"],
  ["[\\b]", "[\\x08]"],
  ["\\v\\0\\ca\\cZ", "\\x0B\\x00\\x01\\x1A"],
  ["\\u{1F600}|\\u00e9", "\\x{1F600}|\\u00e9"],
  ["[[a&&b]", "[\\[a\\&\\&b]"],
  ["x[]|y[^]", "x(?!)|y[\\s\\S]"],
  ["(?<year>\\d{4})-\\k<year>", "(?<year>\\d{4})-\\k<year>"],
  ["[$.]\\$\\.", "[$.]\\$\\."],
  ["^a|b", "^a|b"],
  ["(^a)", "(^a)"],
])("%s is rewritten as %s", (pattern, java) => {
  expect(portableRegex(pattern)).toEqual({ java: guarded(java) });
});

test.each([
  ["^[0-9a-f]{8}-", "^[0-9a-f]{8}-"],
  ["^a.$|^[|]", "^a[^\\n\\r\\u2028\\u2029](?![\\s\\S])|^[|]"],
])("%s starts at 0 only and needs no guard", (pattern, java) => {
  expect(portableRegex(pattern)).toEqual({ java });
});

test.each([
  ["(unclosed", /^regular expression does not compile: .*Unterminated group/],
  ["\\p{L}", /^'\\p\{…\}' \(Unicode property\) is named differently/],
  ["[^\\S]", /^'\\S' inside a character class has no exact equivalent/],
  ["", /^an empty pattern matches every value/],
  ["(?<=a)b", /^'\(\?<=' \(look-behind\) is not supported/],
  ["x(?<!a)", /^'\(\?<!' \(look-behind\) is not supported/],
  ["(?<first_name>x)", /^group name 'first_name' is not valid/],
  // Java ends a repetition at an empty pass, JavaScript makes the rest: found by regex-portability (seed 986575046).
  ["(^.*?){2} ", /^'\(\^\.\*\?\)\{2\}' repeats a group that can match the empty string at least twice/],
  ["x(?:a|){3}", /^'\(\?:a\|\)\{3\}' repeats a group/],
  ["(x)(?<y>\\b|z?){2,5}", /^'\(\?<y>\\b\|z\?\)\{2,5\}' repeats a group/],
  ["((a)|\\2){2}", /repeats a group that can match the empty string/],
])("%s is refused", (pattern, message) => {
  expect(portableRegex(pattern).problem).toMatch(message);
});

test.each(["(\\d{3}-){2}\\d{4}", "(a*){1,3}", "(a*)+", "(?:(?=x)a){2}", "((a)\\2){2}", "[(]{2}", "(x)(y?){0,2}"])(
  "%s repeats no group that can match the empty string at least twice: accepted",
  (pattern) => {
    expect(portableRegex(pattern).problem).toBeUndefined();
  },
);

test("matches start at code points: V8 alone would find \\B inside the emoji's surrogate pair", () => {
  expect(/\B/u.test("b😀_")).toBe(true);
  expect(findsMatch("\\B", "b😀_")).toBe(false);
  expect(findsMatch("\\B", "ab")).toBe(true);
  expect(findsMatch("😀", "b😀_")).toBe(true);
});
