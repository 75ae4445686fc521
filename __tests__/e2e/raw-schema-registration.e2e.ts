/**
 * The raw value schema the stack registers is the one the connector registers (issue 25, point 3).
 *
 * First the local JSON Schema converter (local/java/connect/src/JsonSchemaRegistryConverter.java, the stand-in for
 * Confluent's, which is not on Maven Central) on Debezium's own flattening of business_events change events: the
 * text it derives with everit-json-schema, the library Confluent's converter uses, is the text
 * connectors/value-schema.ts derives, and against the double's Schema Registry it finds that text and adds no version.
 *
 * Then dev applied to the local Confluent (the real terraform CLI and confluent provider against the double, which runs
 * the managed connector as Debezium on Kafka Connect with that converter): after rows were written and the connector
 * wrote their records, the raw subject still has the one version the stack registered, the converter got that
 * version's id, and `terraform plan -detailed-exitcode` exits 0. Statements are left out: routing is not under test
 * here, and each would start a Flink cluster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { endOffsets, readRecords, totalRecords } from "../../consumers/topic-io";
import { DEFAULT_FILTERS_FILE, loadFilters } from "../../filters/load";
import { rawRecordName, rawValueSchema } from "../../flink-sql/sink-schema";
import type { Json } from "../../lib/json";
import { getOrThrow } from "../../lib/maps";
import { run, sleep } from "../../lib/run";
import { registriesOf } from "../../local/confluent-api/org";
import { type ConfluentDouble, startConfluentDouble } from "../../local/confluent-api/server";
import { classpath } from "../../local/jars";
import { javaCommand, jvmTempOptions, TemporaryDirs } from "../../local/processes";
import { type LocalConfluent, startLocalConfluent } from "../../offline/local-deploy";
import { devConnectorSettings } from "../support/connector-settings";
import {
  notRunnableBecause,
  pendingChanges,
  providersRequired,
  StackOnDouble,
  synthesize,
  useStackOnDouble,
} from "./stack-on-double";

const quiet = process.env.CDC_ROUTING_VERBOSE ? (m: string) => process.stderr.write(`[local] ${m}\n`) : () => undefined;
const temporary = new TemporaryDirs();
const RAW_TOPIC = "raw-business-events";
const SUBJECT = `${RAW_TOPIC}-value`;
const businessEvents = getOrThrow(loadFilters(DEFAULT_FILTERS_FILE).sources, "raw-business-events");
const STACK_SCHEMA = rawValueSchema(businessEvents, rawRecordName("cdc-routing-dev", "public", "business_events"));

/** The subject's live versions on the double's (one) Schema Registry of the environment holding it. */
function versions(double: ConfluentDouble, subject = SUBJECT): { version: number; id: number; schema: string }[] {
  const found = [...double.store.subjects].filter(([key]) => key.endsWith(`/${subject}`));
  return found.flatMap(([, vs]) => vs.filter((v) => !v.deleted));
}

/**
 * The Java launcher on __tests__/e2e/java/ConverterRun.java: its SCHEMA, BYTES and ERROR lines. Asynchronous: the
 * double it registers with answers from this process.
 */
async function converterRun(args: string[]): Promise<string[]> {
  const java = await run(javaCommand(), [
    ...jvmTempOptions(temporary.create("converter-jvm")),
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-cp",
    classpath("connect"),
    join(__dirname, "java", "ConverterRun.java"),
    ...args,
  ]);
  if (java.code !== 0) throw new Error(`ConverterRun failed (${java.code}): ${java.output}`);
  return java.stdout.trim().split("\n");
}

/** The flatten transform's settings and the value converter's, exactly as the stack configures the connector. */
function connectorArgs(): string[] {
  return Object.entries(devConnectorSettings()).flatMap(([k, v]) => {
    if (k.startsWith("transforms.flatten.") && k !== "transforms.flatten.type")
      return [`flatten.${k.slice("transforms.flatten.".length)}=${v}`];
    if (k.startsWith("value.converter.")) return [`converter.${k.slice("value.converter.".length)}=${v}`];
    return [];
  });
}

afterAll(() => temporary.removeAll());

describe("the local JSON Schema converter on Debezium's flattened business_events", () => {
  let double: ConfluentDouble;
  let registry: { url: string; key: string; secret: string };

  beforeAll(async () => {
    double = await startConfluentDouble({ log: () => undefined });
    // An environment with a Schema Registry, a service account and a Schema Registry key, as terraform makes them.
    const cloud = async (path: string, body: Json): Promise<Json> => {
      const answer = await fetch(`${double.url}${path}`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from("k:s").toString("base64")}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(body),
      });
      return (await answer.json()) as Json;
    };
    const env = await cloud("/org/v2/environments", {
      display_name: "schemas",
      stream_governance_config: { package: "ESSENTIALS" },
    });
    const sa = await cloud("/iam/v2/service-accounts", { display_name: "connector" });
    const [sr] = registriesOf(double.store, env.id);
    const key = await cloud("/iam/v2/api-keys", {
      spec: { owner: { id: sa.id, kind: "ServiceAccount" }, resource: { id: sr.id, kind: "Cluster" } },
    });
    registry = { url: sr.spec.http_endpoint, key: key.id, secret: key.spec.secret };
  });
  afterAll(() => double?.close());

  /** The converter's registry settings, Confluent's names, with the key's secret or another. */
  const registryArgs = (secret: string) => [
    `converter.schema.registry.url=${registry.url}`,
    "converter.basic.auth.credentials.source=USER_INFO",
    `converter.basic.auth.user.info=${registry.key}:${secret}`,
  ];

  /** What the stack's confluent_schema does first: register a schema under the subject. */
  const register = (schema: string) =>
    fetch(`${registry.url}/subjects/${SUBJECT}/versions`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${registry.key}:${registry.secret}`).toString("base64")}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ schemaType: "JSON", schema }),
    });

  test("with the connector's settings it derives exactly the schema the stack registers", async () => {
    const [schema] = await converterRun(connectorArgs());
    expect(schema).toBe(`SCHEMA ${STACK_SCHEMA}`);
  });

  test("the stack's schema registered first: the converter finds it, adds no version, writes plain JSON", async () => {
    expect((await register(STACK_SCHEMA)).status).toBe(200);
    const lines = await converterRun([...connectorArgs(), ...registryArgs(registry.secret)]);
    expect(lines.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    const written = lines.filter((l) => l.startsWith("BYTES ")).map((l) => JSON.parse(l.slice("BYTES ".length)));
    expect(written.map((v) => [v.id, v.__op, v.__deleted])).toEqual([
      ["row-1", "c", "false"],
      ["row-1", "u", "false"],
      ["row-1", "d", "true"],
    ]);
    expect(versions(double).map((v) => [v.version, v.schema])).toEqual([[1, STACK_SCHEMA]]);
  });

  test("control: the stack's former raw schema (id required, no connect.index) makes the first record add version 2", async () => {
    double.store.subjects.clear();
    const nullable = (type: string) => ({ oneOf: [{ type: "null" }, { type }] });
    const former = JSON.stringify({
      type: "object",
      title: "cdc-routing-dev.public.business_events.Value",
      properties: {
        id: { type: "string" },
        ...Object.fromEntries(
          ["event_name", "event_type", "created_date", "saved_date", "event_data", "__deleted", "__op", "__table"].map(
            (c) => [c, nullable("string")],
          ),
        ),
        __ts_ms: { oneOf: [{ type: "null" }, { type: "integer", "connect.type": "int64" }] },
      },
      required: ["id"],
    });
    expect((await register(former)).status).toBe(200);
    const lines = await converterRun([...connectorArgs(), ...registryArgs(registry.secret)]);
    expect(lines.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(versions(double).map((v) => [v.version, v.schema])).toEqual([
      [1, former],
      [2, STACK_SCHEMA],
    ]);
  });

  test("a key the registry refuses fails every record with the registry's own error", async () => {
    const lines = await converterRun([...connectorArgs(), ...registryArgs("wrong")]);
    const errors = lines.filter((l) => l.startsWith("ERROR"));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe(
      `ERROR Error registering JSON schema under subject ${SUBJECT}: Unauthorized; error code: 40101 (HTTP 401)`,
    );
  });
});

const why = notRunnableBecause();
if (why && providersRequired) throw new Error(`raw schema registration suite cannot run in CI: ${why}`);
if (why) console.warn(`\n*** NOT RUN: raw schema registration on the local Confluent, because ${why}.\n`);

/** Routing is not under test: no statements (each would start a Flink cluster), nor the output naming them. */
function withoutStatements(config: Json): void {
  delete config.resource.confluent_flink_statement;
  delete config.output.flink_statement_names;
}

(why ? describe.skip : describe)("dev on the local Confluent: the connector registers nothing new", () => {
  let local: LocalConfluent;
  let stack: StackOnDouble;
  let synth: Json;

  useStackOnDouble(
    temporary,
    async () => {
      local = await startLocalConfluent(quiet);
      stack = StackOnDouble.on(local.double, temporary, "raw-schema");
      return stack;
    },
    () => local?.stop(),
  );

  async function query(sql: string, params: unknown[] = []): Promise<void> {
    const client = await local.pipeline.postgres.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  /** Every raw record's value as parsed JSON, once the topic holds at least `count`. */
  async function rawValues(count: number, timeoutMs = 120_000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const total = Number(totalRecords(undefined, await endOffsets(local.pipeline.kafka.client, [RAW_TOPIC])));
      if (total >= count) {
        const records = await readRecords(local.pipeline.kafka.client, RAW_TOPIC, total, 30_000);
        return records.map((r) => JSON.parse(r.value as string));
      }
      if (Date.now() > deadline)
        throw new Error(`${RAW_TOPIC} holds ${total} records, not ${count}, after ${timeoutMs / 1000} s`);
      await sleep(500);
    }
  }

  test("after the connector wrote records: one version, the stack's text, the converter got its id, plan exits 0", async () => {
    synth = await synthesize("dev", temporary.create("raw-schema-synth"));
    const [stackSchema] = Object.values<Json>(synth.resource.confluent_schema).filter(
      (s) => s.subject_name === SUBJECT,
    );
    expect(stackSchema.schema).toBe(STACK_SCHEMA);
    stack.useConfig(synth, withoutStatements);
    const applied = await stack.apply();
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.output}`);
    const [registered] = versions(local.double);
    // Schema Registry's canonical form of a JSON Schema is the parsed text re-emitted with its key order.
    expect(JSON.stringify(JSON.parse(registered.schema))).toBe(registered.schema);

    await query("INSERT INTO business_events VALUES ('schema-1', 'LoanCreated', 'LoanCreated', 'd', 'd', '{\"a\":1}')");
    await query("UPDATE business_events SET event_type = 'LoanUpdated' WHERE id = 'schema-1'");
    await query("INSERT INTO business_events (id) VALUES ('schema-2')");
    await query("DELETE FROM business_events WHERE id = 'schema-2'");
    const values = await rawValues(4);
    expect(values.map((v) => [v.id, v.__op, v.__deleted])).toEqual(
      expect.arrayContaining([
        ["schema-1", "c", "false"],
        ["schema-1", "u", "false"],
        ["schema-2", "c", "false"],
        ["schema-2", "d", "true"],
      ]),
    );
    // Plain JSON, as the local Flink's `json` format reads it (docs/local.md: no magic byte and schema id locally).
    expect(values.find((v) => v.id === "schema-1")?.event_data).toBe('{"a": 1}');

    expect(versions(local.double).map((v) => [v.version, v.id, v.schema])).toEqual([
      [1, registered.id, stackSchema.schema],
    ]);
    const log = readFileSync(join(local.pipeline.workDir, "connect.log"), "utf8");
    expect(log.match(/registered the value schema of subject \S+: schema id \d+/g)).toEqual([
      `registered the value schema of subject ${SUBJECT}: schema id ${registered.id}`,
    ]);

    stack.useConfig(synth, withoutStatements);
    const { run, plan } = await stack.plan("after-records.tfplan");
    if (run.code !== 0) process.stderr.write(`plan after records:\n${run.output}\n`);
    expect({ code: run.code, pending: plan ? pendingChanges(plan) : run.output }).toEqual({ code: 0, pending: [] });
    expect(local.double.unknownCalls).toEqual([]);
  }, 600_000);
});
