import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformStack } from "cdktf";
// The hook cdktf's own TerraformAsset writes its files with (not re-exported from the package root).
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct } from "constructs";
import { grafanaDashboard } from "../monitoring/grafana";
import { METRICS_API } from "../monitoring/metrics";
import type { MonitoringModel } from "../monitoring/model";
import { MONITORING_FILES, prometheusRules, prometheusScrapeConfig } from "../monitoring/prometheus";

export interface MonitoringFilesProps {
  readonly model: MonitoringModel;
  /**
   * The Metrics API's base URL the scrape configuration points at.
   * @default https://api.telemetry.confluent.cloud
   */
  readonly metricsApi?: string;
}

/** The folder beside the stack's cdk.tf.json that holds its monitoring files. */
export const MONITORING_DIR = "monitoring";

/**
 * The stage's monitoring as files beside its Terraform (cdktf.out/stacks/<stage>/monitoring): the Prometheus
 * configuration, the alert rules and the Grafana dashboard, rendered from the monitoring model (monitoring/). They
 * are written when the stack is synthesized, so they always match the stack they sit beside.
 */
export class MonitoringFiles extends Construct {
  /** File name -> content, in MONITORING_DIR. */
  readonly files: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: MonitoringFilesProps) {
    super(scope, id);
    const { model } = props;
    this.files = new Map([
      [MONITORING_FILES.scrape, prometheusScrapeConfig(model, { endpoint: props.metricsApi ?? METRICS_API })],
      [MONITORING_FILES.rules, prometheusRules(model)],
      [MONITORING_FILES.dashboard, grafanaDashboard(model)],
    ]);
    const stack = TerraformStack.of(this);
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = join(session.outdir, session.manifest.forStack(stack).workingDirectory, MONITORING_DIR);
        mkdirSync(dir, { recursive: true });
        for (const [name, content] of this.files) writeFileSync(join(dir, name), content);
      },
    });
  }
}
