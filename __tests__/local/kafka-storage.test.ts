/**
 * A broker's formatted log directory (local/kafka.ts formattedStorage): formatted once, copied for every start. The
 * format here writes marker files where the properties say; the e2e suites start every broker from Kafka's own format.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formattedStorage } from "../../local/kafka";
import { temporaryDirectory } from "../support/helpers";

/** A format that writes what StorageTool writes into the properties' log.dirs, counting its calls. */
function fakeFormat(): { calls: string[]; format: (properties: string) => Promise<void> } {
  const calls: string[] = [];
  return {
    calls,
    format: async (properties) => {
      const text = readFileSync(properties, "utf8");
      calls.push(text);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const dir = /^log\.dirs=(.*)$/m.exec(text)?.[1] as string;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "meta.properties"), "node.id=1\n");
      writeFileSync(join(dir, "bootstrap.checkpoint"), "features");
    },
  };
}

const templatesIn = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("formatted-storage-"));

describe("formattedStorage", () => {
  test("the first start formats a template for the broker's node and roles; every start gets a copy of it", async () => {
    const templates = temporaryDirectory("kafka-template");
    const { calls, format } = fakeFormat();
    const first = join(temporaryDirectory("broker"), "kafka-data");
    const second = join(temporaryDirectory("broker"), "kafka-data");
    await formattedStorage(first, format, templates);
    await formattedStorage(second, format, templates);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^process\.roles=broker,controller\nnode\.id=1\n/);
    for (const dir of [first, second])
      expect(readdirSync(dir).sort()).toEqual(["bootstrap.checkpoint", "meta.properties"]);
    // Only the template is left: no scratch folder.
    expect(readdirSync(templates)).toEqual([expect.stringMatching(/^formatted-storage-[0-9a-f]{12}$/)]);
  });

  test("starts that format at once all get a complete copy, and one template is kept", async () => {
    const templates = temporaryDirectory("kafka-template");
    const { calls, format } = fakeFormat();
    const dirs = [1, 2, 3].map(() => join(temporaryDirectory("broker"), "kafka-data"));
    await Promise.all(dirs.map((d) => formattedStorage(d, format, templates)));
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const dir of dirs) expect(readdirSync(dir).sort()).toEqual(["bootstrap.checkpoint", "meta.properties"]);
    expect(readdirSync(templates)).toHaveLength(1);
  });

  test("a log directory that already holds a format is refused, as StorageTool refuses it", async () => {
    const templates = temporaryDirectory("kafka-template");
    const logDir = join(temporaryDirectory("broker"), "kafka-data");
    await formattedStorage(logDir, fakeFormat().format, templates);
    await expect(formattedStorage(logDir, fakeFormat().format, templates)).rejects.toThrow(/exist/i);
  });

  test("a failed format leaves no template and no scratch folder, and says why; a killed one's scratch goes later", async () => {
    const templates = temporaryDirectory("kafka-template");
    const failing = async () => {
      throw new Error("formatting Kafka storage failed: no java");
    };
    await expect(
      formattedStorage(join(temporaryDirectory("broker"), "kafka-data"), failing, templates),
    ).rejects.toThrow("no java");
    expect(readdirSync(templates)).toEqual([]);

    // A format killed part-way an hour ago left its scratch folder; the next format removes it.
    const { format } = fakeFormat();
    await formattedStorage(join(temporaryDirectory("broker"), "kafka-data"), format, templates);
    const [template] = templatesIn(templates);
    const hourAgo = new Date(Date.now() - 3_600_000);
    const other = temporaryDirectory("kafka-template-2");
    mkdirSync(join(other, `${template}.12345-abcd`));
    utimesSync(join(other, `${template}.12345-abcd`), hourAgo, hourAgo);
    await formattedStorage(join(temporaryDirectory("broker"), "kafka-data"), format, other);
    expect(existsSync(join(other, `${template}.12345-abcd`))).toBe(false);
  });
});
