/** Class data sharing for the local JVMs (local/class-data-sharing.ts): which archive, and when one is kept. */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ARCHIVE_WRITING_GRACE_MS,
  archiveDir,
  archiveKey,
  classDataSharing,
  sharedClasses,
} from "../../local/class-data-sharing";
import { temporaryDirectory } from "../support/helpers";

const JAVA = "java openjdk version 17.0.15";
const broker = (tmp: string) => ["-Xmx1g", `-Djava.io.tmpdir=${tmp}`, "-cp", "/jars/*", "kafka.Kafka", "a.properties"];

describe("class data sharing for the local JVMs", () => {
  const saved = process.env.CDC_ROUTING_CACHE;
  let cds: string;
  beforeEach(() => {
    process.env.CDC_ROUTING_CACHE = temporaryDirectory("cds-cache");
    cds = archiveDir();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CDC_ROUTING_CACHE;
    else process.env.CDC_ROUTING_CACHE = saved;
  });

  test("one archive per Java, classpath, main class and JVM options; not per temp dir or program argument", () => {
    const key = archiveKey(JAVA, broker("/tmp/a"));
    expect(archiveKey(JAVA, [...broker("/tmp/b").slice(0, -1), "b.properties"])).toBe(key);
    expect(archiveKey("java openjdk version 21", broker("/tmp/a"))).not.toBe(key);
    expect(archiveKey(JAVA, ["-Xmx2g", ...broker("/tmp/a").slice(1)])).not.toBe(key);
    expect(archiveKey(JAVA, ["-XX:+UseSerialGC", ...broker("/tmp/a")])).not.toBe(key);
    expect(
      archiveKey(
        JAVA,
        broker("/tmp/a").map((a) => (a === "kafka.Kafka" ? "kafka.tools.StorageTool" : a)),
      ),
    ).not.toBe(key);
    expect(archiveKey(JAVA, ["-version"])).toBeUndefined();
  });

  test("the first JVM writes an archive under its own name, which becomes the archive once it ended by itself", () => {
    const first = classDataSharing(broker("/tmp/a"), {}, JAVA);
    const writing = first.args.find((a) => a.startsWith("-XX:ArchiveClassesAtExit="))!.split("=")[1];
    // The archive options go before the classpath, the program's arguments stay last.
    expect(first.args.indexOf(`-XX:ArchiveClassesAtExit=${writing}`)).toBeLessThan(first.args.indexOf("-cp"));
    expect(first.args.slice(-2)).toEqual(["kafka.Kafka", "a.properties"]);
    // Writing takes a while at exit: stop() waits longer before it kills this JVM.
    expect(first.writing).toBe(true);
    expect(sharedClasses(broker("/tmp/a")).stopGraceMs).toBe(ARCHIVE_WRITING_GRACE_MS);
    writeFileSync(writing, "archive");
    first.exited(143, null);
    expect(readdirSync(cds)).toEqual([`${archiveKey(JAVA, broker("/tmp/a"))}.jsa`]);

    const next = classDataSharing(broker("/tmp/b"), {}, JAVA);
    expect(next.args).toContain(`-XX:SharedArchiveFile=${join(cds, `${archiveKey(JAVA, broker("/tmp/a"))}.jsa`)}`);
    expect(next.args.some((a) => a.startsWith("-XX:ArchiveClassesAtExit"))).toBe(false);
    expect(next.writing).toBe(false);
  });

  test("an archive a killed JVM may have cut short is removed, never used", () => {
    for (const [code, signal] of [
      [null, "SIGKILL"],
      [null, "SIGTERM"],
    ] as const) {
      const jvm = classDataSharing(broker("/tmp/a"), {}, JAVA);
      const writing = jvm.args.find((a) => a.startsWith("-XX:ArchiveClassesAtExit="))!.split("=")[1];
      writeFileSync(writing, "half an archive");
      jvm.exited(code, signal);
      expect(existsSync(writing)).toBe(false);
      expect(readdirSync(cds)).toEqual([]);
    }
  });

  test("CDC_ROUTING_CLASS_DATA_SHARING=off leaves the arguments as they are", () => {
    expect(classDataSharing(broker("/tmp/a"), { CDC_ROUTING_CLASS_DATA_SHARING: "off" }, JAVA).args).toEqual(
      broker("/tmp/a"),
    );
  });
});
