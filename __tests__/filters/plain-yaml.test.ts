/**
 * Property: the quick reader for plain YAML (filters/plain-yaml.ts) gives yaml's value and key positions, or hands
 * the text to yaml. Whenever it returns a value, yaml parses the same text without an error to the same value, and
 * every key path gets the position filters/yaml-source.ts finds in yaml's document.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { LineCounter, parseDocument } from "yaml";
import { scaleFiltersYaml } from "../../bench/scale-inputs";
import type { Path } from "../../filters/errors";
import { parseFiltersYaml } from "../../filters/load";
import { parsePlainYaml } from "../../filters/plain-yaml";
import { positionOf } from "../../filters/yaml-source";

/** Every path of a value, and below each mapping one key it does not have. */
function paths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i])), [...at, value.length]];
  if (value !== null && typeof value === "object")
    return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k])), [...at, "not-a-key"]];
  return [at];
}

/** What the plain reader got wrong against yaml for this text, or undefined when it agrees or hands the text over. */
function disagreement(text: string): string | undefined {
  const plain = parsePlainYaml(text);
  if (!plain) return undefined;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return `read a text yaml refuses: ${doc.errors[0].message}`;
  const expected = doc.toJS();
  // isDeepStrictEqual tells -0 from 0 and NaN apart; JSON's text also compares the order of keys.
  if (!isDeepStrictEqual(plain.value, expected) || JSON.stringify(plain.value) !== JSON.stringify(expected))
    return `value ${JSON.stringify(plain.value)} instead of ${JSON.stringify(expected)}`;
  for (const path of paths(expected)) {
    const ours = plain.keyPosition(path);
    const yamls = positionOf(doc, lines, path, true);
    if (ours.line !== yamls.line || ours.col !== yamls.col)
      return `position of ${JSON.stringify(path)}: ${ours.line}:${ours.col} instead of ${yamls.line}:${yamls.col}`;
  }
  return undefined;
}

const KEYS = ["name", "a b", "a:b", "x#y", "é", "-a", "true", "1", "~", "__proto__", "constructor", "k"];
// Scalars every style writes validly (some resolve to numbers, booleans or null), and ones that break or change a
// document in some styles (indicators, quotes, comments, tabs).
const SCALARS = ["LoanCreated", "a b", "x#y", "1", "-0", "0o17", "0x1F", "1e3", ".5", "1.", ".inf", "-.Inf", ".nan"];
const WORDS = ["true", "False", "null", "~", "12:30", "1_000", "-x", "it's", "😀", "é"];
const TRICKY = [
  "v:",
  "x #y",
  "a: b",
  "[0]",
  "a[0].b",
  "-",
  "?",
  "&a",
  "*a",
  "!t",
  "|",
  ">",
  "%",
  "@",
  "`",
  "'q'",
  '"q"',
];
const ODD = ['say "hi"', "a\\b", "tab\there", ""];

/** A text for a scalar: plain, single-quoted, double-quoted (JSON's escapes), or with a YAML-only escape. */
const scalarText = (s: string): fc.Arbitrary<string> =>
  fc.constantFrom(s, `'${s.replaceAll("'", "''")}'`, JSON.stringify(s), `"${s.replaceAll("\\", "\\\\")}\\x41\\u00e9"`);

type Tree = string | { seq: Tree[] } | { map: Array<[string, Tree]> };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc
      .oneof(
        { weight: 6, arbitrary: fc.constantFrom(...SCALARS, ...WORDS) },
        { weight: 1, arbitrary: fc.constantFrom(...TRICKY, ...ODD) },
      )
      .chain(scalarText),
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((seq): Tree => ({ seq })),
    fc
      .uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 })
      .chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(scalarText(k), tie("node")))))
      .map((map): Tree => ({ map })),
  ),
})).node;

/** A tree as flow YAML on one line. */
function flow(t: Tree): string {
  if (typeof t === "string") return t;
  if ("map" in t) return `{ ${t.map.map(([k, v]) => `${k}: ${flow(v)}`).join(", ")} }`;
  return `[${t.seq.map(flow).join(", ")}]`;
}

/** A tree as block YAML at an indentation, flow for some parts, with comments; `style` picks per node. */
function block(t: Tree, indent: number, style: () => number): string[] {
  const pad = " ".repeat(indent);
  const step = 1 + (style() % 3);
  const comment = () => (style() % 4 === 0 ? " # note: [x]" : "");
  if (typeof t === "string" || style() % 5 === 0) return [`${pad}${flow(t)}${comment()}`];
  if ("map" in t)
    return t.map.flatMap(([k, v]) => {
      if (typeof v === "string" || style() % 3 === 0) return [`${pad}${k}: ${flow(v)}${comment()}`];
      const sameIndent = "seq" in v && style() % 2 === 0;
      return [`${pad}${k}:${comment()}`, ...block(v, sameIndent ? indent : indent + step, style)];
    });
  return t.seq.flatMap((item) => {
    if (typeof item !== "string" && "map" in item && style() % 2 === 0) {
      // `- key: value`, the mapping's other keys under the first.
      const [first, ...rest] = block(item, indent + 2, style);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    }
    if (typeof item === "string" || style() % 3 === 0) return [`${pad}- ${flow(item)}${comment()}`];
    return [`${pad}-${comment()}`, ...block(item, indent + step, style)];
  });
}

const documents = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS).chain(scalarText), tree), { minLength: 1, maxLength: 4 }),
    fc.infiniteStream(fc.nat(59)),
  )
  .map(([entries, choices]) => {
    const it = choices[Symbol.iterator]();
    const style = () => it.next().value as number;
    return `# a comment\n${block({ map: entries }, 0, style).join("\n")}\n`;
  });

// Characters that mean something in YAML, to break generated documents with.
const SIGNIFICANT = [
  "\u00a0",
  "\u3000",
  ":",
  "-",
  "#",
  "[",
  "]",
  "{",
  "}",
  ",",
  "'",
  '"',
  "&",
  "*",
  "!",
  "|",
  ">",
  "?",
  "%",
  "@",
  "\\",
  " ",
  "\n",
  "\t",
  "\r",
];

test("every filters file of the project is read by the plain reader, as yaml reads it", () => {
  const dir = join(__dirname, "../../filters");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const file of files) {
    const text = readFileSync(join(dir, file), "utf8");
    expect([file, parsePlainYaml(text) !== undefined]).toEqual([file, true]);
    expect([file, disagreement(text)]).toEqual([file, undefined]);
  }
  const scale = scaleFiltersYaml(200, 20);
  expect(parsePlainYaml(scale)).toBeDefined();
  expect(disagreement(scale)).toBeUndefined();
});

test("generated documents: the plain reader agrees with yaml on each one it reads, and reads most", () => {
  let read = 0;
  fc.assert(
    fc.property(documents, (text) => {
      if (parsePlainYaml(text)) read++;
      expect(disagreement(text)).toBeUndefined();
    }),
    { numRuns: 1500, seed: 4101 },
  );
  // Not vacuous: documents with quoted keys and tricky scalars still leave the plain reader most of them.
  expect(read).toBeGreaterThan(1500 * 0.3);
});

test("broken documents: whatever the plain reader reads, yaml reads the same way", () => {
  let read = 0;
  let handedOver = 0;
  fc.assert(
    fc.property(
      documents,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SIGNIFICANT), fc.boolean()), { minLength: 1, maxLength: 3 }),
      (text, edits) => {
        let broken = text;
        for (const [at, c, replace] of edits) {
          const i = at % (broken.length + 1);
          broken = broken.slice(0, i) + c + broken.slice(replace ? i + 1 : i);
        }
        if (parsePlainYaml(broken)) read++;
        else handedOver++;
        expect(disagreement(broken)).toBeUndefined();
      },
    ),
    { numRuns: 3000, seed: 4102 },
  );
  expect(read).toBeGreaterThan(100);
  expect(handedOver).toBeGreaterThan(100);
});

// What the plain reader reads (and yaml reads the same way), and what it hands to yaml.
test.each([
  ["quotes", `a: 'it''s'\nb: "x\\ty\\u00e9\\x41\\U0001F600"\n'c d': "e"\n`, "read"],
  ["flow collections", "a: [x, 'y', \"z\", [], {}]\nb: { c: 1, 'd': [2, { e: f }] }\n", "read"],
  ["comments", "# head\na: x#y # tail\nb: # tail\n  # inside\n  - 1 # one\n", "read"],
  ["entries of a sequence as mappings", "a:\n  - b: 1\n    c:\n    - d\n  -   e: 2\n", "read"],
  ["a sequence at its key's indentation", "a:\n- 1\n- [2]\nb: 3\n", "read"],
  ["values on lines of their own", "a:\n  [1, 2]\nb:\n  'c'\nc:\n  d\n", "read"],
  ["keys that are not text", "1: a\ntrue: b\n~: c\n.5: d\n", "read"],
  ["an anchor and an alias", "a: &x 1\nb: *x\n", "handed to yaml"],
  ["a tag", "a: !!str 1\n", "handed to yaml"],
  ["a block scalar", "a: |\n  text\n", "handed to yaml"],
  ["a multi-line plain scalar", "a: one\n  two\n", "handed to yaml"],
  ["a quoted scalar over two lines", 'a: "one\n  two"\n', "handed to yaml"],
  ["a flow collection over two lines", "a: [x,\n  y]\n", "handed to yaml"],
  ["a duplicate key", "a: 1\na: 2\n", "handed to yaml"],
  ["an empty value", "a:\nb: 1\n", "handed to yaml"],
  ["a document marker", "---\na: 1\n", "handed to yaml"],
  ["a tab", "a:\t1\n", "handed to yaml"],
  ["CR line ends", "a: 1\r\nb: 2\r\n", "handed to yaml"],
  ["a trailing comma", "a: [x, y, ]\n", "handed to yaml"],
  ["a top-level sequence", "- a\n- b\n", "handed to yaml"],
  ["an escape only yaml reads", 'a: "\\e"\n', "handed to yaml"],
  ["a key met as a number and as text", '1: a\n"1": b\n', "handed to yaml"],
  ["a __proto__ key", "__proto__: a\n", "handed to yaml"],
  // Found by review: white space JavaScript trims and YAML does not, ':' before a flow indicator, limits.
  ["a no-break space after a value", "a: b\u00a0\n", "handed to yaml"],
  ["an ideographic space before a key", "\u3000a: 1\n", "handed to yaml"],
  ["a line of a no-break space", "a: 1\n\u00a0\nb: 2\n", "handed to yaml"],
  ["':' before a flow sequence's end", "a: [x:]\n", "handed to yaml"],
  ["':' before a flow entry's comma", "a: [x:, y]\n", "handed to yaml"],
  ["':' after a flow mapping's value", "a: { k: v:}\n", "handed to yaml"],
  ["a key of 1,000 characters", `${"k".repeat(1000)}: 1\n`, "read"],
  ["a key over 1,024 characters", `${"k".repeat(1100)}: 1\n`, "handed to yaml"],
  ["flow nested 40 deep", `a: ${"[".repeat(40)}${"]".repeat(40)}\n`, "read"],
  ["flow nested 20,000 deep", `a: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`, "handed to yaml"],
  [
    "blocks nested 60 deep",
    `${Array.from({ length: 60 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1\n`,
    "handed to yaml",
  ],
] as const)("%s: %s", (_, text, expected) => {
  expect(parsePlainYaml(text) ? "read" : "handed to yaml").toBe(expected);
  expect(disagreement(text)).toBeUndefined();
});

test("a file with problems still gets every problem with its position from yaml's document", () => {
  const text = readFileSync(join(__dirname, "../../filters/filters.yaml"), "utf8").replace(
    "op: equals, value: LoanCreated",
    "op: equal, value: LoanCreated",
  );
  const line = text.split("\n").findIndex((l) => l.includes("op: equal,")) + 1;
  expect(parsePlainYaml(text)).toBeDefined();
  expect(() => parseFiltersYaml(text, "filters.yaml")).toThrow(new RegExp(`filters\\.yaml:${line}:\\d+`));
});

test("a value the plain reader hands over is still checked: a no-break space after an output topic is refused", () => {
  const text = readFileSync(join(__dirname, "../../filters/filters.yaml"), "utf8").replace(
    "outputTopic: filtered-loan-created-events",
    "outputTopic: filtered-loan-created-events\u00a0",
  );
  expect(() => parseFiltersYaml(text, "filters.yaml")).toThrow(/output topic/);
});
