/**
 * verify: produce tagged test events into the raw topic and check that every consumer topic receives exactly
 * the events the reference evaluator routes to it (none missing, none extra, none twice).
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 node bin/run.js consumers/verify.ts --stage dev
 *   # after a real deploy: SASL_SSL credentials and the raw topic's value schema id (JSON_SR framing)
 *   KAFKA_BOOTSTRAP_SERVERS=... KAFKA_API_KEY=... KAFKA_API_SECRET=... node bin/run.js consumers/verify.ts --stage dev
 * --schema-id 100001
 *
 * The principal needs write on the raw topic, read on the consumer topics and the group prefix
 * cdc-routing-verify-. Exit 0: routing as expected; 1: differences (listed), or Kafka unreachable; 2: usage error.
 */

import { Kafka, logLevel } from "kafkajs";
import type { RawEvent } from "../filters/evaluate";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../filters/load";
import { type FilterSet, filtersForStage } from "../filters/model";
import { oneOf, parseCommandLine, runScript } from "../lib/command-line";
import { UsageError } from "../lib/errors";
import { getOrThrow } from "../lib/maps";
import { STAGE_NAMES } from "../stages/names";
import { describeKafkaConfig, kafkaConfigFromEnv, talkingToKafka } from "./kafka-config";
import { frameJsonSr } from "./record";
import { compareRouting, describeDifferences, expectedRouting, type TopicDifference } from "./routing-check";
import { sampleEvents } from "./sample-events";
import { endOffsets, produceEvents, readIds } from "./topic-io";

export interface VerifyOptions {
  kafka: Kafka;
  filters: FilterSet;
  stage: string;
  events: RawEvent[];
  /** Prefix of every event id of this run. */
  tag: string;
  schemaId?: number;
  timeoutMs: number;
  settleMs?: number;
}

/** Live check: records the consumer topics' ends, produces, then waits for the expected ids (plus a settle time). */
export async function verifyRouting(o: VerifyOptions): Promise<TopicDifference[]> {
  const topics = filtersForStage(o.filters, o.stage).map((f) => f.outputTopic);
  const expected = expectedRouting(o.filters, o.stage, o.events);
  const from = await endOffsets(o.kafka, topics);
  const { schemaId } = o;
  const encode = schemaId === undefined ? undefined : (json: string) => frameJsonSr(schemaId, json);
  await produceEvents(o.kafka, o.filters.sourceTopic, o.events, encode);
  const want = (topic: string) => new Set(expected.get(topic));
  const actual = await readIds(o.kafka, topics, {
    from,
    idPrefix: o.tag,
    timeoutMs: o.timeoutMs,
    settleMs: o.settleMs ?? 5000,
    done: (seen) => topics.every((t) => [...want(t)].every((id) => getOrThrow(seen, t).includes(id))),
  });
  return compareRouting(expected, actual);
}

const USAGE = `usage: npm run verify -- [--stage dev|staging|prod] [--filters filters/filters.yaml] [--schema-id <id>] [--timeout-s 120]

Produces tagged events into the raw topic and checks every consumer topic receives exactly the events the filters
route there. Kafka from KAFKA_BOOTSTRAP_SERVERS (and KAFKA_API_KEY/KAFKA_API_SECRET for SASL_SSL).
Exit 0: as expected; 1: differences (listed), or an input error (Kafka unreachable, invalid filters); 2: usage error.`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    stage: { type: "string", default: "dev" },
    filters: { type: "string", default: DEFAULT_FILTERS_FILE },
    "schema-id": { type: "string" },
    "timeout-s": { type: "string", default: "120" },
  });
  const stage = oneOf("stage", values.stage as string, STAGE_NAMES);
  const filters = loadFilters(values.filters as string);
  const schemaIdText = values["schema-id"];
  const schemaId = schemaIdText === undefined ? undefined : Number(schemaIdText);
  if (schemaId !== undefined && !Number.isInteger(schemaId))
    throw new UsageError(`--schema-id must be an integer, got '${schemaIdText}'`);
  const timeoutSeconds = Number(values["timeout-s"]);
  if (!(timeoutSeconds > 0))
    throw new UsageError(`--timeout-s must be a positive number of seconds, got '${values["timeout-s"]}'`);
  const timeoutMs = timeoutSeconds * 1000;
  const config = { ...kafkaConfigFromEnv(process.env, "cdc-routing-verify"), logLevel: logLevel.WARN };
  const tag = `verify-${Date.now().toString(36)}`;
  const events = sampleEvents(filters, tag);
  process.stderr.write(
    `verify: ${events.length} events tagged ${tag} into ${filters.sourceTopic} on ${describeKafkaConfig(config)}\n`,
  );
  const differences = await talkingToKafka(config, () =>
    verifyRouting({ kafka: new Kafka(config), filters, stage, events, tag, schemaId, timeoutMs }),
  );
  if (differences.length === 0) {
    process.stdout.write(`verify: every consumer topic received exactly its events (${events.length} produced)\n`);
    return 0;
  }
  process.stdout.write(`verify: routing differs from the filters:\n${describeDifferences(differences)}\n`);
  return 1;
}

// The Kafka client keeps timers after the check: end the process with its result.
if (require.main === module) void runScript(USAGE, main, { exit: true });
