/**
 * npm run providers:refresh [-- --from-schema dump.json] [-- --out FILE]
 *
 * Builds the pinned providers from ../shared/provider-src (checksums first) into the filesystem mirror outside
 * git, asks the real Terraform CLI for their schema (`terraform providers schema -json`) and writes the trimmed,
 * sorted confluent schema into providers/. `--from-schema` trims a schema document dumped elsewhere instead
 * (for example where `terraform init` can reach the registry), without building.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseCommandLine, runScript } from "../lib/command-line";
import { buildProviderIntoMirror, dumpProviderSchemas, requireProgram, TERRAFORM_HOST } from "./mirror";
import { BUILT_PROVIDERS, CONFLUENT_PROVIDER, CONFLUENT_SCHEMA_PATH } from "./pins";
import {
  CONFLUENT_DATA_SOURCES,
  CONFLUENT_RESOURCES,
  type ProviderSchemaDocument,
  stableStringify,
  trimProviderSchema,
} from "./schema";

export const REAL_SCHEMA_ORIGIN = "terraform providers schema -json of the provider built from its source archive";

/** The committed file's content for a full `providers schema -json` document. */
export function pinnedConfluentSchema(doc: ProviderSchemaDocument, origin = REAL_SCHEMA_ORIGIN): string {
  const { source, version, goModule, goCommit } = CONFLUENT_PROVIDER;
  const pin = { source, version, goModule, goCommit, origin };
  return stableStringify(
    trimProviderSchema(doc, `${TERRAFORM_HOST}/${source}`, CONFLUENT_RESOURCES, CONFLUENT_DATA_SOURCES, pin),
  );
}

const USAGE = `usage: npm run providers:refresh [-- --from-schema <providers schema -json file>] [-- --out <file>]

Builds the pinned confluent and postgresql providers from ../shared/provider-src (checksums first) into the
provider mirror, then writes ${CONFLUENT_SCHEMA_PATH} from the real binary's schema.`;

async function main(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, {
    "from-schema": { type: "string" },
    out: { type: "string", default: CONFLUENT_SCHEMA_PATH },
  });
  let text: string;
  if (values["from-schema"]) {
    const file = values["from-schema"];
    console.log(`providers: trimming ${file} (no build)`);
    // Only the file name: the path differs per machine and the output must be byte-identical.
    text = pinnedConfluentSchema(
      JSON.parse(readFileSync(file, "utf8")) as ProviderSchemaDocument,
      `schema document ${basename(file)}`,
    );
  } else {
    requireProgram("terraform");
    for (const pin of BUILT_PROVIDERS) await buildProviderIntoMirror(pin);
    console.log("providers: terraform init -plugin-dir + providers schema -json");
    text = pinnedConfluentSchema(JSON.parse(dumpProviderSchemas(BUILT_PROVIDERS)) as ProviderSchemaDocument);
  }
  writeFileSync(values.out as string, text);
  console.log(
    `providers: wrote ${values.out} (${CONFLUENT_PROVIDER.source} ${CONFLUENT_PROVIDER.version}); run npm run providers:generate`,
  );
}

if (require.main === module) void runScript(USAGE, main);
