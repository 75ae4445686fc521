/**
 * Deletes are never dropped silently, whatever Debezium the managed connector runs (its version is not
 * documented): the connector's own ExtractNewRecordState settings (connectors/postgres-cdc.ts) are applied by
 * Debezium 3.6.1 (the local engine) and by Debezium 2.4.2 (the last line before delete.tombstone.handling.mode)
 * to a delete event and its tombstone (__tests__/e2e/java/DeleteHandling.java).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { type Component, compiledProgram } from "../../local/jars";
import { javaCommand, jvmTempOptions, TemporaryDirs } from "../../local/processes";
import { devConnectorSettings } from "../support/connector-settings";

const PREFIX = "transforms.flatten.";

/** The flatten transform's settings exactly as the stack configures the managed connector. */
function flattenSettings(): string[] {
  const config = devConnectorSettings();
  return Object.entries(config)
    .filter(([k]) => k.startsWith(PREFIX) && k !== `${PREFIX}type`)
    .map(([k, v]) => `${k.slice(PREFIX.length)}=${v}`);
}

// The JVM's temporary files stay in directories removed after the suite.
const temporaryDirs = new TemporaryDirs();
afterAll(() => temporaryDirs.removeAll());

/** What the transform makes of [delete event, tombstone]: ROW <struct>, TOMBSTONE or DROPPED per record. */
function applyTransform(component: Component, settings: string[]): string[] {
  const jvmTemp = jvmTempOptions(temporaryDirs.create(`delete-${component}`));
  const run = spawnSync(
    javaCommand(),
    [...jvmTemp, ...compiledProgram(component, join(__dirname, "java", "DeleteHandling.java")), ...settings],
    { encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`DeleteHandling on ${component} failed (${run.status}): ${run.stderr}`);
  return run.stdout.trim().split("\n");
}

describe("delete handling of the connector's settings on old and new Debezium", () => {
  const settings = flattenSettings();

  test("the settings name all three delete keys", () => {
    expect(settings).toEqual(
      expect.arrayContaining([
        "delete.tombstone.handling.mode=rewrite",
        "delete.handling.mode=rewrite",
        "drop.tombstones=true",
      ]),
    );
  });

  test.each(["connect", "debezium-2.4"] as const)(
    "on %s the delete becomes the row with __op d and __deleted true, and its tombstone is dropped",
    (component) => {
      const [deleted, tombstone] = applyTransform(component, settings);
      expect(deleted).toMatch(/^ROW Struct\{id=row-1,.*__deleted=true/);
      expect(deleted).toContain("__op=d");
      expect(tombstone).toBe("DROPPED");
    },
  );

  test("without the older keys Debezium 2.4 drops the delete itself: the gap the older keys close", () => {
    const newKeyOnly = settings.filter(
      (s) => !s.startsWith("delete.handling.mode=") && !s.startsWith("drop.tombstones="),
    );
    expect(applyTransform("debezium-2.4", newKeyOnly)).toEqual(["DROPPED", "DROPPED"]);
  });
});
