/**
 * A quick reader for the plain YAML a filters file is written in: block mappings and sequences, one-line flow
 * collections (`[create, snapshot]`, `{ field: event_type, op: equals }`), one-line plain and quoted scalars, and
 * comments. It returns what `yaml`'s `parseDocument(text).toJS()` returns, or undefined for any text that uses more
 * of YAML (anchors, tags, block scalars, multi-line scalars, document markers, white space other than the space,
 * duplicate keys, keys over 1,000 characters, deep nesting) or that YAML refuses: the caller then parses with `yaml`
 * itself, which reports errors with their positions.
 *
 * Why: `yaml`'s general parser runs as a chain of generators, slow in a process that starts cold; it was three
 * quarters of `cdc-routing validate` of 1,000 filters, and the largest single part of a synth at 400 filters.
 * Plain scalars resolve through `yaml`'s own core-schema tags, so `1`, `true`, `~` and `.5` read as yaml reads them.
 * `__tests__/filters/plain-yaml.test.ts` compares both readers on generated documents and on every YAML file of the
 * project, values and key positions.
 */
import { isScalar, type ScalarTag, Schema } from "yaml";
import type { Path } from "./errors";

/** Where each key of the document starts (offsets into the text), as yaml's nodes' ranges give them. */
interface Located {
  offset: number;
  /** By the key's name in the value; `key` is the key's own value (a number for `1:`), which paths must match. */
  keys?: Keys;
  items?: Located[];
}

export interface PlainYaml {
  value: unknown;
  /** What `filters/yaml-source.ts` positionOf(doc, lines, path, true) gives for the same text: line and column. */
  keyPosition(path: Path): { line: number; col: number };
}

type Keys = Map<string, { key: unknown; keyOffset: number; value: Located }>;

class NotPlain extends Error {}

const CORE_TAGS = new Schema({}).tags.filter((t): t is ScalarTag => t.default === true && "test" in t && !!t.test);
// Characters that start something other than a plain scalar (YAML 1.2, 7.3.3 and 5.3).
const INDICATOR = /^[[\]{},#&*!|>'"%@`]|^[-?:](?:\s|$)/;
const KEY_END = /:(?: |$)/;
// YAML's limit for an implicit key (the ':' within 1024 characters of its start), and a nesting depth far beyond any
// filters file's (yaml reports a stack overflow of its own for deep nesting).
const LONGEST_KEY = 1000;
const DEEPEST = 50;
// One-line double-quoted escapes read here; others (\a, \e, \N, line folding...) go to yaml.
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "/": "/", n: "\n", t: "\t", r: "\r", "0": "\0" };
const HEX_ESCAPE: Record<string, number> = { x: 2, u: 4, U: 8 };

interface Line {
  indent: number;
  /** The line's content from `indent` on. */
  text: string;
  /** Offset of text[0] in the document. */
  offset: number;
}

/** The document's value and key positions, or undefined when the text needs yaml's full parser. */
export function parsePlainYaml(text: string): PlainYaml | undefined {
  // Any white space but the space and the line feed (tabs, CR line ends, U+00A0, U+3000: YAML reads only the space as
  // indentation and separation, JavaScript's trim reads them all), control characters and a byte-order mark.
  if (/[^\S \n]|(?!\n)[\p{Cc}\uFEFF]/u.test(text)) return undefined;
  try {
    const reader = new Reader(contentLines(text));
    const root = reader.block(0);
    if (!reader.done() || root.located.keys === undefined) return undefined;
    return { value: root.value, keyPosition: (path) => lineAndColumn(text, keyOffset(root.located, path)) };
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

/** Lines with content: blank lines and whole-line comments hold none. */
function contentLines(text: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of text.split("\n")) {
    const indent = raw.length - raw.trimStart().length;
    const rest = raw.slice(indent);
    if (rest !== "" && !rest.startsWith("#")) {
      if (/^(?:---|\.\.\.)(?:\s|$)/.test(rest) && indent === 0) throw new NotPlain();
      lines.push({ indent, text: rest, offset: offset + indent });
    }
    offset += raw.length + 1;
  }
  return lines;
}

interface Parsed {
  value: unknown;
  located: Located;
}

class Reader {
  private next = 0;
  private depth = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.next === this.lines.length;
  }

  /**
   * The value starting at the current line, indented `indent` or more: a block mapping or sequence, or a flow
   * collection or scalar on a line of its own. A line deeper than the entries of the block it is in (the rest of a
   * multi-line scalar, or a mistake) is refused by that block's loop; below the root, by done().
   */
  block(indent: number): Parsed {
    const line = this.lines[this.next];
    if (!line || line.indent < indent || this.depth > DEEPEST) throw new NotPlain();
    this.depth++;
    try {
      if (isSequenceEntry(line.text)) return this.sequence(line.indent);
      if (startsMapping(line.text)) return this.mapping(line.indent);
      this.next++;
      return inlineValue(line.text, line.offset);
    } finally {
      this.depth--;
    }
  }

  private mapping(indent: number): Parsed {
    const value: Record<string, unknown> = {};
    const keys: Keys = new Map();
    const located: Located = { offset: this.lines[this.next].offset, keys };
    for (let line = this.lines[this.next]; line && line.indent >= indent; line = this.lines[this.next]) {
      if (line.indent > indent || isSequenceEntry(line.text)) throw new NotPlain();
      const { key, rest, restOffset } = splitKey(line.text, line.offset);
      this.next++;
      setEntry(value, keys, key, line.offset, this.valueAfter(rest, restOffset, indent, true));
    }
    return { value, located };
  }

  private sequence(indent: number): Parsed {
    const value: unknown[] = [];
    const items: Located[] = [];
    const located: Located = { offset: this.lines[this.next].offset, items };
    for (let line = this.lines[this.next]; line && line.indent >= indent; line = this.lines[this.next]) {
      if (line.indent > indent) throw new NotPlain();
      if (!isSequenceEntry(line.text)) break;
      const after = line.text.slice(1);
      const spaces = after.length - after.trimStart().length;
      const rest = after.slice(spaces);
      const restOffset = line.offset + 1 + spaces;
      let parsed: Parsed;
      if (rest !== "" && !rest.startsWith("#") && KEY_END.test(rest) && !/^[[{"']/.test(rest)) {
        // `- key: value`: a mapping whose lines start at the key's column.
        this.lines[this.next] = { indent: line.indent + 1 + spaces, text: rest, offset: restOffset };
        parsed = this.mapping(line.indent + 1 + spaces);
      } else {
        if (isSequenceEntry(rest)) throw new NotPlain();
        this.next++;
        parsed = this.valueAfter(rest, restOffset, indent, false);
      }
      value.push(parsed.value);
      items.push(parsed.located);
    }
    return { value, located };
  }

  /**
   * A key's or an entry's value: on its line (`rest`), or the block on the lines below. A mapping's value may be a
   * sequence at the mapping's own indentation.
   */
  private valueAfter(rest: string, offset: number, indent: number, ofMapping: boolean): Parsed {
    if (rest !== "" && !rest.startsWith("#")) return inlineValue(rest, offset);
    const below = this.lines[this.next];
    if (below && (below.indent > indent || (ofMapping && below.indent === indent && isSequenceEntry(below.text))))
      return this.block(below.indent);
    throw new NotPlain(); // an empty value: yaml's null node sits at a position this reader does not track
  }
}

const isSequenceEntry = (text: string): boolean => text === "-" || text.startsWith("- ");

/** Whether a line holds `key: …` (plain or quoted key) rather than a value of its own. */
function startsMapping(text: string): boolean {
  if (text[0] === "[" || text[0] === "{") return false;
  if (text[0] === '"' || text[0] === "'") {
    const { end } = quotedScalar(text, 0);
    return text[end] === ":";
  }
  return KEY_END.test(text);
}

/**
 * A mapping's entry as yaml's toJS sets it: under the key's text (null's is ""). A key met twice (`1` and `"1"`
 * included) and `__proto__` are left to yaml.
 */
function setEntry(object: Record<string, unknown>, keys: Keys, key: unknown, keyOffset: number, entry: Parsed) {
  const name = key === null ? "" : String(key);
  if (name === "__proto__" || keys.has(name)) throw new NotPlain();
  object[name] = entry.value;
  keys.set(name, { key, keyOffset, value: entry.located });
}

/** `key: rest` of a mapping line: the key (plain or quoted), and what follows `: ` without its spaces. */
function splitKey(text: string, offset: number): { key: unknown; rest: string; restOffset: number } {
  let key: unknown;
  let end: number;
  if (text[0] === '"' || text[0] === "'") {
    const quoted = quotedScalar(text, 0);
    key = quoted.value;
    end = quoted.end;
    if (text[end] !== ":" || (text[end + 1] !== undefined && text[end + 1] !== " ")) throw new NotPlain();
  } else {
    const colon = text.search(KEY_END);
    if (colon < 0 || colon > LONGEST_KEY) throw new NotPlain();
    const source = text.slice(0, colon);
    if (source !== source.trimEnd() || source.includes(" #")) throw new NotPlain();
    key = plainScalar(source);
    end = colon;
  }
  const after = text.slice(end + 1);
  const spaces = after.length - after.trimStart().length;
  return { key, rest: after.slice(spaces), restOffset: offset + end + 1 + spaces };
}

/** A value written on the rest of a line: a flow collection, a quoted scalar or a plain scalar, then a comment. */
function inlineValue(rest: string, offset: number): Parsed {
  if (rest[0] === "[" || rest[0] === "{") {
    const flow = flowCollection(rest, 0, offset);
    endOfLine(rest, flow.end);
    return flow;
  }
  if (rest[0] === '"' || rest[0] === "'") {
    const quoted = quotedScalar(rest, 0);
    endOfLine(rest, quoted.end);
    return { value: quoted.value, located: { offset } };
  }
  const comment = rest.indexOf(" #");
  const source = (comment < 0 ? rest : rest.slice(0, comment)).trimEnd();
  if (KEY_END.test(source)) throw new NotPlain(); // `a: b: c`, which YAML refuses
  return { value: plainScalar(source), located: { offset } };
}

/** Only spaces, then maybe a comment, after position `at`. */
function endOfLine(text: string, at: number): void {
  const rest = text.slice(at);
  if (rest.trim() !== "" && !/^ +#/.test(rest)) throw new NotPlain();
}

/** A one-line flow sequence or mapping starting at text[at]; its value and the index after its closing bracket. */
function flowCollection(text: string, at: number, lineOffset: number, depth = 0): Parsed & { end: number } {
  if (depth > DEEPEST) throw new NotPlain();
  const sequence = text[at] === "[";
  const close = sequence ? "]" : "}";
  const array: unknown[] = [];
  const object: Record<string, unknown> = {};
  const items: Located[] = [];
  const keys: Keys = new Map();
  const located: Located = sequence ? { offset: lineOffset + at, items } : { offset: lineOffset + at, keys };
  let i = skipSpaces(text, at + 1);
  if (text[i] === close) return { value: sequence ? array : object, located, end: i + 1 };
  for (;;) {
    if (sequence) {
      const item = flowItem(text, i, lineOffset, depth);
      array.push(item.value);
      items.push(item.located);
      i = item.end;
    } else {
      const keyStart = i;
      const key = flowItem(text, i, lineOffset, depth, true);
      if (text[key.end] !== ":" || text[key.end + 1] !== " " || key.end - keyStart > LONGEST_KEY) throw new NotPlain();
      const value = flowItem(text, skipSpaces(text, key.end + 1), lineOffset, depth);
      setEntry(object, keys, key.value, lineOffset + keyStart, value);
      i = value.end;
    }
    i = skipSpaces(text, i);
    if (text[i] === close) return { value: sequence ? array : object, located, end: i + 1 };
    if (text[i] !== ",") throw new NotPlain();
    i = skipSpaces(text, i + 1);
    if (text[i] === close) throw new NotPlain(); // a trailing comma: left to yaml
  }
}

/** A flow entry at text[at]: a nested collection, a quoted scalar or a plain one (up to `,`, a bracket or a `:`). */
function flowItem(text: string, at: number, lineOffset: number, depth: number, key = false): Parsed & { end: number } {
  const c = text[at];
  if (c === "[" || c === "{") {
    if (key) throw new NotPlain();
    return flowCollection(text, at, lineOffset, depth + 1);
  }
  if (c === '"' || c === "'") {
    const quoted = quotedScalar(text, at);
    return { value: quoted.value, located: { offset: lineOffset + at }, end: quoted.end };
  }
  // In flow, ':' before a space, a flow indicator or the end separates a key from its value.
  const separator = (i: number) => text[i] === ":" && (i + 1 === text.length || " ,[]{}".includes(text[i + 1]));
  let end = at;
  while (end < text.length && !",[]{}".includes(text[end]) && !separator(end)) end++;
  const source = text.slice(at, end).trimEnd();
  // A ':' ends a key; after a value or in a sequence's entry it would make an implicit mapping, and '#' a comment:
  // left to yaml.
  if (source === "" || source.includes("#") || (!key && text[end] === ":")) throw new NotPlain();
  return { value: plainScalar(source), located: { offset: lineOffset + at }, end: at + source.length };
}

const skipSpaces = (text: string, i: number): number => {
  while (text[i] === " ") i++;
  return i;
};

/** A plain scalar's value as yaml's core schema resolves it (null, booleans, numbers), else the text itself. */
function plainScalar(source: string): unknown {
  if (source === "" || INDICATOR.test(source)) throw new NotPlain();
  const tag = CORE_TAGS.find((t) => t.test?.test(source));
  if (!tag) return source;
  const resolved = tag.resolve(
    source,
    () => {
      throw new NotPlain();
    },
    {},
  );
  return isScalar(resolved) ? resolved.value : resolved;
}

/** A one-line quoted scalar starting at text[at] (its quote): its value and the index after its closing quote. */
function quotedScalar(text: string, at: number): { value: string; end: number } {
  const quote = text[at];
  let value = "";
  for (let i = at + 1; i < text.length; ) {
    const c = text[i];
    if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (quote === '"' && c === "\\") {
      const e = text[i + 1];
      if (e in ESCAPES) {
        value += ESCAPES[e];
        i += 2;
        continue;
      }
      const digits = HEX_ESCAPE[e];
      const hex = digits === undefined ? "" : text.slice(i + 2, i + 2 + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw new NotPlain();
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) throw new NotPlain();
      value += String.fromCodePoint(code);
      i += 2 + digits;
      continue;
    }
    value += c;
    i++;
  }
  throw new NotPlain(); // not closed on its line
}

/** The offset positionOf(doc, lines, path, atKey = true) finds: the last key on the path, else the node reached. */
function keyOffset(root: Located, path: Path): number {
  let node: Located | undefined = root;
  let key: number | undefined;
  for (const p of path) {
    if (node.keys) {
      const entry = node.keys.get(String(p));
      if (entry?.key !== p) break;
      key = entry.keyOffset;
      node = entry.value;
    } else if (node.items && typeof p === "number" && node.items[p]) {
      key = undefined;
      node = node.items[p];
    } else break;
  }
  return key ?? node.offset;
}

/** 1-based line and column of an offset, as yaml's LineCounter gives them. */
function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
