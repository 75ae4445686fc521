/**
 * npm run providers:refresh -- [--version 2.83.4 --commit <sha>] [--from-schema dump.json]
 *
 * Builds the pinned providers from the Go module proxy into a filesystem mirror (outside git), asks the real
 * Terraform CLI for their schema, and writes the trimmed, sorted confluent schema into providers/.
 * `--from-schema` trims an existing `terraform providers schema -json` document instead of building.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { buildProviderIntoMirror, initScratchConfig, mirrorDir, terraform, TERRAFORM_HOST } from "./mirror";
import { CONFLUENT_PROVIDER, CONFLUENT_SCHEMA_PATH, POSTGRESQL_PROVIDER, type ProviderBuildPin } from "./pins";
import {
  CONFLUENT_DATA_SOURCES,
  CONFLUENT_RESOURCES,
  stableStringify,
  trimProviderSchema,
  type ProviderSchemaDocument,
} from "./schema";

function main(): void {
  const { values } = parseArgs({
    options: {
      version: { type: "string", default: CONFLUENT_PROVIDER.version },
      commit: { type: "string" },
      "from-schema": { type: "string" },
      out: { type: "string", default: CONFLUENT_SCHEMA_PATH },
    },
  });
  if (values.version !== CONFLUENT_PROVIDER.version && !values.commit) {
    throw new Error(`--version ${values.version} differs from the pin; pass --commit <sha of its tag> too`);
  }
  const pin: ProviderBuildPin = {
    ...CONFLUENT_PROVIDER,
    version: values.version as string,
    goCommit: values.commit ?? CONFLUENT_PROVIDER.goCommit,
  };
  let doc: ProviderSchemaDocument;
  let origin: string;
  if (values["from-schema"]) {
    const file = values["from-schema"];
    console.log(`providers: trimming ${file} (no build)`);
    doc = JSON.parse(readFileSync(file, "utf8")) as ProviderSchemaDocument;
    // Only the file name: the path differs per machine and the output must be byte-identical.
    origin = `schema document ${basename(file)}`;
  } else {
    const mirror = mirrorDir();
    buildProviderIntoMirror(pin, mirror);
    buildProviderIntoMirror(POSTGRESQL_PROVIDER, mirror);
    console.log("providers: terraform init -plugin-dir + providers schema -json");
    const dir = initScratchConfig([pin, POSTGRESQL_PROVIDER], mirror);
    doc = JSON.parse(terraform(dir, ["providers", "schema", "-json"])) as ProviderSchemaDocument;
    origin = "terraform providers schema -json";
  }
  const trimmed = trimProviderSchema(
    doc,
    `${TERRAFORM_HOST}/${pin.source}`,
    CONFLUENT_RESOURCES,
    CONFLUENT_DATA_SOURCES,
    { source: pin.source, version: pin.version, goModule: pin.goModule, goCommit: pin.goCommit, origin },
  );
  writeFileSync(values.out as string, stableStringify(trimmed));
  console.log(`providers: wrote ${values.out} (${pin.source} ${pin.version}); run npm run providers:generate`);
}

try {
  main();
} catch (err) {
  console.error(`providers:refresh failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
