#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's CommonJS hook (TypeScript 7 has no ts-node).
require("tsx/cjs");
require("../cli/cdc-routing.ts").main();
