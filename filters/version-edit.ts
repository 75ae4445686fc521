/**
 * Writes new filter versions into a filters file in place: only the characters of each `version` value change, so
 * comments, layout and quoting stay exactly as the author wrote them.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";

/** The text with each named filter's `version` set; throws if a filter or its version cannot be found. */
export function withVersions(text: string, versions: ReadonlyMap<string, number>): string {
  const doc = parseDocument(text, { lineCounter: new LineCounter() });
  const filters = doc.get("filters", true);
  if (!isSeq(filters)) throw new Error("the filters file has no filters list");
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const item of filters.items) {
    if (!isMap(item)) continue;
    const name = item.get("name");
    const version = item.get("version", true);
    if (typeof name !== "string" || !versions.has(name)) continue;
    if (!isScalar(version) || !version.range) throw new Error(`filter ${name} has no version to update`);
    edits.push({ start: version.range[0], end: version.range[1], text: String(versions.get(name)) });
  }
  const missing = [...versions.keys()].filter((n) => !filters.items.some((i) => isMap(i) && i.get("name") === n));
  if (missing.length > 0) throw new Error(`filters not found in the file: ${missing.join(", ")}`);
  // From the end, so earlier offsets stay valid.
  return edits
    .sort((a, b) => b.start - a.start)
    .reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
}
