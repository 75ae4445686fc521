/**
 * The provider versions this stack is built and tested against. Bump here, then run
 * `npm run providers:refresh -- --version <v> --commit <sha>` and review the schema diff.
 */
export interface ProviderBuildPin {
  /** Terraform registry address without host, e.g. confluentinc/confluent. */
  source: string;
  version: string;
  /** Go module path the provider's go.mod declares (the proxy serves it under that path only). */
  goModule: string;
  /** Commit of the release tag; Go rejects v2+ tags on a module path without a /vN suffix. */
  goCommit: string;
}

export const CONFLUENT_PROVIDER: ProviderBuildPin = {
  source: "confluentinc/confluent",
  version: "2.83.4",
  goModule: "github.com/confluentinc/terraform-provider-confluent",
  goCommit: "05d9d157b55918a9cffd5c200b7266a855c4ef95",
};

/** Matches the provider @cdktf/provider-postgresql 12.1.1 was generated from (its providerVersion). */
export const POSTGRESQL_PROVIDER: ProviderBuildPin = {
  source: "cyrilgdn/postgresql",
  version: "1.26.0",
  goModule: "github.com/terraform-providers/terraform-provider-postgresql",
  goCommit: "450ce85b50c1",
};

export const CONFLUENT_SCHEMA_PATH = "providers/confluent.schema.json";
export const CONFLUENT_BINDINGS_DIR = ".gen/providers/confluent";
