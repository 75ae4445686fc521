/**
 * The monitoring model (monitoring/model.ts) and its renderers (prometheus.ts, grafana.ts): which alerts a stage
 * gets from filters.yaml and its config, the thresholds each takes, the runbook section each links, and bytes that
 * depend on nothing else. The rules' behaviour on series is tested by promtool (prometheus.integration.test.ts).
 */
import { readFileSync } from "node:fs";
import { loadFilters } from "../../filters/load";
import { grafanaDashboard } from "../../monitoring/grafana";
import { ALERT_KINDS, monitoringModel, RUNBOOK } from "../../monitoring/model";
import { alertExpression, prometheusRules, prometheusScrapeConfig, runbookUrl } from "../../monitoring/prometheus";
import { stageConfig } from "../../stages/stages";

const statement = { name: "dev-routing-set-0000aaaa", sourceTopics: ["raw-business-events"], sinkTopics: ["t"] };
const devModel = () =>
  monitoringModel({
    stage: stageConfig("dev"),
    filters: loadFilters("filters/filters.yaml"),
    statements: [statement],
    connector: "cdc-routing-dev-postgres-cdc",
  });

describe("the monitoring model of a stage", () => {
  test("per consumer a lag and an absence alert, with its own thresholds where filters.yaml sets them", () => {
    const model = devModel();
    const dev = stageConfig("dev").monitoring;
    expect(model.consumers.map((c) => [c.consumer, c.group, c.maxLag, c.lagFor, c.absentFor])).toEqual([
      ["loan-servicing", "loan-servicing-consumer-group", dev.maxLag, dev.lagFor, dev.absentFor],
      ["loan-payments", "loan-payments-consumer-group", 1000, "5m", dev.absentFor],
      ["car-inventory", "car-inventory-consumer-group", dev.maxLag, dev.lagFor, dev.absentFor],
      ["service-history", "service-history-consumer-group", dev.maxLag, dev.lagFor, dev.absentFor],
    ]);
    expect(model.alerts.map((a) => `${a.kind} ${a.for}`)).toEqual([
      ...model.consumers.flatMap((c) => [`consumer-lag ${c.lagFor}`, `consumer-absent ${c.absentFor}`]),
      `connector-not-running ${dev.connectorFor}`,
      `connector-task-failed ${dev.connectorFor}`,
      `statement-stalled ${dev.stalledFor}`,
      `statement-backlog-growing ${dev.backlogFor}`,
      `raw-topic-silent ${dev.rawSilentFor}`,
      `metrics-resource-inaccessible ${dev.scrapeFor}`,
      `metrics-scrape-failing ${dev.scrapeFor}`,
    ]);
    expect(model.job).toBe("cdc-routing-dev");
  });

  test("every raw topic the stage captures gets its silence alert (two tables in dev, one in staging)", () => {
    const filters = loadFilters("filters/filters-two-tables.yaml");
    const silent = (stage: "dev" | "staging") =>
      monitoringModel({ stage: stageConfig(stage), filters, statements: [], connector: "c" })
        .alerts.filter((a) => a.kind === "raw-topic-silent")
        .map((a) => a.kind === "raw-topic-silent" && a.topic);
    expect(silent("dev")).toEqual(["raw-business-events", "raw-loan-entities"]);
    expect(silent("staging")).toEqual(["raw-business-events"]);
  });

  test("every alert links a section of the runbook that exists, one section per kind", () => {
    const runbook = readFileSync(RUNBOOK, "utf8");
    const anchors = [...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1].toLowerCase());
    const model = devModel();
    for (const alert of model.alerts) expect(anchors).toContain(runbookUrl(alert).split("#")[1]);
    expect(new Set(model.alerts.map((a) => a.kind))).toEqual(new Set(ALERT_KINDS));
    expect(new Set(model.alerts.map((a) => a.name)).size).toBe(ALERT_KINDS.length);
  });
});

describe("the Prometheus rules and scrape configuration", () => {
  test("expressions select the stage's job and the alert's subject; counters are compared, never rated", () => {
    const model = devModel();
    const lag = model.alerts.find((a) => a.kind === "consumer-lag" && a.consumer.consumer === "loan-payments");
    expect(lag && alertExpression(lag, model.job)).toBe(
      'sum by (consumer_group_id) (confluent_kafka_server_consumer_lag_offsets{job="cdc-routing-dev", consumer_group_id="loan-payments-consumer-group"}) > 1000',
    );
    const rules = prometheusRules(model);
    expect(rules).not.toMatch(/\brate\(/);
    expect(rules.match(/job="cdc-routing-dev"/g)?.length).toBeGreaterThanOrEqual(model.alerts.length);
  });

  test("the scrape: the export path, one minute, Confluent's timestamps, the key from files, the ids from file_sd", () => {
    const config = prometheusScrapeConfig(devModel(), { endpoint: "https://api.telemetry.confluent.cloud" });
    expect(config.split("\n").slice(2).join("\n")).toBe(
      [
        "global:",
        "  evaluation_interval: 1m",
        "rule_files:",
        "  - alerts.rules.yml",
        "scrape_configs:",
        "  - job_name: cdc-routing-dev",
        "    scheme: https",
        "    metrics_path: /v2/metrics/cloud/export",
        "    scrape_interval: 1m",
        "    scrape_timeout: 1m",
        "    honor_timestamps: true",
        "    basic_auth:",
        "      username_file: metrics-reader.key",
        "      password_file: metrics-reader.secret",
        "    file_sd_configs:",
        "      - files:",
        "          - metrics-targets.json",
        "        refresh_interval: 5m",
        "",
      ].join("\n"),
    );
    const local = prometheusScrapeConfig(devModel(), {
      endpoint: "http://127.0.0.1:8080",
      interval: "1s",
      username: "K",
    });
    expect(local).toMatch(/scheme: http\n/);
    expect(local).toMatch(/scrape_interval: 1s\n/);
    expect(local).toMatch(/username: K\n/);
  });

  test("the same model renders the same bytes", () => {
    expect(prometheusRules(devModel())).toBe(prometheusRules(devModel()));
    expect(grafanaDashboard(devModel())).toBe(grafanaDashboard(devModel()));
  });
});

describe("the Grafana dashboard", () => {
  test("lag per consumer with its threshold, records in and out, backlog, raw topics and the connector", () => {
    const dashboard = JSON.parse(grafanaDashboard(devModel()));
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toEqual([
      "Consumer lag (records)",
      "Connector state",
      "Records in per statement (per minute)",
      "Records out per statement (per minute)",
      "Statement backlog (pending records)",
      "Records received per raw topic (per minute)",
    ]);
    expect(dashboard.panels[0].targets.map((t: { expr: string }) => t.expr)).toEqual([
      'sum by (consumer_group_id) (confluent_kafka_server_consumer_lag_offsets{job="cdc-routing-dev"})',
      "vector(10000)",
      "vector(1000)",
      "vector(10000)",
      "vector(10000)",
    ]);
  });
});
