import { FilterValidationError } from "../../filters/errors";
import { parseFiltersYaml } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { TemporaryDirs } from "../../local/processes";

/** Wraps YAML filter entries in a document. */
export function filtersYaml(body: string): string {
  return `filters:\n${body}`;
}

/** The error list a YAML text produces; fails the test if it validates. */
export function errorsOf(text: string): string[] {
  try {
    parseFiltersYaml(text, "filters.yaml");
  } catch (e) {
    if (e instanceof FilterValidationError) return [...e.problems];
    throw e;
  }
  throw new Error("expected validation errors, but the filters are valid");
}

export function parse(text: string): FilterSet {
  return parseFiltersYaml(text, "filters.yaml");
}

/** A valid filter entry in YAML with the given conditions block (indented for the list item). */
export function filterEntry(name: string, conditions: string, extra = ""): string {
  return [
    `  - name: ${name}`,
    `    description: test filter ${name}`,
    `    outputTopic: out-${name}`,
    `    version: 1`,
    `    operations: [create]`,
    ...(extra ? [extra] : []),
    `    conditions:`,
    conditions,
  ].join("\n");
}

const temporaryDirectories = new TemporaryDirs();
afterAll(() => temporaryDirectories.removeAll());

/** A fresh directory under the system temp dir, removed after the test file (a synth writes megabytes). */
export function temporaryDirectory(prefix: string): string {
  return temporaryDirectories.create(prefix);
}

/** A test body that runs `fn` with `vars` set in process.env, and puts back what was there (or nothing) after. */
export function withEnv(vars: Record<string, string>, fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      await fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
}
