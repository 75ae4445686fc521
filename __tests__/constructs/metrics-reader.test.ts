/**
 * The metrics reader (constructs/metrics-reader.ts) and the monitoring files beside the stack
 * (constructs/monitoring-files.ts), as a stage synthesizes them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "../../app/build-app";
import { STAGE_NAMES } from "../../stages/names";
import { synthStage, testingApp } from "../support/stack-helpers";

const values = (o: Record<string, unknown> | undefined) => Object.values(o ?? {}) as Array<Record<string, any>>;

describe("the metrics reader of a stage", () => {
  const dev = synthStage("dev");
  const [account] = values(dev.resource.confluent_service_account).filter((a) =>
    a.display_name.endsWith("-metrics-reader"),
  );
  const readerId = Object.entries(dev.resource.confluent_service_account).find(([, a]) => a === account)?.[0];

  test("a service account with MetricsViewer on the stage's environment, and nothing else", () => {
    expect(account.display_name).toBe("cdc-routing-dev-metrics-reader");
    const bindings = values(dev.resource.confluent_role_binding).filter((b) =>
      b.principal.includes(`confluent_service_account.${readerId}.`),
    );
    expect(bindings).toEqual([
      {
        principal: `User:\${confluent_service_account.${readerId}.id}`,
        role_name: "MetricsViewer",
        crn_pattern: "${confluent_environment.environment_782F3C0C.resource_name}",
      },
    ]);
  });

  test("its key is a Cloud API key (no managed resource), made after the role binding", () => {
    const [key] = values(dev.resource.confluent_api_key).filter(
      (k) => k.owner.id === `\${confluent_service_account.${readerId}.id}`,
    );
    expect(key.managed_resource).toBeUndefined();
    expect(key.depends_on).toEqual([expect.stringMatching(/^confluent_role_binding\.metrics-reader_metrics-viewer_/)]);
  });

  test("outputs: the export URL naming the cluster, connector and compute pool; the secret only as sensitive", () => {
    expect(dev.output.metrics_export_url.value).toBe(
      "https://api.telemetry.confluent.cloud/v2/metrics/cloud/export?resource.kafka.id=${confluent_kafka_cluster.kafka_cluster_4FCB1297.id}&resource.connector.id=${confluent_connector.cdc_connector_52005B60.id}&resource.compute_pool.id=${confluent_flink_compute_pool.flink_pool_49CEE0F9.id}",
    );
    expect(dev.output.metrics_reader_api_secret).toMatchObject({
      sensitive: true,
      value: expect.stringMatching(/^\$\{confluent_api_key\.metrics-reader_cloud-api-key_[0-9A-F]+\.secret\}$/),
    });
    expect(dev.output.metrics_reader_api_key.sensitive).toBe(false);
    expect(dev.output.metrics_scrape_targets.value).toEqual([
      {
        targets: ["api.telemetry.confluent.cloud"],
        labels: {
          __param_resource_kafka_id: "${confluent_kafka_cluster.kafka_cluster_4FCB1297.id}",
          __param_resource_connector_id: "${confluent_connector.cdc_connector_52005B60.id}",
          __param_resource_compute_pool_id: "${confluent_flink_compute_pool.flink_pool_49CEE0F9.id}",
        },
      },
    ]);
  });
});

describe("the monitoring files beside each stack in cdktf.out", () => {
  test("every stage gets its Prometheus configuration, alert rules and dashboard, and no secret", () => {
    const app = buildApp(STAGE_NAMES, testingApp(), { today: "2026-11-26" });
    app.synth();
    for (const stage of STAGE_NAMES) {
      const dir = join(app.outdir, "stacks", stage, "monitoring");
      expect(existsSync(join(app.outdir, "stacks", stage, "cdk.tf.json"))).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(["alerts.rules.yml", "grafana-dashboard.json", "prometheus.yml"]);
      const scrape = readFileSync(join(dir, "prometheus.yml"), "utf8");
      expect(scrape).toContain(`job_name: cdc-routing-${stage}\n`);
      expect(scrape).toContain("username_file: metrics-reader.key\n");
      expect(scrape).toContain("password_file: metrics-reader.secret\n");
      expect(readFileSync(join(dir, "alerts.rules.yml"), "utf8")).toContain(`- name: cdc-routing-${stage}\n`);
      expect(JSON.parse(readFileSync(join(dir, "grafana-dashboard.json"), "utf8")).title).toBe(`cdc-routing ${stage}`);
    }
  });
});
