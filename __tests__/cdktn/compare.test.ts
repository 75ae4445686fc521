/**
 * Comparing a stage synthesized on cdktf with the same stage on cdktn (cdktn/compare.ts): the library version in
 * the metadata is the one expected difference; any other value, and any other change of the text, is named.
 */
import { comparableText, compareStacks, jsonDifferences, LIBRARY_VERSION_PATH } from "../../cdktn/compare";

/** A cdk.tf.json as cdktf writes it: sorted keys, two-space indent, an empty object over two lines. */
function cdktfText(version: string, region = "eu-west-1"): string {
  return `{
  "//": {
    "metadata": {
      "backend": "s3",
      "stackName": "dev",
      "version": "${version}"
    }
  },
  "resource": {
    "confluent_kafka_cluster": {
      "kafka": {
        "region": "${region}",
        "standard": [
          {
          }
        ]
      }
    }
  },
  "terraform": {
    "required_providers": {
      "aws": {
        "source": "aws",
        "version": "6.25.0"
      }
    }
  }
}`;
}

/** The same file as cdktn writes it: an empty object as {}. */
function cdktnText(version: string, region = "eu-west-1"): string {
  return cdktfText(version, region).replace(/\{\n\s*\}/, "{}");
}

describe("jsonDifferences", () => {
  test("names each differing value by its path, a missing one as undefined", () => {
    expect(jsonDifferences({ a: { b: [1, 2], c: "x" } }, { a: { b: [1, 3, 4], d: "y" } })).toEqual([
      { path: "a.b.1", cdktf: 2, cdktn: 3 },
      { path: "a.b.2", cdktf: undefined, cdktn: 4 },
      { path: "a.c", cdktf: "x", cdktn: undefined },
      { path: "a.d", cdktf: undefined, cdktn: "y" },
    ]);
  });

  test("equal documents have none; an object and a list are different values", () => {
    expect(jsonDifferences({ a: [{}, null, true] }, { a: [{}, null, true] })).toEqual([]);
    expect(jsonDifferences({ a: {} }, { a: [] })).toEqual([{ path: "a", cdktf: {}, cdktn: [] }]);
  });
});

describe("compareStacks", () => {
  test("the same stack on both libraries: only the library version differs", () => {
    expect(compareStacks(cdktfText("0.21.0"), cdktnText("0.24.0"))).toEqual({
      unexplained: [],
      versions: { cdktf: "0.21.0", cdktn: "0.24.0" },
      sameText: true,
    });
    expect(LIBRARY_VERSION_PATH).toBe("//.metadata.version");
  });

  test("any other value is named", () => {
    const { unexplained, sameText } = compareStacks(cdktfText("0.21.0"), cdktnText("0.24.0", "eu-central-1"));
    expect(unexplained).toEqual([
      { path: "resource.confluent_kafka_cluster.kafka.region", cdktf: "eu-west-1", cdktn: "eu-central-1" },
    ]);
    expect(sameText).toBe(false);
  });

  test("the same JSON in another key order is not the same text", () => {
    const { terraform, ...rest } = JSON.parse(cdktnText("0.24.0"));
    const reordered = JSON.stringify({ terraform, ...rest }, null, 2);
    expect(compareStacks(cdktfText("0.21.0"), reordered)).toMatchObject({ unexplained: [], sameText: false });
  });

  test("comparableText replaces only the metadata's version, not a provider's", () => {
    const text = comparableText(cdktfText("6.25.0"), "6.25.0");
    expect(text).toContain('"version": "<library version>"');
    expect(text).toContain('"version": "6.25.0"');
    expect(text).toContain('"standard": [\n          {}\n        ]');
  });
});
