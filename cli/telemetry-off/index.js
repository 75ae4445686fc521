// Preloaded into every Node process npm starts from this project (.npmrc `node-options`): npm run scripts,
// `npx cdktf ...`, and what they start (Terraform included). cdktf's CLI and Terraform report to HashiCorp's
// checkpoint service unless CHECKPOINT_DISABLE is set. An explicit value is kept.
//
// Why a linked package (a `file:` dependency): `--require <name>` is then found from the project root, from any
// subdirectory and from a dependency's directory (where npm runs install scripts), by walking up to
// node_modules. A relative path breaks outside the root; an `--import` data: URL would make Node load every main
// module through the ESM loader, which breaks `node -r tsx/cjs x.ts` and ts-node.
if (!process.env.CHECKPOINT_DISABLE) process.env.CHECKPOINT_DISABLE = "1";

// In cdktf's CLI (`npx cdktf synth`, the workflows' plans), its packages are compiled through V8's code cache
// (bin/code-cache.js): the CLI's start-up is mostly compiling some 30 MB of JavaScript, about 0.6 s of a 2.6 s
// `cdktf synth`. Only there: the launchers install the cache themselves, and other tools npm starts (jest, tsc,
// biome, tsx) are left as they are.
const { realpathSync } = require("node:fs");
const { join } = require("node:path");

function isCdktfCli(script) {
  try {
    return /[\\/]cdktf-cli[\\/]bundle[\\/]bin[\\/]cdktf$/.test(realpathSync(script));
  } catch {
    return false;
  }
}

// And there, three packages its commands' code requires and synth never calls (hcl2cdk, hcl2json, hcl-tools) are
// loaded on first use (bin/deferred-modules.js): about 0.8 s of a 2 s `cdktf synth`.
if (process.argv[1] && isCdktfCli(process.argv[1])) {
  try {
    const bin = join(__dirname, "..", "..", "bin");
    require(join(bin, "code-cache.js")).installCodeCache(undefined, { packages: true });
    const { CDKTF_CLI_DEFERRED, deferModules } = require(join(bin, "deferred-modules.js"));
    deferModules(CDKTF_CLI_DEFERRED);
  } catch {
    // This package installed as a copy away from the project (npm's install-links): the CLI runs as cdktf ships it.
  }
}
