import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ApiKey } from "../.gen/providers/confluent/api-key";
import type { Connector } from "../.gen/providers/confluent/connector";
import type { Environment } from "../.gen/providers/confluent/environment";
import type { FlinkComputePool } from "../.gen/providers/confluent/flink-compute-pool";
import type { KafkaCluster } from "../.gen/providers/confluent/kafka-cluster";
import { RoleBinding } from "../.gen/providers/confluent/role-binding";
import { ServiceAccount } from "../.gen/providers/confluent/service-account";
import { EXPORT_PATH, METRICS_API } from "../monitoring/metrics";

export interface MetricsReaderProps {
  /** The service account's and the key's display name (resourceNames(stage).metricsReader). */
  readonly displayName: string;
  /** The environment the role binding is scoped to. */
  readonly environment: Environment;
  /** The stage's resources whose metrics the export is asked for. */
  readonly cluster: KafkaCluster;
  readonly connector: Connector;
  readonly computePool: FlinkComputePool;
  /**
   * The Metrics API's base URL.
   * @default https://api.telemetry.confluent.cloud
   */
  readonly metricsApi?: string;
}

/**
 * The account that reads a stage's metrics, and where to read them: a service account with MetricsViewer, its
 * Cloud API key, and outputs naming the stage's export URL and scrape targets (docs/monitoring.md).
 *
 * MetricsViewer is "service account access to the Metrics API for all clusters in the organization" ("Metrics API",
 * https://docs.confluent.io/cloud/current/monitoring/metrics-api.html). The narrowest scope Confluent documents for a
 * Confluent Cloud resource is the environment: the provider's own tests bind MetricsViewer on the organization and on
 * an environment CRN (confluent provider 2.83.4, internal/provider/resource_role_binding_live_test.go); a
 * cluster-scoped binding is documented only for Confluent Platform clusters registered with Unified Stream Manager.
 * The Metrics API takes a Cloud API key, not a resource key ("Authentication", same page): the key has no
 * managed resource (the provider's example of a Cloud API key, docs/resources/confluent_api_key.md). Its secret
 * leaves Terraform only as a sensitive output: cdktf.out holds a reference to it, never the value.
 */
export class MetricsReader extends Construct {
  readonly serviceAccount: ServiceAccount;
  readonly apiKey: ApiKey;
  /** The export URL with the stage's resource ids. */
  readonly exportUrl: string;

  constructor(scope: Construct, id: string, props: MetricsReaderProps) {
    super(scope, id);
    this.serviceAccount = new ServiceAccount(this, "service-account", {
      displayName: props.displayName,
    });
    const binding = new RoleBinding(this, "metrics-viewer", {
      principal: `User:${this.serviceAccount.id}`,
      roleName: "MetricsViewer",
      crnPattern: props.environment.resourceName,
    });
    const sa = this.serviceAccount;
    this.apiKey = new ApiKey(this, "cloud-api-key", {
      displayName: props.displayName,
      owner: { id: sa.id, apiVersion: sa.apiVersion, kind: sa.kind },
      // A key used before its role binding has propagated is refused.
      dependsOn: [binding],
    });
    const api = props.metricsApi ?? METRICS_API;
    const ids = {
      kafka: props.cluster.id,
      connector: props.connector.id,
      compute_pool: props.computePool.id,
    };
    this.exportUrl = `${api}${EXPORT_PATH}?${Object.entries(ids)
      .map(([resource, value]) => `resource.${resource}.id=${value}`)
      .join("&")}`;
    const output = (name: string, value: unknown, description: string, sensitive = false) =>
      new TerraformOutput(this, name, { value, description, sensitive }).overrideLogicalId(name);
    output("metrics_export_url", this.exportUrl, "The stage's Metrics API export (Prometheus text)");
    // A file_sd target list (docs/monitoring.md): Prometheus sets each `__param_<name>` label as a URL parameter.
    output(
      "metrics_scrape_targets",
      [
        {
          targets: [new URL(api).host],
          labels: Object.fromEntries(
            Object.entries(ids).map(([resource, value]) => [`__param_resource_${resource}_id`, value]),
          ),
        },
      ],
      "Prometheus file_sd targets of the stage's export (monitoring/metrics-targets.json)",
    );
    output("metrics_reader_api_key", this.apiKey.id, "Cloud API key id of the metrics reader");
    output("metrics_reader_api_secret", this.apiKey.secret, "Cloud API key secret of the metrics reader", true);
  }
}
