/**
 * `cdc-routing status`'s pure parts and its refusals (status/): the table, the verdict and the exit code; the
 * status targets and their errors; missing credentials named without a value; a slow call's progress and timeout; a
 * refused key and an unreachable service as exit 2 errors that print no credential. The reads against the real
 * engines behind the local API double are in __tests__/e2e/monitoring.e2e.ts.
 */

import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { run } from "../../cli/cdc-routing";
import { describeFailure } from "../../lib/errors";
import { freePort } from "../../lib/ports";
import { statusCredentials, timed } from "../../status/read";
import { renderStatus, type StatusReport, statusExitCode, statusJson, verdict } from "../../status/report";
import { parseStatusTargets } from "../../status/targets";
import { temporaryDirectory } from "../support/helpers";

const healthy: StatusReport = {
  stage: "dev",
  rows: [
    { kind: "connector", name: "cdc-routing-dev-postgres-cdc", state: "RUNNING", detail: "", healthy: true },
    {
      kind: "consumer",
      name: "loan-servicing",
      state: "lag 0",
      detail: "group loan-servicing-consumer-group, 1 member",
      healthy: true,
    },
  ],
};
const failed: StatusReport = {
  stage: "dev",
  rows: [
    ...healthy.rows,
    {
      kind: "statement",
      name: "dev-routing-set-1",
      state: "FAILED",
      detail: "latest exception (2026-12-06T00:00:00Z) IOException: Failed to deserialize JSON 'x'",
      healthy: false,
    },
  ],
};

describe("the status report", () => {
  test("one aligned row per check, unhealthy ones marked, then the verdict; exit 0 or 1", () => {
    expect(renderStatus(failed)).toBe(
      [
        "cdc-routing status: dev",
        "  connector  cdc-routing-dev-postgres-cdc  RUNNING",
        "  consumer   loan-servicing                lag 0    group loan-servicing-consumer-group, 1 member",
        "! statement  dev-routing-set-1             FAILED   latest exception (2026-12-06T00:00:00Z) IOException: Failed to deserialize JSON 'x'",
        "verdict: dev is UNHEALTHY: 1 of 3 checks: statement dev-routing-set-1 FAILED",
        "",
      ].join("\n"),
    );
    expect(verdict(healthy)).toBe("verdict: dev is healthy (2 checks)");
    expect([statusExitCode(healthy), statusExitCode(failed)]).toEqual([0, 1]);
    expect(JSON.parse(statusJson(failed))).toMatchObject({ stage: "dev", healthy: false, rows: failed.rows });
  });
});

const TARGETS = {
  stage: "dev",
  cloud_api_endpoint: "https://api.confluent.cloud",
  organization_id: "o",
  environment_id: "env-1",
  kafka_cluster_id: "lkc-1",
  kafka_bootstrap_endpoint: "SASL_SSL://pkc-1.eu-west-1.aws.confluent.cloud:9092",
  schema_registry_endpoint: "https://psrc-1.eu-west-1.aws.confluent.cloud",
  connector_name: "cdc-routing-dev-postgres-cdc",
  compute_pool_id: "lfcp-1",
  flink_rest_endpoint: "https://flink.eu-west-1.aws.confluent.cloud",
  statements: ["dev-routing-set-1"],
};

describe("the status targets and credentials", () => {
  test("the output's value or the whole `terraform output -json` is read; a wrong one names each field, exit 2", () => {
    expect(parseStatusTargets(JSON.stringify(TARGETS), "t.json")).toEqual(TARGETS);
    expect(
      parseStatusTargets(JSON.stringify({ status_targets: { value: TARGETS, sensitive: false } }), "t.json"),
    ).toEqual(TARGETS);
    const e = (() => {
      try {
        parseStatusTargets(JSON.stringify({ ...TARGETS, flink_rest_endpoint: undefined, statements: "x" }), "t.json");
      } catch (error) {
        return error;
      }
    })();
    expect(describeFailure(e, "")).toEqual({
      code: 2,
      text: [
        "error: t.json: flink_rest_endpoint: Invalid input: expected string, received undefined",
        "error: t.json: statements: Invalid input: expected array, received string",
        "write it in the stage's directory with: terraform output -json status_targets > t.json",
        "",
      ].join("\n"),
    });
  });

  test("each missing credential is named with what it must be; Kafka's only for a SASL_SSL cluster", () => {
    const missing = (() => {
      try {
        statusCredentials(
          { CONFLUENT_CLOUD_API_KEY: "k", CONFLUENT_CLOUD_API_SECRET: "s3cr3t" },
          TARGETS.kafka_bootstrap_endpoint,
        );
      } catch (error) {
        return describeFailure(error, "");
      }
    })();
    expect(missing?.code).toBe(2);
    expect(missing?.text.split("\n").filter(Boolean)).toEqual(
      [
        "CONFLUENT_FLINK_API_KEY",
        "CONFLUENT_FLINK_API_SECRET",
        "SCHEMA_REGISTRY_API_KEY",
        "SCHEMA_REGISTRY_API_SECRET",
        "KAFKA_API_KEY",
        "KAFKA_API_SECRET",
      ].map((name) => expect.stringMatching(new RegExp(`^error: ${name} is not set: `))),
    );
    expect(missing?.text).not.toContain("s3cr3t");
    const env = {
      CONFLUENT_CLOUD_API_KEY: "k",
      CONFLUENT_CLOUD_API_SECRET: "s",
      CONFLUENT_FLINK_API_KEY: "k",
      CONFLUENT_FLINK_API_SECRET: "s",
      SCHEMA_REGISTRY_API_KEY: "k",
      SCHEMA_REGISTRY_API_SECRET: "s",
    };
    expect(statusCredentials(env, "127.0.0.1:9092").kafka).toEqual({
      clientId: "cdc-routing-status",
      brokers: ["127.0.0.1:9092"],
    });
  });
});

describe("calls: timeouts, progress, refusals", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes("/slow")) return; // never answers
      res.writeHead(401, { "Content-Type": "application/json" }).end('{"errors":[{"detail":"Unauthorized"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("a slow call says it is still waiting, then fails after its timeout with exit 2", async () => {
    const lines: string[] = [];
    const started = Date.now();
    const error = await timed("the slow thing", { timeoutMs: 3500, progress: (l) => lines.push(l) }, (signal) =>
      fetch(`${url}/slow`, { signal }),
    ).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(lines).toEqual(["still waiting for the slow thing (3 s)"]);
    expect(describeFailure(error, "")).toEqual({
      code: 2,
      text: "error: the slow thing: no answer in 3.5 s (raise --timeout, or check the network)\n",
    });
  });

  test("a refused key and an unreachable service: exit 2, naming the variables and never the secret", async () => {
    const dir = temporaryDirectory("status");
    const targets = join(dir, "t.json");
    const env = {
      CONFLUENT_CLOUD_API_KEY: "KEY1",
      CONFLUENT_CLOUD_API_SECRET: "very-secret-1",
      CONFLUENT_FLINK_API_KEY: "KEY2",
      CONFLUENT_FLINK_API_SECRET: "very-secret-2",
      SCHEMA_REGISTRY_API_KEY: "KEY3",
      SCHEMA_REGISTRY_API_SECRET: "very-secret-3",
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const outcome = async (endpoint: string) => {
        writeFileSync(
          targets,
          JSON.stringify({ ...TARGETS, cloud_api_endpoint: endpoint, kafka_bootstrap_endpoint: "127.0.0.1:1" }),
        );
        const out: string[] = [];
        const err: string[] = [];
        const code = await run(["status", "--stage", "dev", "--targets", targets, "--timeout", "5"], {
          out: (s) => out.push(s),
          err: (s) => err.push(s),
        });
        return {
          code,
          out: out.join(""),
          err: err
            .join("")
            .split("\n")
            .filter((l) => l.startsWith("error:")),
        };
      };
      const refused = await outcome(url);
      expect(refused).toEqual({
        code: 2,
        out: "",
        err: [
          "error: the Connect API refused the credentials in CONFLUENT_CLOUD_API_KEY/CONFLUENT_CLOUD_API_SECRET (HTTP 401); check the key, its secret and its role (docs/monitoring.md)",
        ],
      });
      const nobody = `http://127.0.0.1:${await freePort()}`;
      const closed = await outcome(nobody);
      expect(closed).toEqual({
        code: 2,
        out: "",
        err: [`error: cannot reach the Connect API at ${nobody}: ECONNREFUSED`],
      });
      expect(JSON.stringify([refused, closed])).not.toMatch(/very-secret/);
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
