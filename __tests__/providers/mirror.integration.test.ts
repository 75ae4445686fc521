/**
 * The provider build from source archives: checksums first, one clear message per kind of bad input, and a
 * binary in the mirror only when a build completed (real `go build` of a tiny module standing in for a provider).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildProviderIntoMirror,
  isInMirror,
  mirrorBinaryPath,
  mirrorBlocker,
  mirrorDir,
  parseSha256Sums,
  requireProgram,
  unpackIntoMirror,
  verifyArchives,
} from "../../providers/mirror";
import type { ProviderBuildPin } from "../../providers/pins";
import { temporaryDirectory, withEnv } from "../support/helpers";

const pin: ProviderBuildPin = {
  source: "example/tiny",
  version: "0.0.1",
  goModule: "example.com/terraform-provider-tiny",
  goCommit: "0000000000000000000000000000000000000000",
  sourceArchive: "terraform-provider-tiny-0.0.1.tar.gz",
  replacedModules: { "example.com/greeting": "greeting-v0.1.0.tar.gz" },
};

/** Writes a folder of files as `<name>.tar.gz` holding one top-level folder, like the upstream archives. */
function archive(dir: string, name: string, top: string, files: Record<string, string>): void {
  const stage = temporaryDirectory("archive-src");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(stage, top, path, ".."), { recursive: true });
    writeFileSync(join(stage, top, path), text);
  }
  const tar = spawnSync("tar", ["-czf", join(dir, name), "-C", stage, top]);
  expect(tar.status).toBe(0);
}

function writeSums(dir: string): void {
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith(".tar.gz"))
    .map(
      (f) =>
        `${createHash("sha256")
          .update(readFileSync(join(dir, f)))
          .digest("hex")}  ${f}`,
    );
  writeFileSync(join(dir, "SHA256SUMS"), `${lines.join("\n")}\n`);
}

/** Sources for the tiny provider: its main package imports a module the "proxy" would refuse. */
function tinySources(mainGo: string): string {
  const dir = temporaryDirectory("provider-src");
  archive(dir, pin.sourceArchive, "terraform-provider-tiny-0.0.1", {
    "go.mod": "module example.com/terraform-provider-tiny\n\ngo 1.21\n\nrequire example.com/greeting v0.1.0\n",
    "main.go": mainGo,
  });
  archive(dir, "greeting-v0.1.0.tar.gz", "greeting", {
    "go.mod": "module example.com/greeting\n\ngo 1.21\n",
    "greeting.go": 'package greeting\n\nfunc Hello() string { return "hello" }\n',
  });
  writeSums(dir);
  return dir;
}

const GOOD_MAIN =
  'package main\n\nimport (\n\t"fmt"\n\t"example.com/greeting"\n)\n\nfunc main() { fmt.Println(greeting.Hello()) }\n';

const quiet = () => undefined;

test("SHA256SUMS lines parse in both sha256sum modes", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);
  expect(parseSha256Sums(`${a}  x.tar.gz\n${b} *y.tar.gz\n\n`)).toEqual(
    new Map([
      ["x.tar.gz", a],
      ["y.tar.gz", b],
    ]),
  );
});

test("bad archives: each gives one message naming the file and what to do", () => {
  const dir = tinySources(GOOD_MAIN);
  expect(verifyArchives(pin, dir)).toMatch(
    /^[0-9a-f]{64} {2}terraform-provider-tiny-0\.0\.1\.tar\.gz\n[0-9a-f]{64} {2}greeting-v0\.1\.0\.tar\.gz$/,
  );

  writeFileSync(join(dir, "greeting-v0.1.0.tar.gz"), "damaged");
  expect(() => verifyArchives(pin, dir)).toThrow(
    `${join(dir, "greeting-v0.1.0.tar.gz")} fails its checksum (SHA256SUMS says`,
  );

  rmSync(join(dir, "greeting-v0.1.0.tar.gz"));
  expect(() => verifyArchives(pin, dir)).toThrow(
    `${join(dir, "greeting-v0.1.0.tar.gz")} is missing: copy the provider sources again`,
  );

  expect(() => verifyArchives({ ...pin, sourceArchive: "other.tar.gz" }, dir)).toThrow(
    "SHA256SUMS lists no checksum for other.tar.gz",
  );
  const empty = temporaryDirectory("no-sums");
  expect(() => verifyArchives(pin, empty)).toThrow(
    `${join(empty, "SHA256SUMS")} is missing: the provider sources are not there`,
  );
});

test(
  "a missing Go toolchain or Terraform CLI is named with what to install",
  withEnv({ PATH: "/nonexistent" }, async () => {
    expect(() => requireProgram("go")).toThrow(
      "the Go toolchain (go), which builds the providers from source, is not on PATH: install Go 1.25 or newer",
    );
    expect(() => requireProgram("terraform")).toThrow(
      "the Terraform CLI (terraform) is not on PATH: install Terraform 1.10 or newer",
    );
  }),
);

describe("building into the mirror (real go build)", () => {
  const cache = temporaryDirectory("cache");

  test(
    "a build that fails leaves nothing in the mirror and no build folder",
    withEnv(
      {
        CDC_ROUTING_CACHE: cache,
        CDC_ROUTING_PROVIDER_SRC: tinySources("package main\n\nfunc main() { undefined() }\n"),
      },
      async () => {
        await expect(buildProviderIntoMirror(pin, mirrorDir(), quiet)).rejects.toThrow(
          /example\/tiny 0\.0\.1: go build .* exited 1:[\s\S]*undefined: undefined/,
        );
        expect(existsSync(mirrorBinaryPath(mirrorDir(), pin))).toBe(false);
        expect(readdirSync(cache).filter((f) => f.startsWith("provider-build-"))).toEqual([]);
        expect(isInMirror(pin)).toBe(false);
      },
    ),
    120_000,
  );

  test(
    "a complete build is renamed into place, keyed by the archives' sums",
    withEnv({ CDC_ROUTING_CACHE: cache, CDC_ROUTING_PROVIDER_SRC: tinySources(GOOD_MAIN) }, async () => {
      const binary = await buildProviderIntoMirror(pin, mirrorDir(), quiet);
      expect(binary).toBe(
        join(
          cache,
          "provider-mirror",
          "registry.terraform.io",
          "example",
          "tiny",
          "0.0.1",
          "linux_amd64",
          "terraform-provider-tiny_v0.0.1",
        ),
      );
      expect(spawnSync(binary, { encoding: "utf8" }).stdout).toBe("hello\n");
      expect(isInMirror(pin)).toBe(true);
      expect(readdirSync(cache).filter((f) => f.startsWith("provider-build-"))).toEqual([]);

      // New sources under the same version: the cached binary no longer counts.
      process.env.CDC_ROUTING_PROVIDER_SRC = tinySources(GOOD_MAIN.replace("greeting.Hello()", '"hi"'));
      expect(isInMirror(pin)).toBe(false);
    }),
    120_000,
  );
});

describe("the mirror from the Terraform registry (terraform providers mirror's packed layout)", () => {
  /** A packed-layout zip as the registry serves it, holding one binary named `binary`, made with Python's zipfile. */
  function packedZip(packed: string, p: ProviderBuildPin, binary: string): void {
    const [namespace, type] = p.source.split("/");
    const dir = join(packed, "registry.terraform.io", namespace, type);
    mkdirSync(dir, { recursive: true });
    const script = [
      "import sys, zipfile",
      "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
      "    info = zipfile.ZipInfo(sys.argv[2]); info.external_attr = 0o755 << 16",
      "    z.writestr(info, '#!/bin/sh\\necho ' + sys.argv[2] + '\\n')",
    ].join("\n");
    const zip = join(dir, `terraform-provider-${type}_${p.version}_linux_amd64.zip`);
    expect(spawnSync("python3", ["-c", script, zip, binary]).status).toBe(0);
  }

  test(
    "each zip unpacked to the binary path the tools look for, counted as present even where provider sources are",
    withEnv(
      { CDC_ROUTING_CACHE: temporaryDirectory("cache"), CDC_ROUTING_PROVIDER_SRC: tinySources(GOOD_MAIN) },
      async () => {
        const packed = temporaryDirectory("packed");
        // The confluent release names its binary without the v; others with it.
        packedZip(packed, pin, "terraform-provider-tiny_0.0.1");
        const other = { ...pin, source: "example/other", version: "1.2.3" };
        packedZip(packed, other, "terraform-provider-other_v1.2.3");
        expect(isInMirror(pin)).toBe(false);
        const logged: string[] = [];
        unpackIntoMirror(packed, [pin, other], mirrorDir(), (line) => logged.push(line));
        for (const p of [pin, other]) {
          const binary = mirrorBinaryPath(mirrorDir(), p);
          expect(spawnSync(binary, { encoding: "utf8" }).stdout).toMatch(/^terraform-provider-/);
          // A registry download is the release itself: the sources here (other archives) do not make it stale.
          expect(isInMirror(p)).toBe(true);
        }
        expect(logged).toEqual([
          `providers: example/tiny 0.0.1 from the Terraform registry into ${mirrorBinaryPath(mirrorDir(), pin)}`,
          `providers: example/other 1.2.3 from the Terraform registry into ${mirrorBinaryPath(mirrorDir(), other)}`,
        ]);
      },
    ),
  );

  test("a zip the download did not leave is named", () => {
    expect(() => unpackIntoMirror(temporaryDirectory("packed"), [pin], temporaryDirectory("mirror"), quiet)).toThrow(
      /terraform providers mirror left no .*\/registry\.terraform\.io\/example\/tiny\/terraform-provider-tiny_0\.0\.1_linux_amd64\.zip$/,
    );
  });

  test(
    "what keeps the mirror from being filled here: the registry first, else the sources and Go",
    withEnv({ CDC_ROUTING_PROVIDER_SRC: temporaryDirectory("no-sources") }, async () => {
      expect(mirrorBlocker(true)).toBeUndefined();
      expect(mirrorBlocker(false)).toMatch(
        /^the Terraform registry is not reachable and the provider sources are not at .*no-sources.* \(no SHA256SUMS\)/,
      );
      process.env.CDC_ROUTING_PROVIDER_SRC = tinySources(GOOD_MAIN);
      expect(mirrorBlocker(false)).toBeUndefined();
      const path = process.env.PATH;
      try {
        process.env.PATH = "/nonexistent";
        expect(mirrorBlocker(true)).toMatch(/^the Terraform CLI \(terraform\) is not on PATH: install Terraform 1\.10/);
      } finally {
        process.env.PATH = path;
      }
    }),
  );
});
