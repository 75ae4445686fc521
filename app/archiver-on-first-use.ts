/**
 * Imported by main.ts before cdktf: cdktf loads `archiver` when it is imported (cdktf/lib/private/fs.js, for
 * TerraformAsset's zip archives), a module tree that took about a sixth of a dev synth's time in a CPU profile
 * (docs/performance.md, The CLI). The stack has no asset, so nothing calls it: the module cdktf gets is a function
 * that loads the real archiver on its first call and hands the call on.
 */
import Module from "node:module";
import { dirname } from "node:path";

type Archiver = (...args: unknown[]) => unknown;

export function loadArchiverOnFirstUse(): void {
  let file: string;
  try {
    file = require.resolve("archiver", { paths: [dirname(require.resolve("cdktf"))] });
  } catch {
    // Another library under the name cdktf (CDK Terrain, cdktn/redirect.ts) without archiver beside it: as it is.
    return;
  }
  if (require.cache[file]) return;
  let real: Archiver | undefined;
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = (...args: unknown[]) => {
    if (!real) {
      delete require.cache[file];
      real = require(file) as Archiver;
    }
    return real(...args);
  };
  require.cache[file] = stub;
}

loadArchiverOnFirstUse();
