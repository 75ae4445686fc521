/**
 * The provider versions this stack is built and tested against. Bump here (with the new source archives in
 * ../shared/provider-src), run `npm run providers:refresh` and review the schema diff.
 */
export interface ProviderBuildPin {
  /** Terraform registry address without host, e.g. confluentinc/confluent. */
  source: string;
  version: string;
  /** Go module path the provider's go.mod declares. */
  goModule: string;
  /** Commit of the release tag the source archive was taken from (provenance, recorded in the pinned schema). */
  goCommit: string;
  /** Upstream source archive in the provider-src folder: the Go module proxy refuses this module path. */
  sourceArchive: string;
  /** Go modules the proxy refuses, replaced by their source archives (module path -> archive). */
  replacedModules: Readonly<Record<string, string>>;
}

const CONFLUENT_SDK = "github.com/confluentinc/ccloud-sdk-go-v2";

export const CONFLUENT_PROVIDER: ProviderBuildPin = {
  source: "confluentinc/confluent",
  version: "2.83.4",
  goModule: "github.com/confluentinc/terraform-provider-confluent",
  goCommit: "05d9d157b55918a9cffd5c200b7266a855c4ef95",
  sourceArchive: "terraform-provider-confluent-2.83.4.tar.gz",
  replacedModules: {
    [`${CONFLUENT_SDK}/certificate-authority`]: "ccloud-sdk-go-v2-certificate-authority-v0.0.3.tar.gz",
    [`${CONFLUENT_SDK}/data-catalog`]: "ccloud-sdk-go-v2-data-catalog-v0.4.0.tar.gz",
    [`${CONFLUENT_SDK}/flink-gateway`]: "ccloud-sdk-go-v2-flink-gateway-v0.19.0.tar.gz",
    [`${CONFLUENT_SDK}/org`]: "ccloud-sdk-go-v2-org-v0.12.0.tar.gz",
    [`${CONFLUENT_SDK}/rtce`]: "ccloud-sdk-go-v2-rtce-v0.1.0.tar.gz",
  },
};

/** Matches the provider @cdktf/provider-postgresql 12.1.1 was generated from (its providerVersion). */
export const POSTGRESQL_PROVIDER: ProviderBuildPin = {
  source: "cyrilgdn/postgresql",
  version: "1.26.0",
  goModule: "github.com/terraform-providers/terraform-provider-postgresql",
  goCommit: "450ce85b50c1f47ebdb239c9d05e2f53847389ba",
  sourceArchive: "terraform-provider-postgresql-1.26.0.tar.gz",
  replacedModules: {},
};

export const BUILT_PROVIDERS: readonly ProviderBuildPin[] = [CONFLUENT_PROVIDER, POSTGRESQL_PROVIDER];

export const CONFLUENT_SCHEMA_PATH = "providers/confluent.schema.json";
export const CONFLUENT_BINDINGS_DIR = ".gen/providers/confluent";
