/**
 * Comparing a stage's cdk.tf.json synthesized on cdktf with the same stage synthesized on cdktn. The one
 * difference expected is the library version cdktf and cdktn write into the stack's metadata; apart from it the
 * two files hold the same JSON in the same key order. As text they also differ in how an empty object or list is
 * spelled: cdktf writes it over two lines (json-stable-stringify), cdktn as `{}` (safe-stable-stringify).
 */

export interface Difference {
  /** Dotted path of the value; `//` is Terraform's comment key, holding cdktf's metadata. */
  path: string;
  cdktf: unknown;
  cdktn: unknown;
}

/** Where both libraries write their own version. */
export const LIBRARY_VERSION_PATH = "//.metadata.version";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every value that differs between two JSON documents, by path (a missing value is undefined). */
export function jsonDifferences(cdktf: unknown, cdktn: unknown, path = ""): Difference[] {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(cdktf) && Array.isArray(cdktn)) {
    const length = Math.max(cdktf.length, cdktn.length);
    return Array.from({ length }, (_, i) => jsonDifferences(cdktf[i], cdktn[i], at(i))).flat();
  }
  if (isObject(cdktf) && isObject(cdktn)) {
    const keys = [...new Set([...Object.keys(cdktf), ...Object.keys(cdktn)])].sort();
    return keys.flatMap((key) => jsonDifferences(cdktf[key], cdktn[key], at(key)));
  }
  return Object.is(cdktf, cdktn) ? [] : [{ path, cdktf, cdktn }];
}

/** The text with empty objects and lists as `{}` and `[]`, and the metadata's library version as a placeholder. */
export function comparableText(text: string, libraryVersion: string): string {
  // Keys are sorted and "//" comes first: the first `"version"` line is the metadata's.
  return text
    .replace(/([{[])\n\s*([}\]])/g, "$1$2")
    .replace(`"version": ${JSON.stringify(libraryVersion)}`, '"version": "<library version>"');
}

export interface StackComparison {
  /** Differences other than the library version (none expected). */
  unexplained: Difference[];
  /** The library version each file names, when that is where they differ. */
  versions?: { cdktf: unknown; cdktn: unknown };
  /** The texts are the same apart from the version and the spelling of empty objects and lists. */
  sameText: boolean;
}

export function compareStacks(cdktfText: string, cdktnText: string): StackComparison {
  const differences = jsonDifferences(JSON.parse(cdktfText), JSON.parse(cdktnText));
  const version = differences.find((d) => d.path === LIBRARY_VERSION_PATH);
  const unexplained = differences.filter((d) => d !== version);
  const versionOf = (side: unknown) => (typeof side === "string" ? side : "");
  return {
    unexplained,
    versions: version && { cdktf: version.cdktf, cdktn: version.cdktn },
    sameText:
      comparableText(cdktfText, versionOf(version?.cdktf)) === comparableText(cdktnText, versionOf(version?.cdktn)),
  };
}
