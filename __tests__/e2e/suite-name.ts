/**
 * Names the test file in the environment of every process it starts (bench/process-cpu.ts SUITE_ENV), so that
 * `npm run bench:process-cpu -- npx jest -c jest.e2e.config.js --ci` tells each suite's CPU apart. Set in the jest
 * worker's own environment too: a test file's `process.env` is jest's copy, which Node's child_process reads only
 * when a caller passes it as `env`. vm.runInThisContext evaluates in the worker's own context, not the test file's.
 */
import { basename } from "node:path";
import { runInThisContext } from "node:vm";
import { SUITE_ENV } from "../../bench/process-cpu";

const suite = basename(expect.getState().testPath ?? "", ".e2e.ts");
process.env[SUITE_ENV] = suite;
(runInThisContext("process") as NodeJS.Process).env[SUITE_ENV] = suite;
