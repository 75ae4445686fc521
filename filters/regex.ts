/**
 * `matches` patterns are written (and evaluated by the reference evaluator) as JavaScript regular expressions
 * with the `u` flag; Flink's REGEXP runs them with java.util.regex. The two differ on a few constructs, so the
 * pattern is rewritten into a Java pattern that matches exactly the same strings, and constructs that cannot be
 * rewritten are refused with a reason:
 *
 * - `$` in Java also matches before a final line terminator ("ab\n" matches `b$`): written `(?![\s\S])`.
 * - `.` in Java also stops at U+0085: written as JavaScript's set, `[^\n\r\u2028\u2029]`.
 * - `\s` in Java is ASCII only; JavaScript's includes Unicode spaces: written out as JavaScript's set.
 * - `\b` in Java 17 uses Unicode letters, JavaScript's uses `\w` (ASCII): written with `\w` lookarounds.
 * - `\v` in Java is a class of vertical whitespace; `\0` needs octal digits; `\u{…}` does not exist.
 * - Inside a class, Java reads `[` as a nested class and `&&` as intersection: both escaped.
 * - Both engines may start an empty match between the two halves of a surrogate pair (an emoji); neither should.
 *   Java is told not to with a leading look-behind; the evaluator skips such matches (`findsMatch`).
 * - Look-behind is refused: Java steps back in UTF-16 units and refuses many bounded forms.
 * - A group that can match the empty string, repeated at least twice (`(^.*?){2}`), is refused: Java ends a
 *   repetition at its first pass that matches nothing, even short of the minimum, and JavaScript goes on.
 */

/** JavaScript's `\s` (WhiteSpace and LineTerminator), as class content in Java syntax. */
export const JS_WHITESPACE =
  "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";
const JS_DOT = "[^\\n\\r\\u2028\\u2029]";
const END = "(?![\\s\\S])";
const WORD_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";
const NOT_WORD_BOUNDARY = "(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))";
// No match starts right after a high surrogate, i.e. inside a pair.
const AT_CODE_POINT = "(?<![\\uD800-\\uDBFF])";
const hex = (code: number): string => `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
// Java group names: an ASCII letter, then ASCII letters and digits.
const JAVA_GROUP_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

export type PortableRegex = { java: string; problem?: undefined } | { java?: undefined; problem: string };

class Refused extends Error {}

/** Rewrites a JavaScript (`u` flag) pattern into the java.util.regex pattern with the same matches. */
export function portableRegex(pattern: string): PortableRegex {
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    return { problem: `regular expression does not compile: ${(e as Error).message}` };
  }
  if (pattern === "")
    return { problem: "an empty pattern matches every value (and Flink's REGEXP none); use isNotNull" };
  try {
    const chars = [...pattern];
    const { java, anchored } = rewrite(chars);
    // After rewrite, which refuses look-behind, inline flags and '\p{…}': the walk below reads only what is left.
    refuseRepeatedEmptyGroups(chars);
    return { java: anchored ? java : `${AT_CODE_POINT}(?:${java})` };
  } catch (e) {
    if (e instanceof Refused) return { problem: e.message };
    throw e;
  }
}

const compiled = new Map<string, RegExp>();

/**
 * The reference semantics of `matches`: the JavaScript pattern is found somewhere in the value, starting at a
 * code point (V8 also tries the middle of a surrogate pair, where an assertion-only pattern can match).
 */
export function findsMatch(pattern: string, value: string): boolean {
  let global = compiled.get(pattern);
  if (global === undefined) {
    global = new RegExp(pattern, "gu");
    compiled.set(pattern, global);
  }
  global.lastIndex = 0;
  for (let m = global.exec(value); m !== null; m = global.exec(value)) {
    const inPair =
      m.index > 0 &&
      m.index < value.length &&
      /[\uD800-\uDBFF]/.test(value[m.index - 1]) &&
      /[\uDC00-\uDFFF]/.test(value[m.index]);
    if (!inPair) return true;
    global.lastIndex = m.index + 1;
  }
  return false;
}

/** The Java pattern of a validated `matches` value; a pattern the validator would refuse is a programming error. */
export function javaRegex(pattern: string): string {
  const result = portableRegex(pattern);
  if (result.problem !== undefined)
    throw new Error(`unvalidated regular expression ${JSON.stringify(pattern)}: ${result.problem}`);
  return result.java;
}

/** An escape `\x…` starting at chars[i] (the backslash): its Java form and how many characters it took. */
function javaEscape(chars: string[], i: number, inClass: boolean): { java: string; length: number } {
  const c = chars[i + 1];
  switch (c) {
    case "s":
      return { java: inClass ? JS_WHITESPACE : `[${JS_WHITESPACE}]`, length: 2 };
    case "S":
      if (inClass)
        throw new Refused(
          "'\\S' inside a character class has no exact equivalent in Flink's regular expressions; write the class without it",
        );
      return { java: `[^${JS_WHITESPACE}]`, length: 2 };
    case "b":
      return { java: inClass ? "\\x08" : WORD_BOUNDARY, length: 2 };
    case "B":
      return { java: NOT_WORD_BOUNDARY, length: 2 };
    case "v":
      return { java: "\\x0B", length: 2 };
    case "0":
      return { java: "\\x00", length: 2 };
    case "c":
      // JavaScript takes the letter modulo 32, Java XORs it with 64: they differ for lower-case letters.
      return { java: hex(chars[i + 2].charCodeAt(0) % 32), length: 3 };
    case "p":
    case "P":
      throw new Refused(
        `'\\${c}{…}' (Unicode property) is named differently in Flink's regular expressions; list the characters or ranges instead`,
      );
    case "k": {
      const close = chars.indexOf(">", i);
      const name = chars.slice(i + 3, close).join("");
      checkGroupName(name);
      return { java: `\\k<${name}>`, length: close - i + 1 };
    }
    case "u":
      if (chars[i + 2] === "{") {
        const close = chars.indexOf("}", i);
        return { java: `\\x{${chars.slice(i + 3, close).join("")}}`, length: close - i + 1 };
      }
      return { java: chars.slice(i, i + 6).join(""), length: 6 };
    default:
      // Identity escapes of syntax characters, \d \w \D \W \t \n \f \r \xHH and back-references mean the same.
      return { java: `\\${c}`, length: 2 };
  }
}

function checkGroupName(name: string): void {
  if (!JAVA_GROUP_NAME.test(name))
    throw new Refused(
      `group name '${name}' is not valid in Flink's regular expressions; use ASCII letters and digits, starting with a letter`,
    );
}

/** A group opening at chars[i] ('('): refuses look-behind, inline flags and group names Java rejects. */
function checkGroup(chars: string[], i: number): void {
  if (chars[i + 1] !== "?") return;
  const next = chars[i + 2];
  if (next === ":" || next === "=" || next === "!") return;
  if (next === "<" && (chars[i + 3] === "=" || chars[i + 3] === "!")) {
    throw new Refused(
      `'(?<${chars[i + 3]}' (look-behind) is not supported: Flink's Java regular expressions step back in UTF-16 units and refuse many bounded forms; use a look-ahead or a plain group`,
    );
  }
  if (next !== "<") throw new Refused(`'(?${next}' (inline flags) is not supported; write the pattern without flags`);
  checkGroupName(chars.slice(i + 3, chars.indexOf(">", i)).join(""));
}

/**
 * The Java form of the pattern, and whether every top-level alternative starts with '^' (matches then start at 0
 * only, so no look-behind guard is needed).
 */
function rewrite(chars: string[]): { java: string; anchored: boolean } {
  let out = "";
  let inClass = false;
  let depth = 0;
  let anchored = true;
  let alternativeStart = true;
  for (let i = 0; i < chars.length; ) {
    const c = chars[i];
    if (alternativeStart && c !== "^") anchored = false;
    alternativeStart = false;
    if (c === "\\") {
      const { java, length } = javaEscape(chars, i, inClass);
      out += java;
      i += length;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c === "[" || c === "&" ? `\\${c}` : c;
      i++;
    } else if (c === "[") {
      const negated = chars[i + 1] === "^";
      const first = i + (negated ? 2 : 1);
      if (chars[first] === "]") {
        // [] matches nothing and [^] anything; Java reads a leading ']' as a literal.
        out += negated ? "[\\s\\S]" : "(?!)";
        i = first + 1;
      } else {
        inClass = true;
        out += negated ? "[^" : "[";
        i = first;
      }
    } else {
      if (c === "(") {
        checkGroup(chars, i);
        depth++;
      }
      if (c === ")") depth--;
      if (c === "|" && depth === 0) alternativeStart = true;
      out += c === "." ? JS_DOT : c === "$" ? END : c;
      i++;
    }
  }
  // A trailing '|' leaves an empty alternative, which matches anywhere.
  return { java: out, anchored: anchored && !alternativeStart };
}

/**
 * Java's loop over a group (java.util.regex.Pattern.Loop) stops at a pass that matched nothing and goes on after
 * the loop, even before the minimum count; JavaScript counts that pass and makes the next ones: `(^.*?){2} ` finds
 * "_1 " in JavaScript (an empty first pass, then `^` again at 0) and not in Java. With a minimum of 0 or 1 both
 * reach the same matches. So a group that can match the empty string, with a minimum of 2 or more, is refused.
 * Walks a pattern that compiled with the `u` flag and that rewrite accepted; throws Refused. A back-reference is taken
 * as able to match the empty string (its group may be unset), so `(a)(\1){2}` is refused too.
 */
function refuseRepeatedEmptyGroups(chars: string[]): void {
  let i = 0;
  // Whether the alternatives from chars[i] up to the closing ')' (or the end) can match the empty string.
  const alternatives = (): boolean => {
    let any = false;
    for (;;) {
      let all = true;
      while (i < chars.length && chars[i] !== "|" && chars[i] !== ")") all = piece() && all;
      any ||= all;
      if (chars[i] !== "|") return any;
      i++;
    }
  };
  // One atom and its quantifier: whether it can match the empty string.
  const piece = (): boolean => {
    const start = i;
    const { empty, group } = atom();
    const min = quantifierMin();
    if (group && empty && min >= 2)
      throw new Refused(
        `'${chars.slice(start, i).join("")}' repeats a group that can match the empty string at least twice, which Flink's regular expressions match differently (they end the repetition at the first empty pass); make the group match at least one character, or repeat it with '*' or '+'`,
      );
    return empty || min === 0;
  };
  const atom = (): { empty: boolean; group: boolean } => {
    const c = chars[i];
    if (c === "(") {
      const lookahead = chars[i + 1] === "?" && (chars[i + 2] === "=" || chars[i + 2] === "!");
      if (chars[i + 1] === "?") i = chars[i + 2] === "<" ? chars.indexOf(">", i) + 1 : i + 3;
      else i++;
      const empty = alternatives();
      i++;
      return { empty: empty || lookahead, group: !lookahead };
    }
    if (c === "[") {
      i = classEnd(chars, i);
      return { empty: false, group: false };
    }
    if (c === "\\") return { empty: skipEscape(), group: false };
    i++;
    // '^' and '$' match no character.
    return { empty: c === "^" || c === "$", group: false };
  };
  // Moves past an escape; whether it can match nothing (assertions, back-references).
  const skipEscape = (): boolean => {
    const c = chars[i + 1];
    const close = (end: string) => chars.indexOf(end, i) + 1;
    if (c === "k") i = close(">");
    else if (c === "u" && chars[i + 2] === "{") i = close("}");
    else if (c === "u") i += 6;
    else if (c === "x") i += 4;
    else if (c === "c") i += 3;
    else if (/[1-9]/.test(c)) {
      i += 2;
      while (/[0-9]/.test(chars[i] ?? "")) i++;
      return true;
    } else i += 2;
    return c === "b" || c === "B" || c === "k";
  };
  const quantifierMin = (): number => {
    const c = chars[i];
    let min = 1;
    if (c === "*" || c === "?") min = 0;
    if (c === "*" || c === "?" || c === "+") i++;
    else if (c === "{") {
      const close = chars.indexOf("}", i);
      min = Number(
        chars
          .slice(i + 1, close)
          .join("")
          .split(",")[0],
      );
      i = close + 1;
    } else return 1;
    if (chars[i] === "?") i++;
    return min;
  };
  alternatives();
}

/** The index just past the character class opening at chars[i]; a leading ']' (`[]`, `[^]`) closes it. */
function classEnd(chars: string[], i: number): number {
  let j = i + 1;
  if (chars[j] === "^") j++;
  if (chars[j] === "]") return j + 1;
  while (chars[j] !== "]") j += chars[j] === "\\" ? 2 : 1;
  return j + 1;
}
