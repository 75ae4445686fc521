/**
 * cdktn/postgresql.schema.json: the postgresql provider's schema, from which cdktn's generator makes the bindings
 * the prebuilt @cdktf/provider-postgresql gives the cdktf build (CDK Terrain publishes no postgresql package).
 * Every resource and data source is kept (as in the prebuilt package), documentation dropped, keys sorted, with
 * the pin it came from. `npm run cdktn:schema` writes it from the binary built into the provider mirror.
 */
import { TERRAFORM_HOST } from "../providers/mirror";
import { POSTGRESQL_PROVIDER } from "../providers/pins";
import { REAL_SCHEMA_ORIGIN } from "../providers/refresh";
import { type ProviderSchemaDocument, stableStringify, trimProviderSchema } from "../providers/schema";

export const POSTGRESQL_SCHEMA_PATH = "cdktn/postgresql.schema.json";
export const POSTGRESQL_PROVIDER_KEY = `${TERRAFORM_HOST}/${POSTGRESQL_PROVIDER.source}`;

/** The committed file's content for a full `terraform providers schema -json` document. */
export function pinnedPostgresqlSchema(doc: ProviderSchemaDocument, origin = REAL_SCHEMA_ORIGIN): string {
  const { source, version, goModule, goCommit } = POSTGRESQL_PROVIDER;
  const provider = doc.provider_schemas?.[POSTGRESQL_PROVIDER_KEY];
  const names = (schemas: Record<string, unknown> | undefined) => Object.keys(schemas ?? {}).sort();
  return stableStringify(
    trimProviderSchema(
      doc,
      POSTGRESQL_PROVIDER_KEY,
      names(provider?.resource_schemas),
      names(provider?.data_source_schemas),
      { source, version, goModule, goCommit, origin },
    ),
  );
}
