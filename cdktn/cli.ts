/**
 * npm run cdktn:setup | synth:cdktn | cdktn:compare | cdktn:schema     (node bin/run.js cdktn/cli.ts <verb>)
 * The stack on CDK Terrain (cdktn) instead of CDK for Terraform (cdktf), without changing its code:
 * docs/cdktf-sunset.md.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { InputError, UsageError } from "../lib/errors";
import { buildProviderIntoMirror, dumpProviderSchemas, requireProgram } from "../providers/mirror";
import { POSTGRESQL_PROVIDER } from "../providers/pins";
import type { ProviderSchemaDocument } from "../providers/schema";
import { STAGE_NAMES } from "../stages/names";
import { compareStacks } from "./compare";
import { POSTGRESQL_SCHEMA_PATH, pinnedPostgresqlSchema } from "./postgresql-schema";
import { type CdktnBuild, prepareCdktn } from "./setup";
import { cdktfVersion, LIBRARIES, synthCommand, synthesizeAllStages } from "./synth";

const USAGE = `usage: npm run cdktn:setup | synth:cdktn [-- <stage> ... | --all] | cdktn:compare | cdktn:schema
       (node bin/run.js cdktn/cli.ts setup|synth|compare|schema)

The stack on CDK Terrain (the cdktn library) through the project's own main.ts; cdktf stays the default.
  setup    install cdktn/package.json (npm ci, cached in ~/.cache/cdc-routing/cdktn or $CDC_ROUTING_CACHE) and
           generate the confluent and postgresql bindings with cdktn's generator (cached)
  synth    setup, then main.ts on cdktn: the stages named (default dev) or --all into cdktf.out (or $CDKTF_OUTDIR)
  compare  setup, then every stage on cdktf and on cdktn into a temporary folder; exit 1 unless each
           cdk.tf.json pair differs only in the library version of its metadata
  schema   write ${POSTGRESQL_SCHEMA_PATH} from the postgresql provider built into the provider mirror
           (built from ../shared/provider-src first if missing; needs Go and the terraform CLI)`;
const VERBS = ["setup", "synth", "compare", "schema"] as const;

const log = (message: string) => console.log(message);

async function setup(): Promise<CdktnBuild> {
  const build = await prepareCdktn(log);
  log(`cdktn: cdktn ${build.cdktnVersion} in ${build.layout.install}, bindings in ${build.layout.bindings}`);
  return build;
}

async function synth(args: string[]): Promise<number> {
  const build = await setup();
  const { command, args: nodeArgs, cwd, env } = synthCommand("cdktn", args, build);
  const synthesized = spawnSync(command, nodeArgs, { cwd, env, stdio: "inherit" });
  if (synthesized.error) throw synthesized.error;
  return synthesized.status ?? 1;
}

async function compare(): Promise<number> {
  const build = await setup();
  const root = mkdtempSync(join(tmpdir(), "cdc-routing-cdktn-compare-"));
  try {
    const runs = await Promise.all(LIBRARIES.map((l) => synthesizeAllStages(l, build, join(root, l))));
    runs.forEach((r, i) => {
      if (r.code !== 0) throw new InputError(`the synth on ${LIBRARIES[i]} exited ${r.code}:\n${r.output.trim()}`);
    });
    log(`cdktn: every stage synthesized through main.ts on cdktf ${cdktfVersion()} and on cdktn ${build.cdktnVersion}`);
    let failed = false;
    for (const stage of STAGE_NAMES) {
      const [cdktf, cdktn] = LIBRARIES.map((l) => readFileSync(join(root, l, "stacks", stage, "cdk.tf.json"), "utf8"));
      const { unexplained, versions, sameText } = compareStacks(cdktf, cdktn);
      if (unexplained.length === 0 && sameText) {
        log(
          `  ${stage}: same apart from //.metadata.version (${versions?.cdktf} on cdktf, ${versions?.cdktn} on cdktn)`,
        );
        continue;
      }
      failed = true;
      log(`  ${stage}: ${unexplained.length} other difference(s)${sameText ? "" : "; the texts differ beyond that"}`);
      for (const d of unexplained.slice(0, 20))
        log(`    ${d.path}: ${JSON.stringify(d.cdktf)} on cdktf, ${JSON.stringify(d.cdktn)} on cdktn`);
    }
    return failed ? 1 : 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function schema(): Promise<void> {
  requireProgram("terraform");
  await buildProviderIntoMirror(POSTGRESQL_PROVIDER);
  const doc = JSON.parse(dumpProviderSchemas([POSTGRESQL_PROVIDER])) as ProviderSchemaDocument;
  writeFileSync(POSTGRESQL_SCHEMA_PATH, pinnedPostgresqlSchema(doc));
  log(`cdktn: wrote ${POSTGRESQL_SCHEMA_PATH} (${POSTGRESQL_PROVIDER.source} ${POSTGRESQL_PROVIDER.version})`);
}

async function main(args: string[]): Promise<number | undefined> {
  const [verbArg, ...rest] = args;
  if (!verbArg) throw new UsageError("name a verb: setup, synth, compare or schema");
  const verb = oneOf("verb", verbArg, VERBS);
  if (verb === "synth") return synth(rest);
  parseCommandLine(rest, {});
  if (verb === "setup") await setup();
  else if (verb === "compare") return compare();
  else await schema();
  return undefined;
}

void runScript(USAGE, main);
