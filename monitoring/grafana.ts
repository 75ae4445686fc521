/**
 * A Grafana dashboard per stage, for people who would rather look than read alerts: lag per consumer (with its
 * threshold), records in and out per statement, backlog, records received per raw topic, and the connector's state.
 * Its queries are the alert rules' series (monitoring/metrics.ts) on a Prometheus data source chosen at import
 * (`${DS_PROMETHEUS}`, Grafana's import input). Pure and deterministic.
 */
import type { Json } from "../lib/json";
import { METRICS } from "./metrics";
import type { MonitoringModel } from "./model";

interface Panel {
  title: string;
  description: string;
  queries: Array<{ expr: string; legend: string }>;
  type?: "timeseries" | "table";
  unit?: string;
}

const DATASOURCE = { type: "prometheus", uid: "${DS_PROMETHEUS}" };

function panel(p: Panel, index: number): Json {
  // Two panels per row, each 12 of Grafana's 24 columns wide and 8 rows high.
  return {
    id: index + 1,
    type: p.type ?? "timeseries",
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
    fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
    options: {},
    targets: p.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend,
      ...(p.type === "table" ? { instant: true, format: "table" } : {}),
    })),
  };
}

export function grafanaDashboard(model: MonitoringModel): string {
  const job = `job="${model.job}"`;
  // A PromQL regular expression of the raw topics, each literal ('.' escaped; `\\` is one backslash in PromQL).
  const rawTopics = model.rawTopics.map((t) => t.replaceAll(".", "\\\\.")).join("|");
  const panels: Panel[] = [
    {
      title: "Consumer lag (records)",
      description: "Records each consumer group has left to read; a group with no active member is not shown.",
      queries: [
        {
          expr: `sum by (consumer_group_id) (${METRICS.consumerLag}{${job}})`,
          legend: "{{consumer_group_id}}",
        },
        ...model.consumers.map((c) => ({
          expr: `vector(${c.maxLag})`,
          legend: `${c.consumer} alerts above`,
        })),
      ],
    },
    {
      title: "Connector state",
      description: "The CDC connector's state and its tasks' states (1 = in that state).",
      type: "table",
      queries: [
        { expr: `${METRICS.connectorStatus}{${job}}`, legend: "{{status}}" },
        { expr: `${METRICS.connectorTaskStatus}{${job}}`, legend: "task {{task}}: {{status}}" },
      ],
    },
    {
      title: "Records in per statement (per minute)",
      description: "Records each Flink statement read in the minute.",
      queries: [
        {
          expr: `sum by (flink_statement_name) (${METRICS.recordsIn}{${job}})`,
          legend: "{{flink_statement_name}}",
        },
      ],
    },
    {
      title: "Records out per statement (per minute)",
      description: "Records each Flink statement wrote to the consumer topics in the minute.",
      queries: [
        {
          expr: `sum by (flink_statement_name) (${METRICS.recordsOut}{${job}})`,
          legend: "{{flink_statement_name}}",
        },
      ],
    },
    {
      title: "Statement backlog (pending records)",
      description: "Records in each statement's sources it has not read yet.",
      queries: [
        {
          expr: `sum by (flink_statement_name) (${METRICS.pendingRecords}{${job}})`,
          legend: "{{flink_statement_name}}",
        },
      ],
    },
    {
      title: "Records received per raw topic (per minute)",
      description: "Changes the connector wrote to each raw topic in the minute.",
      queries: [
        {
          expr: `sum by (topic) (${METRICS.receivedRecords}{${job}, topic=~"${rawTopics}"})`,
          legend: "{{topic}}",
        },
      ],
    },
  ];
  const dashboard = {
    __inputs: [
      {
        name: "DS_PROMETHEUS",
        label: "Prometheus",
        description: "The Prometheus that scrapes the stage (its monitoring/prometheus.yml)",
        type: "datasource",
        pluginId: "prometheus",
        pluginName: "Prometheus",
      },
    ],
    uid: `${model.job}`,
    title: `cdc-routing ${model.stage}`,
    description: `Generated at synth for stage ${model.stage} (docs/monitoring.md); do not edit.`,
    tags: ["cdc-routing", model.stage],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    templating: { list: [] },
    annotations: { list: [] },
    panels: panels.map(panel),
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
