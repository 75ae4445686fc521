/**
 * The example consumer: one module, configured per consumer (its routed topics come from filters.yaml and its
 * group is <consumer>-consumer-group, the group the stack grants). Offsets are committed only after the
 * handler finished, so a crash re-delivers instead of losing events; SIGTERM stops it cleanly.
 *
 *   KAFKA_BOOTSTRAP_SERVERS=... [KAFKA_API_KEY=... KAFKA_API_SECRET=...] npx tsx consumers/consumer.ts loan-servicing
 */

import { Kafka, type KafkaConfig, logLevel } from "kafkajs";
import { consumerGroup } from "../access/grants";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { topicsByConsumer } from "../filters/topic-scopes";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { getOrThrow } from "../lib/maps";
import { describeKafkaConfig, kafkaConfigFromEnv, talkingToKafka } from "./kafka-config";
import { parseRoutedRecord, RecordParseError, type RoutedEvent } from "./record";

export interface RecordMeta {
  topic: string;
  partition: number;
  offset: string;
}

export interface RoutedConsumerOptions {
  kafka: Kafka;
  consumer: string;
  topics: string[];
  /** Default: <consumer>-consumer-group. */
  groupId?: string;
  /** Where a group with no committed offsets starts; default earliest, so nothing routed is skipped. */
  fromBeginning?: boolean;
  handle: (event: RoutedEvent, meta: RecordMeta) => Promise<void>;
  /** A record that is not a routed CDC row is reported here and skipped (its offset is committed). */
  onInvalid?: (error: RecordParseError, meta: RecordMeta) => Promise<void>;
}

export interface RunningConsumer {
  stop(): Promise<void>;
  /** Stops fetching while staying in the group (its lag grows; the group keeps its member). */
  pause(): void;
  resume(): void;
}

export async function startRoutedConsumer(o: RoutedConsumerOptions): Promise<RunningConsumer> {
  const consumer = o.kafka.consumer({ groupId: o.groupId ?? consumerGroup(o.consumer) });
  await consumer.connect();
  await consumer.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      const meta = { topic, partition, offset: message.offset };
      try {
        await o.handle(parseRoutedRecord(message.value), meta);
      } catch (error) {
        if (!(error instanceof RecordParseError)) throw error; // not committed: kafkajs retries the record
        await (o.onInvalid ?? defaultOnInvalid)(error, meta);
      }
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  const topics = o.topics.map((topic) => ({ topic }));
  return {
    stop: () => consumer.disconnect(),
    pause: () => consumer.pause(topics),
    resume: () => consumer.resume(topics),
  };
}

async function defaultOnInvalid(error: RecordParseError, meta: RecordMeta): Promise<void> {
  process.stderr.write(`skipping ${meta.topic}[${meta.partition}]@${meta.offset}: ${error.message}\n`);
}

/** One line per event: ids and types only, never the event payload (it can hold personal data). */
export function summaryLine(event: RoutedEvent, meta: RecordMeta): string {
  const entity = event.data?.eventBody?.entities?.[0]?.entityType ?? "-";
  return `${meta.topic}[${meta.partition}]@${meta.offset} ${event.op} ${event.id} ${event.eventType ?? "-"} ${entity}`;
}

const USAGE = `usage: npm run consumer -- <consumer> [--filters filters/filters.yaml]

Consumes the consumer's topics as its group (<consumer>-consumer-group) and prints one line per routed event.
Kafka from KAFKA_BOOTSTRAP_SERVERS (and KAFKA_API_KEY/KAFKA_API_SECRET for SASL_SSL). SIGTERM/Ctrl-C leaves cleanly.`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    { filters: { type: "string", default: DEFAULT_FILTERS_FILE } },
    1,
  );
  const filtersFile = values.filters as string;
  const topics = topicsByConsumer(loadFilters(filtersFile).filters);
  if (positionals.length === 0)
    throw new UsageError(`name a consumer; consumers in ${filtersFile}: ${[...topics.keys()].join(", ")}`);
  const name = oneOf("consumer", positionals[0], [...topics.keys()]);
  const config: KafkaConfig = { ...kafkaConfigFromEnv(process.env, `cdc-routing-${name}`), logLevel: logLevel.WARN };
  process.stderr.write(
    `consumer ${name}: topics ${getOrThrow(topics, name).join(", ")} on ${describeKafkaConfig(config)}\n`,
  );
  const running = await talkingToKafka(config, () =>
    startRoutedConsumer({
      kafka: new Kafka(config),
      consumer: name,
      topics: getOrThrow(topics, name),
      handle: async (event, meta) => void process.stdout.write(`${summaryLine(event, meta)}\n`),
    }),
  );
  const shutdown = (signal: string) => {
    process.stderr.write(`consumer ${name}: ${signal}, committing and leaving the group\n`);
    running.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(
          `error: consumer ${name}: leaving the group failed: ${e instanceof Error ? e.message : String(e)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

// Runs until SIGTERM/Ctrl-C; a failure ends the process at once (the Kafka client may keep timers).
if (require.main === module) void runScript(USAGE, main, { exit: "on-failure" });
