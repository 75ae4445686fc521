import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { StageConfig } from "../stages/config";
import { resourceNames } from "../stages/resource-names";

export type SlotAlarmSettings = NonNullable<StageConfig["source"]["slotAlarms"]>;

export interface ReplicationSlotAlarmsProps {
  readonly stage: string;
  /** The slot the alarms are about (named in their descriptions). */
  readonly slotName: string;
  readonly alarms: SlotAlarmSettings;
}

/**
 * CloudWatch alarms on the Aurora writer that catch an unread replication slot early: the oldest slot's lag
 * (WAL it holds back) and the disk the transaction logs use. Both are Aurora PostgreSQL metrics in AWS/RDS
 * ("Amazon CloudWatch metrics for Amazon Aurora": OldestReplicationSlotLag, TransactionLogsDiskUsage), taken per
 * cluster for its writer (dimensions DBClusterIdentifier and Role=WRITER, so a failover keeps them pointed right).
 */
export class ReplicationSlotAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ReplicationSlotAlarmsProps) {
    super(scope, id);
    const { alarms } = props;
    const metric = (name: string, metricName: string, thresholdBytes: number, what: string) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: resourceNames(props.stage).alarm(name),
        alarmDescription: `cdc-routing ${props.stage}: ${what} (slot ${props.slotName}). See README, Replication slot: find the slot nobody reads, then resume its connector or drop it.`,
        namespace: "AWS/RDS",
        metricName,
        dimensions: { DBClusterIdentifier: alarms.dbClusterIdentifier, Role: "WRITER" },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 3,
        threshold: thresholdBytes,
        comparisonOperator: "GreaterThanThreshold",
        // No data means the writer reports nothing: not a slot problem.
        treatMissingData: "notBreaching",
        alarmActions: [alarms.notificationTopicArn],
        okActions: [alarms.notificationTopicArn],
      });
    this.alarms = [
      metric(
        "replication-slot-lag",
        "OldestReplicationSlotLag",
        alarms.oldestSlotLagBytes,
        "the oldest replication slot holds back more WAL than allowed",
      ),
      metric(
        "transaction-logs-disk",
        "TransactionLogsDiskUsage",
        alarms.transactionLogsDiskBytes,
        "transaction logs use more disk than allowed",
      ),
    ];
  }
}
