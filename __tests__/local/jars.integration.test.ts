/** local/jars.ts with the JDK's real tools: programs compiled once (javac), nested jars unpacked (jar). */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledProgram, unpackNestedJar } from "../../local/jars";
import { temporaryDirectory } from "../support/helpers";

const program = (greeting: string) =>
  `public final class Greet { public static void main(String[] a) { System.out.println("${greeting} " + a[0]); } }`;

function runJava(args: string[]): string {
  const java = spawnSync("java", ["-XX:-UsePerfData", ...args], { encoding: "utf8" });
  if (java.status !== 0) throw new Error(java.stderr);
  return java.stdout.trim();
}

describe("compiledProgram", () => {
  const saved = process.env.CDC_ROUTING_CACHE;
  let source: string;
  let programs: string;
  beforeEach(() => {
    process.env.CDC_ROUTING_CACHE = temporaryDirectory("programs-cache");
    programs = join(process.env.CDC_ROUTING_CACHE, "programs");
    source = join(temporaryDirectory("programs-source"), "Greet.java");
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CDC_ROUTING_CACHE;
    else process.env.CDC_ROUTING_CACHE = saved;
  });

  test("compiles once, runs the class, and compiles again only when the source changes", () => {
    writeFileSync(source, program("hello"));
    const args = compiledProgram("kafka", source);
    expect(args.slice(-1)).toEqual(["Greet"]);
    expect(runJava([...args, "there"])).toBe("hello there");
    const [dir] = readdirSync(programs);
    const compiledAt = statSync(join(programs, dir, "Greet.class")).mtimeMs;

    expect(compiledProgram("kafka", source)).toEqual(args);
    expect(statSync(join(programs, dir, "Greet.class")).mtimeMs).toBe(compiledAt);

    writeFileSync(source, program("bye"));
    const changed = compiledProgram("kafka", source);
    expect(changed).not.toEqual(args);
    expect(runJava([...changed, "now"])).toBe("bye now");
    // One directory per component too: the same source against another classpath is compiled again.
    expect(compiledProgram("flink", source)).not.toEqual(changed);
    expect(readdirSync(programs)).toHaveLength(3);
  });

  test("a source javac refuses: its error, and nothing half-written left in the cache", () => {
    writeFileSync(source, "public final class Greet { nonsense }");
    expect(() => compiledProgram("kafka", source)).toThrow(/javac failed for .*Greet\.java: .*error/s);
    expect(readdirSync(programs)).toEqual([]);
  });
});

describe("unpackNestedJar", () => {
  test("puts the nested jar beside the outer one; a missing outer jar or entry is named", () => {
    const jars = temporaryDirectory("nested-jars");
    const staging = temporaryDirectory("nested-staging");
    writeFileSync(join(staging, "inner.jar"), "inner bytes");
    const made = spawnSync("jar", [
      "-J-XX:-UsePerfData",
      "--create",
      "--file",
      join(jars, "outer-loader-1.2.jar"),
      "-C",
      staging,
      "inner.jar",
    ]);
    expect(made.status).toBe(0);

    unpackNestedJar(jars, /^outer-loader-[\d.]+\.jar$/, "inner.jar");
    expect(readFileSync(join(jars, "inner.jar"), "utf8")).toBe("inner bytes");

    expect(() => unpackNestedJar(jars, /^other-loader\.jar$/, "inner.jar")).toThrow(/no jar matching .*other-loader/);
    expect(() => unpackNestedJar(jars, /^outer-loader-[\d.]+\.jar$/, "absent.jar")).toThrow(
      /could not unpack absent\.jar from outer-loader-1\.2\.jar/,
    );
  });
});
