/**
 * Turns the committed, pinned provider schema into TypeScript bindings under .gen/ (gitignored).
 * Runs from `npm ci` (prepare) so a fresh clone needs no network and no Terraform to get the bindings.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { CONFLUENT_BINDINGS_DIR, CONFLUENT_SCHEMA_PATH } from "./pins";
import type { PinnedSchemaFile } from "./schema";

const STAMP_FILE = ".schema-stamp";

const USAGE = `usage: npm run providers:generate     (npm ci runs it without --force)

Generates the confluent provider's TypeScript bindings into ${CONFLUENT_BINDINGS_DIR} from ${CONFLUENT_SCHEMA_PATH};
skipped when they were made from the same schema text, unless --force.`;

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, { force: { type: "boolean" } });
  const started = process.hrtime.bigint();
  const schemaText = readFileSync(CONFLUENT_SCHEMA_PATH, "utf8");
  const stampPath = join(CONFLUENT_BINDINGS_DIR, "..", `confluent${STAMP_FILE}`);
  // Skip when the bindings were made from this exact schema text (byte comparison, not mtime).
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === schemaText && !values.force) {
    console.log(`providers: bindings in ${CONFLUENT_BINDINGS_DIR} are current`);
    return;
  }
  const { cdc_routing_pin: pin, ...schema } = JSON.parse(schemaText) as PinnedSchemaFile;
  // @cdktf/commons asks the Terraform CLI for its version at import; a dangling config path makes it warn.
  if (process.env.TF_CLI_CONFIG_FILE && !existsSync(process.env.TF_CLI_CONFIG_FILE)) {
    delete process.env.TF_CLI_CONFIG_FILE;
  }
  const { generateProviderBindingsFromSchema } = await import("@cdktf/provider-generator");
  rmSync(CONFLUENT_BINDINGS_DIR, { recursive: true, force: true });
  // The generator writes <target>/providers/<name>; target is the folder above .gen/providers.
  // The generator types format_version as the "0.x" literals of old Terraform; 1.0 documents read the same.
  type GeneratorSchema = Parameters<typeof generateProviderBindingsFromSchema>[1];
  await generateProviderBindingsFromSchema(
    join(CONFLUENT_BINDINGS_DIR, "..", ".."),
    schema as unknown as GeneratorSchema,
  );
  writeFileSync(stampPath, schemaText);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `providers: generated ${pin.source} ${pin.version} bindings into ${CONFLUENT_BINDINGS_DIR} in ${ms.toFixed(0)} ms`,
  );
}

void runScript(USAGE, main);
