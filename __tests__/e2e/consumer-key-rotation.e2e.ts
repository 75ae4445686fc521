/**
 * A consumer's Kafka API key rotated by generation (stages/credentials.ts, docs/runbooks/rotate-api-keys.md) while
 * its example consumer runs and rows flow: dev applied with the real terraform CLI and confluent provider to the
 * local Confluent Cloud API double, which drives the real engines (PostgreSQL, Kafka, Kafka Connect + Debezium, Flink);
 * `npm run consumer -- loan-servicing --secret-file` runs as its own process. The rotation adds the new key
 * and keeps the old one, the secret gets the new key, the consumer re-reads it and reconnects; the clean-up deletes
 * the old key. Every loan-servicing event written before, during and after arrives exactly once.
 *
 * What stands in for AWS, and what this does not show: Secrets Manager is not here (aws_* resources are left out
 * for the double), so the secret's value is the stack's own expression (its aws_secretsmanager_secret_version's
 * secret_string) evaluated by Terraform as an output, written to the file atomically as a secrets mount does. The
 * local Kafka has neither TLS nor authentication: the file keeps the key and secret Terraform computed but says
 * PLAINTEXT and the local broker's address, so Kafka does not check the key. That the key in the secret is a live
 * key of the cluster (and, after the clean-up, that the old one is not) is checked against the double's Kafka REST
 * API, which authenticates every call with the cluster's API keys (local/confluent-api/kafka-rest.ts).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConsumerSecret } from "../../access/consumer-secret";
import type { RawEvent } from "../../filters/evaluate";
import { getOrThrow } from "../../lib/maps";
import { RUN_ENTRY_POINT, sleep } from "../../lib/run";
import { type RunningService, startService, TemporaryDirs } from "../../local/processes";
import {
  expectedByConsumer,
  insertRows,
  type LocalConfluent,
  sampleRows,
  startLocalConfluent,
} from "../../offline/local-deploy";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { plannedChanges, planReviewApply, realProvidersOrNotRun, StackOnDouble } from "./stack-on-double";
import { synthesizeConfig } from "./synthesize-config";

const why = realProvidersOrNotRun("consumer key rotation suite", "a consumer's key rotation on the local Confluent");

const CONSUMER = "loan-servicing";
const SECRET_OUTPUT = "loan_servicing_secret";
const quiet = process.env.CDC_ROUTING_VERBOSE ? undefined : () => undefined;
const temporary = new TemporaryDirs();
const dev = stageConfig("dev", {});

/** dev with the consumer's key generations set as in the stage config. */
function devWith(kafkaKeyGenerations: number[]): StageConfig {
  const consumers = { ...dev.credentials.consumers };
  consumers[CONSUMER] = { ...consumers[CONSUMER], kafkaKeyGenerations };
  return parseStageConfig({ ...dev, credentials: { ...dev.credentials, consumers } });
}

/** The configuration for the double, with the consumer's secret value as a Terraform output. */
function useGenerations(stack: StackOnDouble, kafkaKeyGenerations: number[], label: string): void {
  const synth = synthesizeConfig(devWith(kafkaKeyGenerations), temporary.create(`synth-${label}`));
  const versions = synth.resource.aws_secretsmanager_secret_version as Record<string, { secret_string: string }>;
  const [value] = Object.entries(versions).filter(([id]) => id.includes(`secret-${CONSUMER}-value`));
  stack.useConfig(synth, (config) => {
    config.output = { ...config.output, [SECRET_OUTPUT]: { value: value[1].secret_string, sensitive: true } };
  });
}

(why ? describe.skip : describe)("rotating a consumer's Kafka API key while its consumer runs", () => {
  let local: LocalConfluent;
  let stack: StackOnDouble;
  let consumer: RunningService;
  let secretFile: string;
  let consumerLogFile: string;
  let clusterId: string;
  const output: string[] = [];
  const written: RawEvent[] = [];
  const tag = "keys";

  /** Writes the secret's value from Terraform's output, as Secrets Manager's new version reaches a secrets mount. */
  async function publishSecret(): Promise<ConsumerSecret> {
    const shown = await stack.terraform("output", "-json", SECRET_OUTPUT);
    if (shown.code !== 0) throw new Error(`terraform output failed:\n${shown.output}`);
    const secret = {
      ...(JSON.parse(JSON.parse(shown.stdout)) as ConsumerSecret),
      // The local engines' Kafka: no TLS, no authentication (see the file's comment).
      bootstrap_servers: local.pipeline.kafka.bootstrapServers,
      security_protocol: "PLAINTEXT" as const,
    };
    writeFileSync(`${secretFile}.new`, JSON.stringify(secret));
    renameSync(`${secretFile}.new`, secretFile);
    return secret;
  }

  /** HTTP status of a Kafka REST call to the double with the key: 200 for a live key of the cluster. */
  async function keyStatus(secret: Pick<ConsumerSecret, "api_key" | "api_secret">): Promise<number> {
    const auth = Buffer.from(`${secret.api_key}:${secret.api_secret}`).toString("base64");
    const r = await fetch(`${local.double.url}/kafka/v3/clusters/${clusterId}/topics`, {
      headers: { authorization: `Basic ${auth}` },
    });
    return r.status;
  }

  const consumerLog = () => readFileSync(consumerLogFile, "utf8");
  const received = () =>
    output
      .map((line) => line.split(" "))
      .filter(([, , id]) => id?.startsWith(tag))
      .map(([, op, id]) => `${id}/${op}`);
  async function waitFor(what: string, done: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; consumer log:\n${consumerLog()}`);
      await sleep(250);
    }
  }
  const expected = () => getOrThrow(expectedByConsumer(local.pipeline.filters, "dev", written), CONSUMER);
  async function write(rows: RawEvent[]): Promise<void> {
    await insertRows(local.pipeline.postgres, rows);
    written.push(...rows);
  }

  beforeAll(async () => {
    local = await startLocalConfluent(quiet ?? ((line) => process.stderr.write(`[local] ${line}\n`)));
    stack = StackOnDouble.on(local.double, temporary, "consumer-keys");
    useGenerations(stack, [1], "first");
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    [clusterId] = [...local.double.store.kafkaClusters.keys()];
    const dir = temporary.create("consumer");
    secretFile = join(dir, "secret.json");
    consumerLogFile = join(dir, "consumer.log");
    await publishSecret();
    let partial = "";
    consumer = await startService(
      {
        name: `consumer ${CONSUMER}`,
        command: process.execPath,
        args: [
          RUN_ENTRY_POINT,
          "consumers/consumer.ts",
          CONSUMER,
          "--secret-file",
          secretFile,
          "--secret-refresh-seconds",
          "1",
        ],
        logFile: consumerLogFile,
        stdin: true,
        onSpawn: (child) =>
          child.stdout?.on("data", (chunk: Buffer) => {
            const lines = (partial + chunk.toString()).split("\n");
            partial = lines.pop() ?? "";
            output.push(...lines);
          }),
        ready: async () => consumerLog().includes(`consumer ${CONSUMER}: reading`),
        // A first start compiles the consumer (bin/run.js), and a first group waits for Kafka to create its offsets topic.
        timeoutMs: 120_000,
      },
      quiet,
    );
  }, 600_000);
  afterAll(async () => {
    await consumer?.stop();
    await local?.stop();
    temporary.removeAll();
  }, 120_000);

  test("generation 1: rows reach the consumer, which reads with the key its secret holds, a live key of the cluster", async () => {
    await write(sampleRows(local.pipeline.filters, `${tag}-first`));
    await waitFor("the first rows", () => expected().every((id) => received().includes(id)));
    const secret = JSON.parse(readFileSync(secretFile, "utf8")) as ConsumerSecret;
    expect(consumerLog()).toContain(`with API key ${secret.api_key}`);
    expect(await keyStatus(secret)).toBe(200);
    expect(await keyStatus({ api_key: secret.api_key, api_secret: "wrong" })).toBe(401);
  }, 240_000);

  test("the rotation, applied while rows keep coming: a new key, the old one kept; the consumer reconnects with the new key", async () => {
    const before = JSON.parse(readFileSync(secretFile, "utf8")) as ConsumerSecret;
    let writing = true;
    const writer = (async () => {
      for (let batch = 0; writing; batch++) {
        await write(sampleRows(local.pipeline.filters, `${tag}-switch-${batch}`).slice(0, 20));
        await sleep(300);
      }
    })();
    try {
      useGenerations(stack, [1, 2], "rotated");
      const plan = await planReviewApply(stack, "rotate.tfplan");
      expect(plannedChanges(plan)).toEqual([
        "confluent_api_key create cdc-routing-dev-consumer-loan-servicing-kafka-2",
      ]);
      const after = await publishSecret();
      expect(after.api_key).not.toBe(before.api_key);
      await waitFor(
        "the consumer to reconnect",
        () => consumerLog().includes(`reading`) && consumerLog().includes(`with API key ${after.api_key}`),
      );
      expect(consumerLog()).toContain(
        `consumer ${CONSUMER}: its secret holds API key ${after.api_key} now (was ${before.api_key}); reconnecting`,
      );
      // Both keys are valid until the clean-up: a consumer that has not re-read its secret yet keeps working.
      expect([await keyStatus(before), await keyStatus(after)]).toEqual([200, 200]);
      await sleep(3000);
    } finally {
      writing = false;
      await writer;
    }
    await waitFor("every row written during the rotation", () => expected().every((id) => received().includes(id)));
  }, 300_000);

  test("the clean-up deletes only the old key; rows written after it still arrive; every event exactly once", async () => {
    const current = JSON.parse(readFileSync(secretFile, "utf8")) as ConsumerSecret;
    const oldKey = [...local.double.store.apiKeys.values()].find(
      (k: any) => k.spec.display_name === "cdc-routing-dev-consumer-loan-servicing-kafka",
    ) as any;
    useGenerations(stack, [2], "cleaned");
    const plan = await planReviewApply(stack, "cleanup.tfplan");
    expect(plannedChanges(plan)).toEqual(["confluent_api_key delete cdc-routing-dev-consumer-loan-servicing-kafka"]);
    expect(JSON.parse(readFileSync(secretFile, "utf8"))).toEqual(await publishSecret()); // the secret did not change
    expect(await keyStatus({ api_key: oldKey.id, api_secret: oldKey.spec.secret })).toBe(401);
    expect(await keyStatus(current)).toBe(200);

    await write(sampleRows(local.pipeline.filters, `${tag}-after`));
    await waitFor("the rows written after the clean-up", () => expected().every((id) => received().includes(id)));
    await sleep(3000); // late duplicates
    const got = received();
    const want = expected();
    const duplicated = [...new Set(got.filter((id, i) => got.indexOf(id) !== i))];
    const unexpected = got.filter((id) => !want.includes(id));
    const during = want.filter((id) => id.startsWith(`${tag}-switch`)).length;
    console.log(
      `${CONSUMER}: ${written.length} rows written, ${want.length} routed to it (${during} while the rotation was applied and the consumer switched keys), ${got.length} received, ${duplicated.length} twice, ${unexpected.length} unexpected`,
    );
    expect({ missing: want.filter((id) => !got.includes(id)), duplicated, unexpected }).toEqual({
      missing: [],
      duplicated: [],
      unexpected: [],
    });
    expect(consumerLog().match(/: reading /g)).toHaveLength(2); // connected twice: at start and once for the rotation
  }, 300_000);
});
