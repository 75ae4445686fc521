/** Where a path of the filters document stands in its YAML source, and which filter it belongs to. */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import { type Path, valueAt } from "./errors";

/** Source position of a path in the YAML document (1-based line and column). */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: Path,
  atKey: boolean,
): { line: number; col: number } {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | undefined;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === p);
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      if (!node) break;
    } else if (isSeq(node) && typeof p === "number" && node.items[p]) {
      keyNode = undefined;
      node = node.items[p] as Node;
    } else break;
  }
  const target = (atKey && keyNode) || node || keyNode;
  const offset = target?.range?.[0] ?? 0;
  return lines.linePos(offset);
}

export function filterLabel(raw: unknown, path: Path): string | undefined {
  if (path[0] !== "filters" || typeof path[1] !== "number") return undefined;
  const name = (valueAt(raw, path.slice(0, 2)) as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name ? name : `#${path[1] + 1}`;
}
