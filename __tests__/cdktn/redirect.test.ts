/**
 * The module redirect that runs the project's code on CDK Terrain (cdktn/redirect.ts): which requests move to
 * the cdktn install or its generated bindings, which stay, and that every cdktf package the code imports is
 * covered (a new one fails here, naming what the cdktn build lacks).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { modulesUnder, type RedirectLayout, redirectRequest, redirectResolved } from "../../cdktn/redirect";

const layout: RedirectLayout = {
  install: "/cache/cdktn/install-1",
  bindings: "/cache/cdktn/bindings-2/providers",
  projectConfluent: "/repo/.gen/providers/confluent",
};

describe("redirectRequest", () => {
  test.each([
    ["cdktf", { request: "cdktn", from: layout.install }],
    ["cdktf/lib/private/unique", { request: "cdktn/lib/private/unique", from: layout.install }],
    ["cdktf/lib/tokens/private/stack-trace", { request: "cdktn/lib/tokens/private/stack-trace", from: layout.install }],
    ["cdktn", { request: "cdktn", from: layout.install }],
    ["constructs", { request: "constructs", from: layout.install }],
    ["@cdktf/provider-postgresql/lib/replication-slot", { request: `${layout.bindings}/postgresql/replication-slot` }],
    ["@cdktf/provider-postgresql/lib/provider", { request: `${layout.bindings}/postgresql/provider` }],
    ["@cdktf/provider-postgresql", { request: `${layout.bindings}/postgresql` }],
  ])("%s moves to cdktn", (request, target) => {
    expect(redirectRequest(request, layout)).toEqual(target);
  });

  test.each([
    "@cdktf/provider-aws/lib/secretsmanager-secret",
    "@cdktf/provider-postgresql-extra/lib/x",
    "cdktf-cli",
    "constructs-extra",
    "./identity",
    "../.gen/providers/confluent/environment",
    "/abs/path",
    "node:fs",
  ])("%s stays", (request) => {
    expect(redirectRequest(request, layout)).toBeUndefined();
  });
});

describe("redirectResolved", () => {
  test("a file of the project's confluent bindings becomes the same file of cdktn's", () => {
    expect(redirectResolved("/repo/.gen/providers/confluent/environment/index.ts", layout)).toBe(
      `${layout.bindings}/confluent/environment/index.ts`,
    );
  });

  test("other files stay, also a folder whose name only starts like the bindings'", () => {
    for (const file of ["/repo/constructs/topics.ts", "/repo/.gen/providers/confluent-extra/x.ts"])
      expect(redirectResolved(file, layout)).toBe(file);
  });
});

test("modulesUnder names the loaded files under the roots, not those of a folder with a longer name", () => {
  const loaded = ["/nm/cdktf/lib/index.js", "/nm/cdktf-cli/index.js", "/nm/constructs/lib/index.js", "/repo/main.ts"];
  expect(modulesUnder(loaded, ["/nm/cdktf", "/nm/constructs/"])).toEqual([
    "/nm/cdktf/lib/index.js",
    "/nm/constructs/lib/index.js",
  ]);
});

test("every cdktf package the code imports is redirected, but the aws bindings (kept: docs/cdktf-sunset.md)", () => {
  const root = join(__dirname, "..", "..");
  const sources = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => f && !f.startsWith("__tests__/") && !f.startsWith("cdktn/"));
  const requests = new Set(
    sources.flatMap((f) =>
      [...readFileSync(join(root, f), "utf8").matchAll(/(?:\bfrom\s+|\brequire\(\s*)"((?:cdktf|@cdktf\/)[^"]*)"/g)].map(
        (m) => m[1],
      ),
    ),
  );
  expect(requests.size).toBeGreaterThanOrEqual(10);
  // The aws bindings stay the prebuilt ones; the generator only runs in providers/generate.ts.
  const kept = /^@cdktf\/(provider-aws|provider-generator)(\/|$)/;
  const uncovered = [...requests].filter((r) => !kept.test(r) && !redirectRequest(r, layout));
  expect(uncovered).toEqual([]);
});
