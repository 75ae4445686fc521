/**
 * Preloaded (`node --require tsx/cjs --require cdktn/preload.ts main.ts ...`) by cdktn/synth.ts: redirects the
 * synth's modules to CDK Terrain (cdktn/redirect.ts) and, at exit, fails the run if any file of cdktf, its
 * constructs, the prebuilt postgresql bindings or the project's cdktf-generated confluent bindings was loaded
 * anyway, so a passing synth on cdktn is one that ran on cdktn only.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { EXIT } from "../lib/errors";
import { installRedirect, LAYOUT_ENV, modulesUnder, type RedirectLayout } from "./redirect";

const ROOT = resolve(__dirname, "..");

const layoutText = process.env[LAYOUT_ENV];
if (!layoutText) throw new Error(`${LAYOUT_ENV} is not set: run the synth on cdktn through npm run synth:cdktn`);
const layout = JSON.parse(layoutText) as RedirectLayout;
// Where the cdktf build's packages and generated bindings are, found before the redirect is in place.
const projectBindings = resolve(ROOT, ".gen");
const cdktfRoots = [
  ...["cdktf", "constructs", "@cdktf/provider-postgresql"].map((name) =>
    dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] })),
  ),
  ...(existsSync(projectBindings) ? [realpathSync(projectBindings)] : []),
];
installRedirect(layout);
process.on("exit", () => {
  const stray = modulesUnder(Object.keys(require.cache), cdktfRoots);
  if (stray.length === 0) return;
  process.stderr.write(
    `error: the synth on cdktn loaded ${stray.length} file(s) of the cdktf build, e.g. ${stray[0]}: a module request escaped cdktn/redirect.ts\n`,
  );
  // A loaded cdktf file is a bug of the redirect, not something the person running the synth can fix.
  process.exitCode = EXIT.bug;
});
