/**
 * The example consumer: one module, configured per consumer (its routed topics come from filters.yaml and its
 * group is <consumer>-consumer-group, the group the stack grants). Offsets are committed only after the
 * handler finished, so a crash re-delivers instead of losing events; SIGTERM stops it cleanly.
 *
 *   KAFKA_BOOTSTRAP_SERVERS=... [KAFKA_API_KEY=... KAFKA_API_SECRET=...] node bin/run.js consumers/consumer.ts loan-servicing
 *   node bin/run.js consumers/consumer.ts loan-servicing --secret-file <file> [--secret-refresh-seconds 60]
 *
 * With --secret-file it reads its connection from the consumer's secret (access/consumer-secret.ts) and re-reads it
 * every --secret-refresh-seconds: when a key rotation wrote a new key into it, the consumer leaves the group cleanly
 * (every handled event committed) and joins again with the new key, so nothing is lost or read twice.
 */

import { Kafka, type KafkaConfig, logLevel } from "kafkajs";
import type { ConsumerSecret } from "../access/consumer-secret";
import { consumerGroup } from "../access/grants";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { topicsByConsumer } from "../filters/topic-scopes";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { getOrThrow } from "../lib/maps";
import {
  connectionChanged,
  describeKafkaConfig,
  kafkaConfigFromEnv,
  kafkaConfigFromSecret,
  readConsumerSecret,
  talkingToKafka,
} from "./kafka-config";
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

export interface SecretFollowingOptions {
  consumer: string;
  /** The consumer's secret as a file (readConsumerSecret). */
  secretFile: string;
  /** How often the file is read again. */
  refreshMs: number;
  handle: RoutedConsumerOptions["handle"];
  /** Lines about connecting and switching keys: key ids and endpoints only, never a secret. */
  log: (line: string) => void;
}

/**
 * A routed consumer that follows its secret: connects with the secret's key, endpoint, group and topics, re-reads
 * the file every refreshMs and, when its value changed (a rotation wrote the newest key), stops the client (kafkajs
 * waits for the event in hand, whose offset is committed, and leaves the group) and starts one with the new value,
 * which resumes from the group's committed offsets. The old key stays valid until the rotation's clean-up, so a
 * consumer that re-reads more often than clean-ups happen never fails to authenticate.
 */
export async function startSecretFollowingConsumer(o: SecretFollowingOptions): Promise<RunningConsumer> {
  const connect = async (secret: ConsumerSecret): Promise<RunningConsumer> => {
    const config: KafkaConfig = {
      ...kafkaConfigFromSecret(secret, `cdc-routing-${o.consumer}`),
      logLevel: logLevel.WARN,
    };
    const running = await talkingToKafka(config, () =>
      startRoutedConsumer({
        kafka: new Kafka(config),
        consumer: o.consumer,
        topics: secret.topics,
        groupId: secret.group_id,
        handle: o.handle,
      }),
    );
    o.log(
      `consumer ${o.consumer}: reading ${secret.topics.join(", ")} as ${secret.group_id} on ${describeKafkaConfig(config)} with API key ${secret.api_key}`,
    );
    return running;
  };
  let secret = readConsumerSecret(o.secretFile);
  let running = await connect(secret);
  let switching = Promise.resolve();
  const follow = async () => {
    let next: ConsumerSecret;
    try {
      next = readConsumerSecret(o.secretFile);
    } catch (e) {
      o.log(`consumer ${o.consumer}: ${e instanceof Error ? e.message : String(e)}; keeps API key ${secret.api_key}`);
      return;
    }
    if (!connectionChanged(secret, next)) return;
    o.log(`consumer ${o.consumer}: its secret holds API key ${next.api_key} now (was ${secret.api_key}); reconnecting`);
    await running.stop();
    secret = next;
    running = await connect(secret);
  };
  const timer = setInterval(() => {
    switching = switching.then(follow);
  }, o.refreshMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await switching;
      await running.stop();
    },
    // The consumer in use at the time (a key switch starts the next one fetching).
    pause: () => running.pause(),
    resume: () => running.resume(),
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
       npm run consumer -- <consumer> --secret-file <file> [--secret-refresh-seconds 60]

Consumes the consumer's topics as its group (<consumer>-consumer-group) and prints one line per routed event.
Kafka from KAFKA_BOOTSTRAP_SERVERS (and KAFKA_API_KEY/KAFKA_API_SECRET for SASL_SSL), or from the consumer's secret
as a file (the JSON the stack writes to Secrets Manager), re-read every --secret-refresh-seconds: a rotated key is
picked up by leaving the group cleanly and joining again with it. SIGTERM/Ctrl-C leaves cleanly.`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      filters: { type: "string", default: DEFAULT_FILTERS_FILE },
      "secret-file": { type: "string" },
      "secret-refresh-seconds": { type: "string", default: "60" },
    },
    1,
  );
  const filtersFile = values.filters as string;
  const topics = topicsByConsumer(loadFilters(filtersFile).filters);
  if (positionals.length === 0)
    throw new UsageError(`name a consumer; consumers in ${filtersFile}: ${[...topics.keys()].join(", ")}`);
  const name = oneOf("consumer", positionals[0], [...topics.keys()]);
  const handle: RoutedConsumerOptions["handle"] = async (event, meta) =>
    void process.stdout.write(`${summaryLine(event, meta)}\n`);
  const secretFile = values["secret-file"] as string | undefined;
  const refreshSeconds = Number(values["secret-refresh-seconds"]);
  if (!(refreshSeconds > 0)) throw new UsageError("--secret-refresh-seconds must be a positive number");
  const running = secretFile
    ? await startSecretFollowingConsumer({
        consumer: name,
        secretFile,
        refreshMs: refreshSeconds * 1000,
        handle,
        log: (line) => process.stderr.write(`${line}\n`),
      })
    : await fromEnvironment(name, getOrThrow(topics, name), handle);
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

async function fromEnvironment(
  name: string,
  topics: string[],
  handle: RoutedConsumerOptions["handle"],
): Promise<RunningConsumer> {
  const config: KafkaConfig = { ...kafkaConfigFromEnv(process.env, `cdc-routing-${name}`), logLevel: logLevel.WARN };
  process.stderr.write(`consumer ${name}: topics ${topics.join(", ")} on ${describeKafkaConfig(config)}\n`);
  return talkingToKafka(config, () =>
    startRoutedConsumer({ kafka: new Kafka(config), consumer: name, topics, handle }),
  );
}

// Runs until SIGTERM/Ctrl-C; a failure ends the process at once (the Kafka client may keep timers).
if (require.main === module) void runScript(USAGE, main, { exit: "on-failure" });
