/**
 * The monitoring model (monitoring/model.ts) as Prometheus takes it: alert rules, and a scrape configuration for the
 * Metrics API's export. Pure and deterministic: the same model gives the same bytes.
 *
 * The scrape follows Confluent's own example (confluentinc/jmx-monitoring-stacks, ccloud-prometheus-grafana
 * prometheus-template.yml): the export path, a one-minute interval ("at most once per minute": the export allows 160
 * requests per hour per resource and principal, Metrics API reference, "Export metric values"), and
 * `honor_timestamps: true`, since the export stamps each point with its minute. The metrics reader's Cloud API key
 * (HTTP Basic) and the stage's resource ids are only known after apply, so all three come from files the stack's
 * outputs fill (docs/monitoring.md): the key id and secret through `basic_auth` `username_file` and
 * `password_file` (Prometheus releases since 2024, prometheus/common#511), the ids as the target's
 * `__param_resource_*` labels through `file_sd_configs` (the export takes each id parameter in underscore form too).
 * Debian 12's Prometheus 2.42 predates `username_file`: the `username` option writes the key id in instead.
 */
import { stringify } from "yaml";
import { EXPORT_PATH, FAILED_TASK_STATES, METRICS } from "./metrics";
import { type Alert, type MonitoringModel, RUNBOOK } from "./model";

/** `"value"` as a PromQL string literal. */
const quoted = (value: string): string => JSON.stringify(value);

/** `metric{a="x", b!="y"}`: matchers written as `label op value` pairs. */
function selector(metric: string, job: string, ...matchers: Array<[string, "=" | "!=" | "=~", string]>): string {
  const all: Array<[string, string, string]> = [["job", "=", job], ...matchers];
  return `${metric}{${all.map(([label, op, value]) => `${label}${op}${quoted(value)}`).join(", ")}}`;
}

/** The PromQL of one alert; its series are selected by the stage's scrape job. */
export function alertExpression(alert: Alert, job: string): string {
  switch (alert.kind) {
    case "consumer-lag": {
      const lag = selector(METRICS.consumerLag, job, ["consumer_group_id", "=", alert.consumer.group]);
      return `sum by (consumer_group_id) (${lag}) > ${alert.consumer.maxLag}`;
    }
    case "consumer-absent":
      // Confluent leaves out groups with no active consumer ("Monitor Consumer Lag",
      // https://docs.confluent.io/cloud/current/monitoring/monitor-lag.html): a stopped consumer's series vanishes.
      return `absent(${selector(METRICS.consumerLag, job, ["consumer_group_id", "=", alert.consumer.group])})`;
    case "connector-not-running":
      return [
        `max by (connector_id, status) (${selector(METRICS.connectorStatus, job, ["status", "!=", "RUNNING"])}) > 0`,
        `absent(${selector(METRICS.connectorStatus, job)})`,
      ].join(" or ");
    case "connector-task-failed": {
      const failed = selector(METRICS.connectorTaskStatus, job, ["status", "=~", FAILED_TASK_STATES.join("|")]);
      return `max by (connector_id, task, status) (${failed}) > 0`;
    }
    case "statement-stalled": {
      const of = (metric: string) => selector(metric, job, ["flink_statement_name", "=", alert.statement.name]);
      return `(sum by (flink_statement_name) (${of(METRICS.recordsOut)}) == 0) and on (flink_statement_name) (sum by (flink_statement_name) (${of(METRICS.recordsIn)}) > 0)`;
    }
    case "statement-backlog-growing": {
      // The slope over five one-minute points: a steady rise, not one burst.
      const pending = selector(METRICS.pendingRecords, job, ["flink_statement_name", "=", alert.statement.name]);
      return `sum by (flink_statement_name) (deriv(${pending}[5m])) > 0`;
    }
    case "raw-topic-silent": {
      const received = selector(METRICS.receivedRecords, job, ["topic", "=", alert.topic]);
      return `sum by (topic) (${received}) == 0 or absent(${received})`;
    }
    case "metrics-resource-inaccessible":
      return `max by (resource_id, resource_type) (${selector(METRICS.resourceAccessError, job)}) == 1`;
    case "metrics-scrape-failing":
      return `up{job=${quoted(job)}} == 0`;
  }
}

/** The labels that say which consumer, statement, connector or topic an alert is about. */
function subjectLabels(alert: Alert): Record<string, string> {
  switch (alert.kind) {
    case "consumer-lag":
    case "consumer-absent":
      return { consumer: alert.consumer.consumer, consumer_group_id: alert.consumer.group };
    case "connector-not-running":
    case "connector-task-failed":
      return { connector: alert.connector };
    case "statement-stalled":
    case "statement-backlog-growing":
      return { flink_statement_name: alert.statement.name };
    case "raw-topic-silent":
      return { topic: alert.topic };
    default:
      return {};
  }
}

/** Where an alert's runbook section is: the runbook, at the heading that is the alert's name. */
export const runbookUrl = (alert: Alert): string => `${RUNBOOK}#${alert.name.toLowerCase()}`;

/** The alert rules file (`rule_files`), one group per stage. */
export function prometheusRules(model: MonitoringModel): string {
  const rules = model.alerts.map((alert) => ({
    alert: alert.name,
    expr: alertExpression(alert, model.job),
    for: alert.for,
    labels: { severity: alert.severity, stage: model.stage, ...subjectLabels(alert) },
    annotations: {
      summary: `${model.stage}: ${alert.summary}`,
      description: alert.kind === "consumer-lag" ? `${alert.description} Lag now: {{ $value }}.` : alert.description,
      runbook_url: runbookUrl(alert),
    },
  }));
  return `${HEADER(model.stage, "alert rules")}${stringify({ groups: [{ name: model.job, rules }] }, { lineWidth: 0 })}`;
}

export interface ScrapeOptions {
  /** The Metrics API's base URL. @default https://api.telemetry.confluent.cloud */
  readonly endpoint: string;
  /**
   * Scrape and rule evaluation interval. @default 1m, Confluent's: tests shorten it (docs/monitoring.md, "Testing
   * the alerts")
   */
  readonly interval?: string;
  /**
   * The key id itself instead of `username_file`, for a Prometheus older than `username_file` (Debian 12's 2.42, the
   * tests'). @default - read from the key file
   */
  readonly username?: string;
}

/** Files the scrape configuration names, relative to it (Prometheus resolves them from the config's directory). */
export const MONITORING_FILES = {
  scrape: "prometheus.yml",
  rules: "alerts.rules.yml",
  dashboard: "grafana-dashboard.json",
  /** Not generated: the metrics reader's Cloud API key id (the stack's `metrics_reader_api_key` output). */
  keyId: "metrics-reader.key",
  /** Not generated: its secret (the sensitive `metrics_reader_api_secret` output); readable by Prometheus only. */
  secret: "metrics-reader.secret",
  /** Not generated: the stack's `metrics_scrape_targets` output (docs/monitoring.md). */
  targets: "metrics-targets.json",
} as const;

/** A Prometheus configuration scraping the stage's export and evaluating its rules. */
export function prometheusScrapeConfig(model: MonitoringModel, options: ScrapeOptions): string {
  const interval = options.interval ?? "1m";
  const config = {
    global: { evaluation_interval: interval },
    rule_files: [MONITORING_FILES.rules],
    scrape_configs: [
      {
        job_name: model.job,
        scheme: new URL(options.endpoint).protocol.replace(":", ""),
        metrics_path: EXPORT_PATH,
        scrape_interval: interval,
        scrape_timeout: interval,
        honor_timestamps: true,
        basic_auth: {
          ...(options.username === undefined
            ? { username_file: MONITORING_FILES.keyId }
            : { username: options.username }),
          password_file: MONITORING_FILES.secret,
        },
        file_sd_configs: [{ files: [MONITORING_FILES.targets], refresh_interval: "5m" }],
      },
    ],
  };
  return `${HEADER(model.stage, "Prometheus configuration")}${stringify(config, { lineWidth: 0 })}`;
}

const HEADER = (stage: string, what: string) =>
  `# cdc-routing ${stage}: ${what}, generated at synth from filters/filters.yaml and stages/stages.ts; do not edit.\n# docs/monitoring.md says how to use it.\n`;
