/** A single-node Kafka broker in KRaft mode (combined broker and controller) on loopback. */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { withAdmin, withAdminOnce } from "../consumers/topic-io";
import { InputError } from "../lib/errors";
import { portOpen } from "../lib/ports";
import { run } from "../lib/run";
import { recordTiming } from "../lib/timings";
import { classDataSharing, sharedClasses } from "./class-data-sharing";
import { classpath, componentDir } from "./jars";
import {
  javaCommand,
  jvmTempOptions,
  type Progress,
  printProgress,
  quickStartJvmOptions,
  type RunningService,
  startService,
  stopAndRestart,
} from "./processes";

export interface KafkaHandle {
  bootstrapServers: string;
  /** Absent for a broker shared between suites (local/shared-broker.ts), which no suite stops or crashes. */
  service?: RunningService;
  client: Kafka;
}

/** A kafkajs client of a local broker, quiet (tests and the harness read its errors, not its logs). */
export function localKafkaClient(bootstrapServers: string): Kafka {
  return new Kafka({ clientId: "cdc-routing-local", brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
}

/** A broker this process started and owns. */
export type StartedKafka = KafkaHandle & { service: RunningService };

export function brokerProperties(port: number, controllerPort: number, logDir: string, partitions: number): string {
  return `${[
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${logDir}`,
    `num.partitions=${partitions}`,
    // One broker: internal topics cannot have more replicas than that.
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    // One partition each for the group and transaction coordinators' topics instead of 50: a fresh broker creates
    // them at the first group join and the first transaction, which then wait for 50 partitions' leaders each.
    "offsets.topic.num.partitions=1",
    "transaction.state.log.num.partitions=1",
    // No no-op record in the metadata log every 500 ms (0 turns them off): a quorum of one has no follower to
    // show liveness to, and an idle broker appended and replayed one twice a second.
    "metadata.max.idle.interval.ms=0",
    // A broker killed and started again (the crash trials) registers anew, and its controller (the same process)
    // refuses that until the dead incarnation's session expires: about 9 s with the default 9 s session (apache/kafka
    // PR 19454 names this single-node wait). 4 s, with heartbeats every 0.5 s, still spans 8 heartbeats; a broker
    // restart measured 7.3 to 7.6 s instead of 13.4 s (2 s of it down).
    "broker.session.timeout.ms=4000",
    "broker.heartbeat.interval.ms=500",
    // Consumers in tests join at once instead of after the default 3 s delay.
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
  ].join("\n")}\n`;
}

/**
 * 16 random bytes in URL-safe base64, as `kafka-storage random-uuid` prints them; like Kafka's own generator it
 * never starts with '-', which a command line would read as an option (seen here: 1 run in about 64 failed).
 */
export function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

export const JVM_QUIET_LOGGING = ["-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dlog4j2.level=warn"];

/** Kafka's StorageTool formats a log directory for the broker of `properties` (a JVM start of 1 to 4 s). */
async function runStorageTool(java: string, jvm: string[], properties: string): Promise<void> {
  // Not spawnSync: a JVM start of seconds, while PostgreSQL starts beside it (pipeline.ts).
  const formatter = classDataSharing([
    ...jvm,
    ...JVM_QUIET_LOGGING,
    "kafka.tools.StorageTool",
    "format",
    `--cluster-id=${clusterId()}`,
    "-c",
    properties,
  ]);
  const format = await run(java, formatter.args);
  // A failed format (or one killed) may have cut its archive short.
  formatter.exited(format.code === 0 ? 0 : null, null);
  if (format.code !== 0) throw new InputError(`formatting Kafka storage failed: ${format.output}`);
}

/** Scratch folders of formats killed part-way (older than any format takes), beside a template not made yet. */
function removeAbandonedScratch(template: string): void {
  const dir = dirname(template);
  const prefix = `${basename(template)}.`;
  for (const name of existsSync(dir) ? readdirSync(dir) : [])
    if (name.startsWith(prefix) && Date.now() - statSync(join(dir, name)).mtimeMs > 10 * 60_000)
      rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * The broker properties a storage template is formatted from: the broker's, with fixed ports and directory, which
 * the format does not record (below). A change to what it does record (node id, roles) names another template.
 */
const templateProperties = (dir: string) => brokerProperties(9092, 9093, dir, 1);

/**
 * A broker's log directory, formatted. What StorageTool writes (meta.properties, bootstrap.checkpoint) depends on the
 * node id, the roles and the metadata version of the jars, not on the ports or the directory: a static quorum
 * (controller.quorum.voters) writes no voters, and two formats with other ports and paths differ only in a
 * timestamp, the directory id and a date comment. So the first start formats once per Kafka build and broker
 * properties (beside the jars, under a name of its own, then renamed into place), and every start copies that: every
 * local broker has the same cluster id and directory id, each on its own, which no broker compares with another's.
 */
export async function formattedStorage(
  logDir: string,
  format: (properties: string) => Promise<void>,
  templates = componentDir("kafka"),
): Promise<void> {
  const key = createHash("sha256").update(templateProperties("")).digest("hex").slice(0, 12);
  const template = join(templates, `formatted-storage-${key}`);
  if (!existsSync(template)) {
    removeAbandonedScratch(template);
    const scratch = `${template}.${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      const properties = join(scratch, "server.properties");
      mkdirSync(scratch, { recursive: true });
      writeFileSync(properties, templateProperties(join(scratch, "data")));
      await format(properties);
      renameSync(join(scratch, "data"), template);
    } catch (e) {
      // Another start renamed its format into place first: that one serves.
      if (!existsSync(template)) throw e;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  // Like StorageTool, never over an existing directory's files.
  cpSync(template, logDir, { recursive: true, force: false, errorOnExist: true });
}

export async function startKafka(
  options: { port: number; controllerPort: number; workDir: string; partitions?: number },
  progress: Progress = printProgress,
): Promise<StartedKafka> {
  const java = javaCommand();
  const cp = classpath("kafka");
  const props = join(options.workDir, "server.properties");
  writeFileSync(
    props,
    brokerProperties(
      options.port,
      options.controllerPort,
      join(options.workDir, "kafka-data"),
      options.partitions ?? 3,
    ),
  );
  const jvmTemp = jvmTempOptions(join(options.workDir, "jvm-tmp", "kafka"));
  const formatStart = Date.now();
  await formattedStorage(join(options.workDir, "kafka-data"), (properties) =>
    runStorageTool(java, [...jvmTemp, "-cp", cp], properties),
  );
  recordTiming("setup", "kafka storage format", formatStart);
  const bootstrapServers = `127.0.0.1:${options.port}`;
  const client = localKafkaClient(bootstrapServers);
  const service = await startService(
    {
      name: "kafka broker",
      command: java,
      ...sharedClasses([
        "-Xmx1g",
        ...quickStartJvmOptions(),
        ...jvmTemp,
        "-cp",
        cp,
        ...JVM_QUIET_LOGGING,
        "kafka.Kafka",
        props,
      ]),
      logFile: join(options.workDir, "kafka.log"),
      port: options.port,
      timeoutMs: 60_000,
      ready: async () => {
        if (!(await portOpen(options.port))) return false;
        await withAdminOnce(client, (admin) => admin.describeCluster());
        return true;
      },
    },
    progress,
  );
  return { bootstrapServers, service, client };
}

/**
 * Creates the topics that do not exist yet and returns once every partition answers ListOffsets from its
 * leader: a leader in the metadata is not yet a leader that serves (withAdmin repeats the whole check then).
 */
export async function ensureTopics(client: Kafka, topics: string[], partitions: number): Promise<void> {
  await withAdmin(client, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
    }
    for (const topic of topics) await admin.fetchTopicOffsets(topic);
  });
}

/**
 * A crash of the broker (kill -9), then the same broker again on its ports and log directory; `whileDown` runs in
 * between. Clients (kafkajs, Kafka Connect, Flink) reconnect on their own.
 */
export async function crashAndRestartBroker(
  kafka: KafkaHandle,
  whileDown: () => Promise<void> = async () => undefined,
  progress?: Progress,
): Promise<void> {
  if (!kafka.service)
    throw new Error("a broker shared between suites is not crashed: start the pipeline with sharedBroker: false");
  await stopAndRestart(kafka as StartedKafka, "SIGKILL", whileDown, progress);
}
