/**
 * The generated alert rules and scrape configuration checked by Prometheus's own tool: `promtool check rules`,
 * `promtool check config`, and `promtool test rules` with series for each alert: it fires for exactly its subject
 * once its condition held for its `for`, and not before, nor for the others. Prometheus from the Debian package
 * (local/prometheus.ts); the rules are dev's, from the shipped filters.yaml and stage config.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadFilters } from "../../filters/load";
import { promtool } from "../../local/prometheus";
import { monitoringModel } from "../../monitoring/model";
import { MONITORING_FILES, prometheusRules, prometheusScrapeConfig } from "../../monitoring/prometheus";
import { stageConfig } from "../../stages/stages";
import { temporaryDirectory } from "../support/helpers";

const JOB = 'job="cdc-routing-dev"';
const STATEMENT = "dev-routing-set-0000aaaa";
const model = monitoringModel({
  stage: stageConfig("dev"),
  filters: loadFilters("filters/filters.yaml"),
  statements: [
    { name: STATEMENT, sourceTopics: ["raw-business-events"], sinkTopics: [] },
    { name: "dev-routing-set-0000bbbb", sourceTopics: ["raw-business-events"], sinkTopics: [] },
  ],
  connector: "cdc-routing-dev-postgres-cdc",
});

const lag = (group: string, values: string) => ({
  series: `confluent_kafka_server_consumer_lag_offsets{${JOB}, kafka_id="lkc-1", topic="t", consumer_group_id="${group}-consumer-group"}`,
  values,
});
const flink = (metric: string, statement: string, values: string) => ({
  series: `confluent_flink_${metric}{${JOB}, compute_pool_id="lfcp-1", flink_statement_name="${statement}"}`,
  values,
});
const consumerLabels = (consumer: string) => ({
  severity: "warning",
  stage: "dev",
  consumer,
  consumer_group_id: `${consumer}-consumer-group`,
});
type Rule = { alert: string; labels: Record<string, string>; annotations: Record<string, string> };
const RULES: Rule[] = parse(prometheusRules(model)).groups[0].rules;

/** The annotations of the rule an alert comes from (its name and rule labels), its `{{ $value }}` as given. */
function annotationsOf(alertname: string, labels: Record<string, string>, value: string): Record<string, string> {
  const rule = RULES.find((r) => r.alert === alertname && Object.entries(r.labels).every(([k, v]) => labels[k] === v));
  if (!rule) throw new Error(`no rule ${alertname} with labels ${JSON.stringify(labels)}`);
  return Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, v.replace("{{ $value }}", value)]));
}

/** An alert test: at eval_time, the alerts named `alertname` that fire, with their labels (and value). */
const expect_ = (eval_time: string, alertname: string, labels: Array<Record<string, string>>, value = "1") => ({
  eval_time,
  alertname,
  exp_alerts: labels.map((exp_labels) => ({
    exp_labels,
    exp_annotations: annotationsOf(alertname, exp_labels, value),
  })),
});

// The dev stage's thresholds: lag 10000 for 10m (loan-payments: 1000 for 5m), absent 15m, connector 5m,
// stalled and backlog 15m, raw topics silent 6h, scrape 10m (stages/stages.ts, filters/filters.yaml).
const TESTS: Array<Record<string, unknown> & { alert_rule_test: unknown[] }> = [
  {
    name: "ConsumerLagHigh: each consumer against its own threshold and duration",
    interval: "1m",
    input_series: [
      lag("loan-servicing", "20000x40"),
      lag("loan-payments", "1500x40"),
      lag("car-inventory", "5000x40"),
      lag("service-history", "_x25 20000x15"),
    ],
    alert_rule_test: [
      expect_("4m", "ConsumerLagHigh", []),
      expect_("7m", "ConsumerLagHigh", [consumerLabels("loan-payments")], "1500"),
      {
        eval_time: "40m",
        alertname: "ConsumerLagHigh",
        exp_alerts: [
          ["loan-servicing", "20000"],
          ["loan-payments", "1500"],
          ["service-history", "20000"],
        ].map(([consumer, value]) => ({
          exp_labels: consumerLabels(consumer),
          exp_annotations: annotationsOf("ConsumerLagHigh", consumerLabels(consumer), value),
        })),
      },
    ],
  },
  {
    name: "ConsumerGroupMissing: a group without members vanishes from the metric",
    interval: "1m",
    input_series: [lag("loan-payments", "0x30"), lag("car-inventory", "0x30"), lag("service-history", "0x30")],
    alert_rule_test: [
      expect_("10m", "ConsumerGroupMissing", []),
      expect_("20m", "ConsumerGroupMissing", [{ ...consumerLabels("loan-servicing"), job: "cdc-routing-dev" }]),
    ],
  },
  {
    name: "ConnectorNotRunning and ConnectorTaskFailed",
    interval: "1m",
    input_series: [
      {
        series: `confluent_kafka_connect_connector_status{${JOB}, connector_id="lcc-1", status="FAILED"}`,
        values: "_x2 1x20",
      },
      {
        series: `confluent_kafka_connect_connector_task_status{${JOB}, connector_id="lcc-1", task="0", status="FAILED"}`,
        values: "_x2 1x20",
      },
      {
        series: `confluent_kafka_connect_connector_task_status{${JOB}, connector_id="lcc-1", task="1", status="RUNNING"}`,
        values: "1x22",
      },
    ],
    alert_rule_test: [
      expect_("5m", "ConnectorNotRunning", []),
      expect_("10m", "ConnectorNotRunning", [
        {
          severity: "critical",
          stage: "dev",
          connector: "cdc-routing-dev-postgres-cdc",
          connector_id: "lcc-1",
          status: "FAILED",
        },
      ]),
      expect_("10m", "ConnectorTaskFailed", [
        {
          severity: "critical",
          stage: "dev",
          connector: "cdc-routing-dev-postgres-cdc",
          connector_id: "lcc-1",
          task: "0",
          status: "FAILED",
        },
      ]),
    ],
  },
  {
    name: "a RUNNING connector raises nothing",
    interval: "1m",
    input_series: [
      {
        series: `confluent_kafka_connect_connector_status{${JOB}, connector_id="lcc-1", status="RUNNING"}`,
        values: "1x20",
      },
    ],
    alert_rule_test: [expect_("20m", "ConnectorNotRunning", []), expect_("20m", "ConnectorTaskFailed", [])],
  },
  {
    name: "StatementOutputStalled: reads but writes nothing; another statement writes and is fine",
    interval: "1m",
    input_series: [
      flink("num_records_in", STATEMENT, "100x30"),
      flink("num_records_out", STATEMENT, "0x30"),
      flink("num_records_in", "dev-routing-set-0000bbbb", "100x30"),
      flink("num_records_out", "dev-routing-set-0000bbbb", "40x30"),
    ],
    alert_rule_test: [
      expect_("10m", "StatementOutputStalled", []),
      expect_("20m", "StatementOutputStalled", [
        { severity: "critical", stage: "dev", flink_statement_name: STATEMENT },
      ]),
    ],
  },
  {
    name: "StatementBacklogGrowing: a steady rise alerts, a flat backlog does not",
    interval: "1m",
    input_series: [
      flink("pending_records", STATEMENT, "1000+100x40"),
      flink("pending_records", "dev-routing-set-0000bbbb", "5000x40"),
    ],
    alert_rule_test: [
      expect_("10m", "StatementBacklogGrowing", []),
      expect_("30m", "StatementBacklogGrowing", [
        { severity: "warning", stage: "dev", flink_statement_name: STATEMENT },
      ]),
    ],
  },
  {
    name: "RawTopicSilent: nothing received for 6h, as zeros or as no series at all",
    interval: "1m",
    input_series: [
      {
        series: `confluent_kafka_server_received_records{${JOB}, kafka_id="lkc-1", topic="raw-business-events"}`,
        values: "50x60 0x400",
      },
    ],
    alert_rule_test: [
      expect_("6h30m", "RawTopicSilent", []),
      expect_("7h30m", "RawTopicSilent", [{ severity: "critical", stage: "dev", topic: "raw-business-events" }]),
    ],
  },
  {
    name: "RawTopicSilent: a raw topic missing from the export",
    interval: "10m",
    input_series: [
      {
        series: `confluent_kafka_server_received_records{${JOB}, kafka_id="lkc-1", topic="other"}`,
        values: "50x40",
      },
    ],
    alert_rule_test: [
      expect_("6h10m", "RawTopicSilent", [
        { severity: "critical", stage: "dev", topic: "raw-business-events", job: "cdc-routing-dev" },
      ]),
    ],
  },
  {
    name: "MetricsResourceInaccessible and MetricsScrapeFailing",
    interval: "1m",
    input_series: [
      {
        series: `confluent_scrape_resource_access_error{${JOB}, resource_id="lcc-1", resource_type="connector"}`,
        values: "0x5 1x20",
      },
      { series: `up{${JOB}, instance="api.telemetry.confluent.cloud"}`, values: "1x5 0x20" },
    ],
    alert_rule_test: [
      expect_("10m", "MetricsResourceInaccessible", []),
      expect_("20m", "MetricsResourceInaccessible", [
        { severity: "warning", stage: "dev", resource_id: "lcc-1", resource_type: "connector" },
      ]),
      expect_("20m", "MetricsScrapeFailing", [
        { severity: "warning", stage: "dev", job: "cdc-routing-dev", instance: "api.telemetry.confluent.cloud" },
      ]),
    ],
  },
];

describe("the generated Prometheus rules and configuration, checked by promtool", () => {
  const dir = temporaryDirectory("promtool");
  writeFileSync(join(dir, MONITORING_FILES.rules), prometheusRules(model));

  test("promtool check rules: every rule is valid", async () => {
    const r = await promtool(dir, "check", "rules", MONITORING_FILES.rules);
    expect(r.output).toContain(`SUCCESS: ${model.alerts.length} rules found`);
    expect(r.code).toBe(0);
  });

  test("promtool check config: the scrape configuration (Debian's 2.42: the key id written in)", async () => {
    writeFileSync(
      join(dir, MONITORING_FILES.scrape),
      prometheusScrapeConfig(model, { endpoint: "https://api.telemetry.confluent.cloud", username: "KEYID" }),
    );
    writeFileSync(join(dir, MONITORING_FILES.secret), "not-a-secret\n");
    writeFileSync(join(dir, MONITORING_FILES.targets), "[]\n");
    const r = await promtool(dir, "check", "config", MONITORING_FILES.scrape);
    expect(r.output).toContain("SUCCESS: prometheus.yml is valid prometheus config file syntax");
    expect(r.code).toBe(0);
  });

  test("promtool test rules: each alert fires for exactly its subject, after its duration", async () => {
    writeFileSync(
      join(dir, "alerts.test.yml"),
      stringify({ rule_files: [MONITORING_FILES.rules], evaluation_interval: "1m", tests: TESTS }),
    );
    const r = await promtool(dir, "test", "rules", "alerts.test.yml");
    if (r.code !== 0) process.stderr.write(r.output);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  }, 60_000);

  test("the check can fail: a lag alert expected for the wrong consumer is reported", async () => {
    const wrong = [
      { ...TESTS[0], alert_rule_test: [expect_("30m", "ConsumerLagHigh", [consumerLabels("car-inventory")])] },
    ];
    writeFileSync(
      join(dir, "wrong.test.yml"),
      stringify({ rule_files: [MONITORING_FILES.rules], evaluation_interval: "1m", tests: wrong }),
    );
    const r = await promtool(dir, "test", "rules", "wrong.test.yml");
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/alertname: ConsumerLagHigh/);
  });
});
