/**
 * Reads filters.yaml into a validated FilterSet. Every problem is collected (nothing stops at the first) and
 * reported with file:line:column from the YAML source, the filter it belongs to, and what would be valid.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { FilterValidationError, formatIssue, type Path, plural } from "./errors";
import type { FilterSet, Source } from "./model";
import { parsePlainYaml } from "./plain-yaml";
import { type ValidateOptions, validateFilters } from "./validate";
import { filterLabel, positionOf } from "./yaml-source";

/** The deployed routing rules: what synth and every tool read unless told another file. */
export const DEFAULT_FILTERS_FILE = "filters/filters.yaml";

/** Parses and validates YAML text; throws FilterValidationError listing every problem with its position. */
export function parseFiltersYaml(text: string, file = "filters.yaml", options: ValidateOptions = {}): FilterSet {
  // The quick reader for plain YAML first; any other text, and any file with problems, goes through yaml's parser,
  // whose document gives each problem its position.
  const plain = parsePlainYaml(text);
  if (plain) {
    const { set } = validateFilters(plain.value, options);
    if (set) return withLocations(set, plain.value, file, plain.keyPosition);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Later YAML errors mostly cascade from the first; three are enough to find the cause.
    const shown = doc.errors.slice(0, 3).map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `YAML syntax error at ${file}:${pos.line}:${pos.col}; ${e.message.split("\n")[0]}`;
    });
    const hidden = doc.errors.length - shown.length;
    throw new FilterValidationError(
      shown,
      plural(doc.errors.length, "YAML syntax error") +
        (hidden > 0
          ? ` (the first ${shown.length} shown; the other ${hidden} follow from them: fix the first and run again)`
          : ""),
    );
  }
  const raw = doc.toJS();
  const { set, issues } = validateFilters(raw, options);
  if (set) return withLocations(set, raw, file, (path) => positionOf(doc, lines, path, true));
  throw new FilterValidationError(
    issues.map((i) => formatIssue(i, file, positionOf(doc, lines, i.path, i.atKey ?? false), filterLabel(raw, i.path))),
  );
}

/** Each declared source's `columns` position, for the column checks against the lock (lock/source-columns.ts). */
function withLocations(
  set: FilterSet,
  raw: unknown,
  file: string,
  keyPosition: (path: Path) => { line: number; col: number },
): FilterSet {
  const at = (path: Path) => {
    const pos = keyPosition(path);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const declared = (raw as { sources?: unknown[] }).sources;
  if (!Array.isArray(declared)) return set;
  const indexOf = (s: Source) =>
    declared.findIndex((d) => [`${s.schema}.${s.table}`, s.table].includes((d as { table?: string })?.table ?? ""));
  const sources = new Map(
    [...set.sources].map(([topic, s]) => [topic, { ...s, location: at(["sources", indexOf(s), "columns"]) }]),
  );
  return { ...set, sources };
}

export function loadFilters(path: string, options: ValidateOptions = {}): FilterSet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new FilterValidationError([
      `cannot read filters file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    ]);
  }
  return parseFiltersYaml(text, path, options);
}
