/**
 * npm run load — writes business events into the local pipeline's PostgreSQL (or the database --database-url
 * names) at a rate, for a time, with a payload size, and reports per consumer what arrived on its topics: rows/s,
 * latency from commit to receipt (p50, p95, p99), lost and duplicated (bench/load/). Exit 0 when every routed event
 * arrived exactly once, 1 when one was lost, duplicated or misrouted.
 */
import { filtersFile } from "../app/build-app";
import { describeKafkaConfig, kafkaConfigFromEnv, talkingToKafka } from "../consumers/kafka-config";
import { loadFilters } from "../filters/load";
import { runScript } from "../lib/command-line";
import { EXIT } from "../lib/errors";
import { probeDatabase, RAW_TOPIC_ROW, runLoad } from "./load/generator";
import { loadTable } from "./load/ledger";
import { describeDatabaseUrl, parseLoadArgs } from "./load/plan";
import { machineLine, progress } from "./stats";

const USAGE = `usage: npm run load -- [--rate 100] [--duration 30s] [--payload 400b|4k|8k|32k|64k] [--users 4]
                     [--stage dev] [--database-url postgresql://user@host:port/db] [--bootstrap-servers host:port]
                     [--drain 60s]

Writes business events (the filters' sample events, event_data padded to the payload size) into
public.business_events at --rate events/s over all --users virtual users for --duration, reads the raw topic and
every consumer topic of the stage meanwhile, and reports per consumer: rows/s, latency from commit to receipt
(p50, p95, p99), lost, duplicated. Waits up to --drain after the last write for the events to arrive.

  --database-url       default $DATABASE_URL, else the local pipeline of npm run local:up
                       (postgresql://postgres@127.0.0.1:15432/business); the password only from PGPASSWORD
  --bootstrap-servers  default $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:19092; KAFKA_API_KEY/SECRET for SASL_SSL
Filters from $CDC_ROUTING_FILTERS, else filters/filters.yaml.
Exit 0: every routed event arrived once; 1: one was lost, duplicated or misrouted (or an input error); 2: usage.`;

async function main(args: string[]): Promise<number> {
  const options = parseLoadArgs(args, process.env);
  const filters = loadFilters(filtersFile());
  const kafka = kafkaConfigFromEnv(
    { ...process.env, KAFKA_BOOTSTRAP_SERVERS: options.bootstrapServers },
    "cdc-routing-load",
  );
  progress(
    `${options.rate}/s for ${options.durationSeconds} s, payload ${options.payload}, ${options.users} users, stage ${options.stage}: writing to ${describeDatabaseUrl(options.databaseUrl)}, reading ${describeKafkaConfig(kafka)}`,
  );
  await probeDatabase(options.databaseUrl);
  const result = await talkingToKafka(kafka, () => runLoad(options, { filters, kafka, progress }));
  process.stdout.write(
    [
      `load ${result.runId}: ${machineLine()}`,
      `written ${result.written} events in ${result.writeSeconds.toFixed(1)} s (${(result.written / result.writeSeconds).toFixed(1)}/s), ${result.writeRetries} write retries, ${result.snapshotReads} raw records as snapshot reads`,
      "",
      loadTable(result.consumers),
    ].join("\n"),
  );
  const bad = result.consumers.filter((c) => c.lost || c.unexpected || (c.duplicated && c.consumer !== RAW_TOPIC_ROW));
  return bad.length === 0 ? EXIT.ok : EXIT.failed;
}

void runScript(USAGE, main, { exit: true });
