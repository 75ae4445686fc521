/**
 * How the project's own code runs on CDK Terrain without a changed line: module resolution is redirected while
 * main.ts synthesizes (cdktn/preload.ts installs this). The code keeps importing `cdktf`, `constructs`,
 * `@cdktf/provider-postgresql/lib/...` and `.gen/providers/confluent/...`; they resolve to `cdktn`, its
 * `constructs`, and bindings that cdktn's own generator made from the real provider schemas (cdktn/setup.ts).
 * `@cdktf/provider-aws` is left as it is: its generated code (aws 6.25.0) then runs on cdktn (docs/cdktf-sunset.md).
 */
import Module from "node:module";
import { join, sep } from "node:path";

/** The environment variable that hands the layout (JSON) to cdktn/preload.ts in the synth's process. */
export const LAYOUT_ENV = "CDC_ROUTING_CDKTN_LAYOUT";

export interface RedirectLayout {
  /** The cdktn install: a folder whose node_modules holds cdktn and constructs. */
  install: string;
  /** The bindings cdktn's generator wrote: <bindings>/confluent, <bindings>/postgresql. */
  bindings: string;
  /** The project's generated confluent bindings (.gen/providers/confluent), whose files map one to one. */
  projectConfluent: string;
}

/** A request resolved from another folder instead of the importing file's. */
export interface Redirected {
  request: string;
  from?: string;
}

const POSTGRESQL_PACKAGE = "@cdktf/provider-postgresql";

/** What a module request becomes on cdktn, or undefined when it stays as it is. */
export function redirectRequest(request: string, layout: RedirectLayout): Redirected | undefined {
  const [name, ...rest] = request.startsWith("@") ? splitScoped(request) : splitPlain(request);
  const subpath = rest.join("/");
  if (name === "cdktf") return { request: subpath ? `cdktn/${subpath}` : "cdktn", from: layout.install };
  // The generated bindings import cdktn themselves; they live beside the install, not in it.
  if (name === "constructs" || name === "cdktn") return { request, from: layout.install };
  if (name === POSTGRESQL_PACKAGE) {
    // The prebuilt package's lib/<name> folders are what the generator writes as <name>.
    const inside = subpath.replace(/^lib(\/|$)/, "");
    return { request: inside ? join(layout.bindings, "postgresql", inside) : join(layout.bindings, "postgresql") };
  }
  return undefined;
}

/** A resolved file of the project's confluent bindings becomes the same file of cdktn's; others stay. */
export function redirectResolved(filename: string, layout: RedirectLayout): string {
  const prefix = layout.projectConfluent.endsWith(sep) ? layout.projectConfluent : `${layout.projectConfluent}${sep}`;
  return filename.startsWith(prefix) ? join(layout.bindings, "confluent", filename.slice(prefix.length)) : filename;
}

function splitPlain(request: string): string[] {
  return request.split("/");
}

function splitScoped(request: string): string[] {
  const [scope, name, ...rest] = request.split("/");
  return [`${scope}/${name}`, ...rest];
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;

/** Redirects every later `require` of this process (the synth's: tsx compiles the project to CommonJS). */
export function installRedirect(layout: RedirectLayout): void {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function redirected(request, parent, isMain, options) {
    const target = redirectRequest(request, layout);
    const resolved = target
      ? resolve.call(this, target.request, parent, isMain, target.from ? { paths: [target.from] } : options)
      : resolve.call(this, request, parent, isMain, options);
    return redirectResolved(resolved, layout);
  };
}

/** Loaded files under any of the roots: what must not have been loaded by a synth on cdktn (cdktf's own files). */
export function modulesUnder(loaded: readonly string[], roots: readonly string[]): string[] {
  const prefixes = roots.map((r) => (r.endsWith(sep) ? r : `${r}${sep}`));
  return loaded.filter((file) => prefixes.some((p) => file.startsWith(p)));
}
