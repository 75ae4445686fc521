#!/usr/bin/env node
/**
 * Runs a TypeScript entry point of the project as its compiled JavaScript (bin/build.js), as the main module:
 *   node bin/run.js main.ts --all        what `npx tsx main.ts --all` ran, without compiling on every call
 * The npm scripts, cdktf.json's app and the workflows run their entry points through it.
 */
const Module = require("node:module");
const { compiledEntry } = require("./build");

const [entry, ...args] = process.argv.slice(2);
if (!entry?.endsWith(".ts")) {
  console.error("usage: node bin/run.js <entry point.ts> [arguments]");
  process.exit(2);
}
const file = compiledEntry(entry, undefined, { codeCache: true });
process.argv.splice(1, process.argv.length - 1, file, ...args);
// What `node <file>` does: loaded as the main module, so its `require.main === module` guard holds.
Module._load(file, null, true);
