/**
 * What is watched in a stage and when it alerts: one pure model per stage, built from filters.yaml, the stage config
 * and the stage's statements. Every alert target is a small renderer of this model (monitoring/prometheus.ts now);
 * Datadog monitors or Confluent's Notifications API would be others, without touching the model.
 *
 * The signals are the Confluent Cloud Metrics API's (docs/monitoring.md, "What is watched"): consumer lag per consumer
 * group, connector and task status, Flink records in, out and pending per statement, records received per raw topic,
 * and the export's own resource access errors.
 */
import { consumerGroup } from "../access/grants";
import type { ConsumerThresholds, Filter, FilterSet } from "../filters/model";
import { filtersForStage, sourcesForStage, sourceTopicsOf } from "../filters/model";
import { topicsByConsumer } from "../filters/topic-scopes";
import type { StageConfig } from "../stages/config";
import { resourceNames } from "../stages/resource-names";

/** The runbook every alert links: one section per kind (its anchor is the kind). */
export const RUNBOOK = "docs/runbooks/pipeline-alerts.md";

/** A statement as monitoring sees it: its name, and the topics it reads and writes. */
export interface MonitoredStatement {
  readonly name: string;
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
}

/** A generated statement (flink-sql/generate.ts) as monitoring sees it. */
export function monitoredStatement(s: {
  readonly name: string;
  readonly filters: readonly Filter[];
}): MonitoredStatement {
  return { name: s.name, sourceTopics: sourceTopicsOf(s.filters), sinkTopics: s.filters.map((f) => f.outputTopic) };
}

export interface MonitoredConsumer {
  readonly consumer: string;
  /** The consumer group the stack grants it and its secret names (access/grants.ts). */
  readonly group: string;
  readonly topics: readonly string[];
  readonly maxLag: number;
  readonly lagFor: string;
  readonly absentFor: string;
}

export type Severity = "critical" | "warning";

interface AlertBase {
  /** The alert's name in every target (Prometheus `alert`, a monitor's name). */
  readonly name: string;
  readonly severity: Severity;
  /** How long the condition holds before the alert fires (a Prometheus duration, lib/duration.ts). */
  readonly for: string;
  /** One line: what is wrong, with the names involved. */
  readonly summary: string;
  /** What it means for the pipeline; the runbook says what to check and how to fix it. */
  readonly description: string;
}

/** One alert per consumer, statement, connector, raw topic or the scrape itself. */
export type Alert = AlertBase &
  (
    | { readonly kind: "consumer-lag"; readonly consumer: MonitoredConsumer }
    | { readonly kind: "consumer-absent"; readonly consumer: MonitoredConsumer }
    | { readonly kind: "connector-not-running"; readonly connector: string }
    | { readonly kind: "connector-task-failed"; readonly connector: string }
    | { readonly kind: "statement-stalled"; readonly statement: MonitoredStatement }
    | { readonly kind: "statement-backlog-growing"; readonly statement: MonitoredStatement }
    | { readonly kind: "raw-topic-silent"; readonly topic: string }
    | { readonly kind: "metrics-resource-inaccessible" }
    | { readonly kind: "metrics-scrape-failing" }
  );

export type AlertKind = Alert["kind"];

/** Every kind, in the order the runbook lists them. */
export const ALERT_KINDS: readonly AlertKind[] = [
  "consumer-lag",
  "consumer-absent",
  "connector-not-running",
  "connector-task-failed",
  "statement-stalled",
  "statement-backlog-growing",
  "raw-topic-silent",
  "metrics-resource-inaccessible",
  "metrics-scrape-failing",
];

export interface MonitoringModel {
  readonly stage: string;
  /** Names the stage's scrape job: every expression selects the stage's series by it. */
  readonly job: string;
  readonly consumers: readonly MonitoredConsumer[];
  readonly statements: readonly MonitoredStatement[];
  readonly connector: string;
  readonly rawTopics: readonly string[];
  readonly alerts: readonly Alert[];
}

export interface MonitoringInputs {
  readonly stage: StageConfig;
  readonly filters: FilterSet;
  /** The statements the stage runs (its running ones; stopped ones process nothing). */
  readonly statements: readonly MonitoredStatement[];
  /** The managed connector's name. */
  readonly connector: string;
}

/** A consumer's thresholds: its own from filters.yaml where set, else the stage's. */
function consumerOf(consumer: string, topics: string[], stage: StageConfig, own: ConsumerThresholds = {}) {
  const { maxLag, lagFor, absentFor } = stage.monitoring;
  return {
    consumer,
    group: consumerGroup(consumer),
    topics,
    maxLag: own.maxLag ?? maxLag,
    lagFor: own.lagFor ?? lagFor,
    absentFor: own.absentFor ?? absentFor,
  };
}

export function monitoringModel({ stage, filters, statements, connector }: MonitoringInputs): MonitoringModel {
  const t = stage.monitoring;
  const consumers = [...topicsByConsumer(filtersForStage(filters, stage.name))].map(([c, topics]) =>
    consumerOf(c, topics, stage, filters.consumers?.get(c)),
  );
  const rawTopics = sourcesForStage(filters, stage.name).map((s) => s.rawTopic);
  const alerts: Alert[] = [
    ...consumers.flatMap((c): Alert[] => [
      {
        kind: "consumer-lag",
        name: "ConsumerLagHigh",
        severity: "warning",
        for: c.lagFor,
        consumer: c,
        summary: `consumer ${c.consumer} lags more than ${c.maxLag} records behind ${c.topics.join(", ")}`,
        description: `Consumer group ${c.group} has had more than ${c.maxLag} records left to read for ${c.lagFor}: the consumer is slow, stuck or paused, and its events arrive late.`,
      },
      {
        kind: "consumer-absent",
        name: "ConsumerGroupMissing",
        severity: "warning",
        for: c.absentFor,
        consumer: c,
        summary: `consumer ${c.consumer} has no active member reading ${c.topics.join(", ")}`,
        description: `Consumer group ${c.group} has been missing from the lag metric for ${c.absentFor}; Confluent leaves out groups with no active consumer, so the consumer is down or has never started.`,
      },
    ]),
    {
      kind: "connector-not-running",
      name: "ConnectorNotRunning",
      severity: "critical",
      for: t.connectorFor,
      connector,
      summary: `connector ${connector} is not RUNNING`,
      description: `The CDC connector has been in a state other than RUNNING (or missing) for ${t.connectorFor}: no change reaches the raw topics, and the replication slot keeps WAL on the database.`,
    },
    {
      kind: "connector-task-failed",
      name: "ConnectorTaskFailed",
      severity: "critical",
      for: t.connectorFor,
      connector,
      summary: `a task of connector ${connector} failed`,
      description: `A task of the CDC connector has been failed for ${t.connectorFor}; its trace names the root cause.`,
    },
    ...statements.flatMap((s): Alert[] => [
      {
        kind: "statement-stalled",
        name: "StatementOutputStalled",
        severity: "critical",
        for: t.stalledFor,
        statement: s,
        summary: `statement ${s.name} writes nothing while it reads ${s.sourceTopics.join(", ")}`,
        description: `Flink statement ${s.name} has read records but written none for ${t.stalledFor}: routing has stopped while its phase may still say RUNNING (or its filters match none of the input).`,
      },
      {
        kind: "statement-backlog-growing",
        name: "StatementBacklogGrowing",
        severity: "warning",
        for: t.backlogFor,
        statement: s,
        summary: `the backlog of statement ${s.name} keeps growing`,
        description: `Flink statement ${s.name} has had more records pending for ${t.backlogFor}: it reads slower than ${s.sourceTopics.join(", ")} receive.`,
      },
    ]),
    ...rawTopics.map(
      (topic): Alert => ({
        kind: "raw-topic-silent",
        name: "RawTopicSilent",
        severity: "critical",
        for: t.rawSilentFor,
        topic,
        summary: `raw topic ${topic} has received nothing for ${t.rawSilentFor}`,
        description: `No change of its table has reached ${topic} for ${t.rawSilentFor}: the connector or the database's replication stopped, or the table is quiet.`,
      }),
    ),
    {
      kind: "metrics-resource-inaccessible",
      name: "MetricsResourceInaccessible",
      severity: "warning",
      for: t.scrapeFor,
      summary: "the metrics export cannot read a resource of the stage",
      description: `For ${t.scrapeFor} the Metrics API export has reported a resource it cannot read (deleted, or the metrics reader lost MetricsViewer): its alerts are blind.`,
    },
    {
      kind: "metrics-scrape-failing",
      name: "MetricsScrapeFailing",
      severity: "warning",
      for: t.scrapeFor,
      summary: "the Metrics API export cannot be scraped",
      description: `For ${t.scrapeFor} the scrape of the Metrics API export has failed (credentials, rate limit, network): every other alert of the stage is blind.`,
    },
  ];
  return {
    stage: stage.name,
    job: resourceNames(stage.name).prefix,
    consumers,
    statements,
    connector,
    rawTopics,
    alerts,
  };
}
