/**
 * What a filters file can get wrong, and how it is said: an issue at a path of the document, worded with the
 * value it found and what would be valid; the error that lists every issue with file:line:column.
 */
import { InputError } from "../lib/errors";
export type Path = ReadonlyArray<string | number>;

export interface FilterIssue {
  path: Path;
  message: string;
  hint?: string;
  /** Point at the key of the last path element rather than its value (unknown keys). */
  atKey?: boolean;
}

/** `1 error`, `3 errors`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** How a value reads in a message: `a list`, `a mapping`, `string "x"`. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The value at a path of the parsed document, if any. */
export function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

export function formatIssue(
  issue: FilterIssue,
  file: string,
  pos: { line: number; col: number },
  filter?: string,
): string {
  return `${issue.message} at ${file}:${pos.line}:${pos.col}${filter ? ` in filter ${filter}` : ""}${issue.hint ? `; ${issue.hint}` : ""}`;
}

/** Every problem of a filters file, each with file:line:column; the summary counts them. */
export class FilterValidationError extends InputError {
  /** `summary` counts the errors (it may say more exist than are listed, e.g. cascading YAML errors). */
  constructor(errors: readonly string[], summary = plural(errors.length, "error")) {
    super(errors, summary);
  }
}
