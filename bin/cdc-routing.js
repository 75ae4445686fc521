#!/usr/bin/env node
// The cdc-routing CLI, run from its compiled JavaScript (bin/build.js compiles the project when a source changed).
require(require("./build").compiledEntry("cli/cdc-routing.ts", undefined, { codeCache: true })).main();
