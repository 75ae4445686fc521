/**
 * Run by cdktn/setup.ts in its own process (the generator, its logger and its Terraform version probe stay out
 * of the caller): generates the confluent and postgresql bindings with @cdktn/provider-generator from the cdktn
 * install into a folder. Confluent as providers/generate.ts does it for cdktf (the stack pins that provider's
 * version itself); postgresql for its pinned source and version, as the prebuilt @cdktf/provider-postgresql was
 * generated, so `required_providers` says what it said.
 *   node --require tsx/cjs cdktn/generate.ts <cdktn install> <target folder>
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { TERRAFORM_HOST } from "../providers/mirror";
import { CONFLUENT_SCHEMA_PATH, POSTGRESQL_PROVIDER } from "../providers/pins";
import type { PinnedSchemaFile } from "../providers/schema";
import { POSTGRESQL_SCHEMA_PATH } from "./postgresql-schema";

const ROOT = resolve(__dirname, "..");
const USAGE = `usage: node --require tsx/cjs cdktn/generate.ts <cdktn install> <target folder>     (run by npm run cdktn:setup)

Generates the confluent and postgresql bindings with the cdktn install's @cdktn/provider-generator from
${CONFLUENT_SCHEMA_PATH} and ${POSTGRESQL_SCHEMA_PATH} into <target folder>/providers.`;

/** The parts of @cdktn/provider-generator used here (loaded from the cdktn install, not the project's). */
interface CdktnGenerator {
  generateProviderBindingsFromSchema(target: string, schema: unknown): Promise<void>;
  CodeMaker: new () => { save(dir: string): Promise<void> };
  TerraformProviderGenerator: new (code: unknown, schema: unknown) => { generate(constraint: unknown): void };
  TerraformProviderConstraint: new (constraint: string) => unknown;
}

function readPinnedSchema(path: string): Omit<PinnedSchemaFile, "cdc_routing_pin"> {
  const { cdc_routing_pin: _pin, ...schema } = JSON.parse(
    readFileSync(resolve(ROOT, path), "utf8"),
  ) as PinnedSchemaFile;
  return schema;
}

async function main(args: string[]): Promise<void> {
  const [install, target] = parseCommandLine(args, {}, 2).positionals;
  if (!install || !target) throw new Error("generate.ts needs the cdktn install and the target folder");
  const generator = require(require.resolve("@cdktn/provider-generator", { paths: [install] })) as CdktnGenerator;
  await generator.generateProviderBindingsFromSchema(target, readPinnedSchema(CONFLUENT_SCHEMA_PATH));
  const { source, version } = POSTGRESQL_PROVIDER;
  const code = new generator.CodeMaker();
  new generator.TerraformProviderGenerator(code, {
    ...readPinnedSchema(POSTGRESQL_SCHEMA_PATH),
    provider_versions: { [`${TERRAFORM_HOST}/${source}`]: version },
  }).generate(new generator.TerraformProviderConstraint(`${source}@= ${version}`));
  await code.save(target);
}

void runScript(USAGE, main);
