/**
 * The code's layers (README, Architecture): a folder imports only folders of lower layers, folders of one layer
 * do not import each other, and no modules import each other in a cycle. Read from the sources' import lines.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

/** Lowest first. `.gen` holds the generated confluent bindings (providers/generate.ts). */
const LAYERS: readonly (readonly string[])[] = [
  ["lib"],
  ["stages"],
  ["filters"],
  ["access", "connectors", "providers", ".gen"],
  ["flink-sql", "monitoring"],
  ["lock"],
  ["constructs"],
  ["app"],
  ["review", "consumers"],
  ["status"],
  ["local"],
  ["offline"],
  ["cli", "bench", "cdktn", "main.ts"],
];

const root = join(__dirname, "..");
const layerOf = new Map(LAYERS.flatMap((folders, level) => folders.map((f) => [f, level] as const)));
const folderOf = (file: string): string => file.split("/")[0];

type Graph = Map<string, string[]>;

/** Module -> the project modules it imports (relative imports, requires and dynamic imports). */
function importGraph(files: readonly string[], read: (file: string) => string): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    const targets: string[] = [];
    for (const m of read(file).matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\(\s*)"(\.{1,2}\/[^"]+)"/g)) {
      const base = normalize(join(dirname(file), m[1]));
      const target = [base, `${base}.ts`, join(base, "index.ts")].find((t) => files.includes(t)) ?? base;
      targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Imports that break the layer rule, as `from -> to (why)`. */
function layerViolations(graph: Graph): string[] {
  const violations: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a === b) continue;
      const [la, lb] = [layerOf.get(a), layerOf.get(b)];
      if (la === undefined || lb === undefined)
        violations.push(`${from} -> ${to} (folder ${la === undefined ? a : b} has no layer)`);
      else if (lb > la) violations.push(`${from} -> ${to} (${a} is below ${b})`);
      else if (lb === la) violations.push(`${from} -> ${to} (${a} and ${b} are one layer)`);
    }
  }
  return violations;
}

/** Strongly connected groups of more than one module (Tarjan). */
function importCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const sources = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && !f.startsWith("__tests__/") && existsSync(join(root, f)));
const graph = importGraph(sources, (f) => readFileSync(join(root, f), "utf8"));

describe("the layers of the code", () => {
  test("the scan sees the whole tree: every top-level folder of sources has a layer", () => {
    expect(sources.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect([...new Set(sources.map(folderOf))].filter((f) => !layerOf.has(f))).toEqual([]);
  });

  test("every import goes to a lower layer", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  test("no modules import each other in a cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  test("main.ts is only an entry point: nothing imports it", () => {
    expect([...graph].filter(([, targets]) => targets.includes("main.ts")).map(([from]) => from)).toEqual([]);
  });

  test("the checks can fail: an upward import, a same-layer import and a cycle are found", () => {
    const bad: Graph = new Map([
      ["filters/load.ts", ["access/grants.ts"]],
      ["access/grants.ts", ["connectors/postgres-cdc.ts"]],
      ["lib/a.ts", ["lib/b.ts"]],
      ["lib/b.ts", ["lib/a.ts"]],
    ]);
    expect(layerViolations(bad)).toEqual([
      "filters/load.ts -> access/grants.ts (filters is below access)",
      "access/grants.ts -> connectors/postgres-cdc.ts (access and connectors are one layer)",
    ]);
    expect(importCycles(bad)).toEqual([["lib/a.ts", "lib/b.ts"]]);
  });
});
