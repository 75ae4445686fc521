/** The engines behind the Confluent API double (local/confluent-api/engines.ts): statements, offsets, validation. */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  latestCheckpoint,
  offsetsText,
  STATEMENT_CONFIG,
  sourceTopics,
  statementScript,
  tasksRunWith,
  validationErrors,
} from "../../../local/confluent-api/engines";
import { temporaryDirectory } from "../../support/helpers";

describe("local deploy: engines behind the Confluent API double", () => {
  const statement = {
    name: "dev-routing-set-1",
    sql: "EXECUTE STATEMENT SET BEGIN INSERT INTO `a` (`id`) SELECT `id` FROM `raw-business-events`; END",
    catalog: "cdc-routing-dev",
    database: "cdc-routing-dev-kafka",
    valueSchemas: new Map([
      [
        "raw-business-events",
        JSON.stringify({ type: "object", properties: { id: { type: "string" } }, required: ["id"] }),
      ],
    ]),
  };

  test("a statement runs in its catalog and database over the inferred tables, its text last and unchanged", () => {
    const script = statementScript(statement, "127.0.0.1:9092");
    // Its job's options first, in its own JVM as in a runner shared between e2e suites.
    const options = Object.entries(STATEMENT_CONFIG).map(([key, value]) => `SET '${key}' = '${value}'`);
    expect(script.slice(1, 1 + options.length)).toEqual(options);
    expect(options).toContain("SET 'execution.checkpointing.interval' = '5s'");
    expect(script.slice(1 + options.length, 5 + options.length)).toEqual([
      "CREATE CATALOG `cdc-routing-dev` WITH ('type' = 'generic_in_memory')",
      "CREATE DATABASE `cdc-routing-dev`.`cdc-routing-dev-kafka`",
      "USE CATALOG `cdc-routing-dev`",
      "USE `cdc-routing-dev-kafka`",
    ]);
    expect(script[5 + options.length]).toMatch(
      /^CREATE TABLE `raw-business-events` \(\n {2}`key` VARBINARY\(2147483647\),\n {2}`id` STRING NOT NULL\n\)/,
    );
    expect(script[script.length - 1]).toBe(statement.sql);
    expect(script.some((l) => l.includes("state-recovery"))).toBe(false);
  });

  test("a carried-over statement restores only its predecessor's source positions", () => {
    const script = statementScript(statement, "127.0.0.1:9092", "file:///tmp/sp-1");
    expect(script.slice(0, 3)).toEqual([
      "SET 'table.exec.uid.generation' = 'ALWAYS'",
      "SET 'execution.state-recovery.path' = 'file:///tmp/sp-1'",
      "SET 'execution.state-recovery.ignore-unclaimed-state' = 'true'",
    ]);
  });

  test("latest offsets in Confluent's format, per source topic", () => {
    expect(sourceTopics(statement.sql)).toEqual(["raw-business-events"]);
    expect(
      offsetsText([
        { partition: 1, offset: "7" },
        { partition: 0, offset: "3" },
      ]),
    ).toBe("partition:0,offset:3;partition:1,offset:7");
  });

  test("Kafka Connect's validation errors name the setting; unnamed settings (value null) are skipped", () => {
    const answer = {
      configs: [
        { value: null },
        { value: { name: "snapshot.mode", errors: ["Value must be one of always, initial"] } },
        { value: { name: "tasks.max", errors: [] } },
      ],
    };
    expect(validationErrors(answer)).toEqual(["snapshot.mode: Value must be one of always, initial"]);
  });

  test("a connector's tasks run with its config only once each carries every setting (Kafka Connect updates them after the PUT)", () => {
    const config = { name: "c", "value.converter.object.additional.properties": "true" };
    const task = (open: string) => ({
      id: { connector: "c", task: 0 },
      config: { name: "c", "value.converter.object.additional.properties": open, "task.class": "T" },
    });
    expect(tasksRunWith([task("true")], config)).toBe(true);
    expect(tasksRunWith([task("false")], config)).toBe(false);
    expect(tasksRunWith([task("true"), task("false")], config)).toBe(false);
    expect(tasksRunWith([], config)).toBe(false);
    expect(tasksRunWith({ error_code: 404 }, config)).toBe(false);
  });
});

describe("latestCheckpoint", () => {
  const write = (dir: string, path: string, mtime: number) => {
    mkdirSync(join(dir, path), { recursive: true });
    writeFileSync(join(dir, path, "_metadata"), "");
    utimesSync(join(dir, path, "_metadata"), mtime, mtime);
  };

  test("the newest completed chk-<n> over every job that wrote there; none without _metadata or a directory", () => {
    const dir = temporaryDirectory("checkpoints");
    expect(latestCheckpoint(join(dir, "missing"))).toBeUndefined();
    write(dir, "job-a/chk-7", 1000);
    write(dir, "job-b/chk-8", 2000); // the recovered job numbers on from the one it restored
    mkdirSync(join(dir, "job-b", "chk-9"), { recursive: true }); // in progress: no _metadata yet
    mkdirSync(join(dir, "job-b", "shared"), { recursive: true });
    expect(latestCheckpoint(dir)).toBe(join(dir, "job-b", "chk-8"));
  });
});
