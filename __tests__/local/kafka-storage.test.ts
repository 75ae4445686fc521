/**
 * A broker's formatted log directory (local/kafka.ts formattedStorage): formatted once, copied for every start. The
 * format here writes marker files; the e2e suites start every broker from Kafka's own format.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formattedStorage } from "../../local/kafka";
import { temporaryDirectory } from "../support/helpers";

/** A format that writes what StorageTool writes, counting its calls. */
function fakeFormat(): { calls: string[]; format: (dir: string, properties: string) => Promise<void> } {
  const calls: string[] = [];
  return {
    calls,
    format: async (dir, properties) => {
      calls.push(readFileSync(properties, "utf8"));
      await new Promise((resolve) => setTimeout(resolve, 20));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "meta.properties"), "node.id=1\n");
      writeFileSync(join(dir, "bootstrap.checkpoint"), "features");
    },
  };
}

describe("formattedStorage", () => {
  test("the first start formats a template for the broker's node and roles; every start gets a copy of it", async () => {
    const cache = temporaryDirectory("kafka-template");
    const template = join(cache, "formatted-storage");
    const { calls, format } = fakeFormat();
    const first = join(temporaryDirectory("broker"), "kafka-data");
    const second = join(temporaryDirectory("broker"), "kafka-data");
    await formattedStorage(first, format, template);
    await formattedStorage(second, format, template);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^process\.roles=broker,controller\nnode\.id=1\n/);
    for (const dir of [first, second])
      expect(readdirSync(dir).sort()).toEqual(["bootstrap.checkpoint", "meta.properties"]);
    // Only the template is left in the cache: no scratch folder.
    expect(readdirSync(cache)).toEqual(["formatted-storage"]);
  });

  test("starts that format at once both get a complete copy, and one template is kept", async () => {
    const cache = temporaryDirectory("kafka-template");
    const template = join(cache, "formatted-storage");
    const { calls, format } = fakeFormat();
    const dirs = [1, 2, 3].map(() => join(temporaryDirectory("broker"), "kafka-data"));
    await Promise.all(dirs.map((d) => formattedStorage(d, format, template)));
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const dir of dirs) expect(readdirSync(dir).sort()).toEqual(["bootstrap.checkpoint", "meta.properties"]);
    expect(readdirSync(cache)).toEqual(["formatted-storage"]);
  });

  test("a failed format leaves no template and no scratch folder, and says why", async () => {
    const cache = temporaryDirectory("kafka-template");
    const template = join(cache, "formatted-storage");
    const failing = async () => {
      throw new Error("formatting Kafka storage failed: no java");
    };
    await expect(formattedStorage(join(temporaryDirectory("broker"), "kafka-data"), failing, template)).rejects.toThrow(
      "no java",
    );
    expect(existsSync(template)).toBe(false);
    expect(readdirSync(cache)).toEqual([]);
  });
});
