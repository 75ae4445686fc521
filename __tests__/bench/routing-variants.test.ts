import {
  jsonOnceStatements,
  oneSinkStatements,
  preFilterStatements,
  routingStatements,
  sideStatements,
  withSourceTopic,
} from "../../bench/routing-variants";
import { loadFilters } from "../../filters/load";

const kafka = { bootstrapServers: "127.0.0.1:9092", bounded: true };
const set = loadFilters("filters/filters.yaml");
const JSON_VALUE = /JSON_VALUE\(/g;

describe("bench:routing variants", () => {
  test("one sink: every INSERT of the routing job writes the one sink table", () => {
    const statements = oneSinkStatements(set, "bench-one-sink", kafka);
    const targets = statements.join("\n").match(/^INSERT INTO `[^`]+`/gm);
    expect(targets).toEqual(set.filters.map(() => "INSERT INTO `bench-one-sink`"));
    expect(statements.filter((s) => s.startsWith("CREATE TABLE"))).toHaveLength(2);
  });

  test("JSON once: each distinct JSON_VALUE is in the view only, once, and the INSERTs read the view", () => {
    const statements = jsonOnceStatements(set, kafka);
    const view = statements.find((s) => s.startsWith("CREATE TEMPORARY VIEW")) ?? "";
    // The shipped filters read one JSON path, in two filters.
    expect(view.match(JSON_VALUE)).toHaveLength(1);
    const dml = statements.find((s) => s.startsWith("EXECUTE STATEMENT SET")) ?? "";
    expect(dml.match(JSON_VALUE)).toBeNull();
    expect(dml.match(/`json_0`/g)).toHaveLength(2);
    expect(dml).not.toContain("FROM `raw-business-events`");
    expect(statements[0]).toBe("SET 'table.optimizer.reuse-optimize-block-with-digest-enabled' = 'true'");
  });

  test("object reuse: the routing job with Flink's pipeline.object-reuse set first", () => {
    const sinks = { passthrough: "p", oneSink: "o" };
    expect(sideStatements("object reuse", set, sinks, kafka)).toEqual([
      "SET 'pipeline.object-reuse' = 'true'",
      ...routingStatements(set, kafka),
    ]);
  });

  test("reused passthrough: the passthrough with the same option, for a like-for-like ratio", () => {
    const sinks = { passthrough: "p", oneSink: "o" };
    expect(sideStatements("reused passthrough", set, sinks, kafka)).toEqual([
      "SET 'pipeline.object-reuse' = 'true'",
      ...sideStatements("passthrough", set, sinks, kafka),
    ]);
  });

  test("pre-filter: the view keeps what any filter routes (their conditions ORed), and every INSERT reads it", () => {
    const statements = preFilterStatements(set, kafka);
    const view = statements.find((s) => s.startsWith("CREATE TEMPORARY VIEW")) ?? "";
    const dml = statements.find((s) => s.startsWith("EXECUTE STATEMENT SET")) ?? "";
    const routing = routingStatements(set, kafka).find((s) => s.startsWith("EXECUTE STATEMENT SET")) ?? "";
    // The INSERTs are the routing job's, reading the view instead of the raw table.
    expect(dml).toBe(routing.replaceAll("FROM `raw-business-events`", "FROM `routable`"));
    expect(view.startsWith("CREATE TEMPORARY VIEW `routable` AS SELECT * FROM `raw-business-events` WHERE (")).toBe(
      true,
    );
    expect(view.split("\n  OR (")).toHaveLength(set.filters.length);
    for (const condition of routing.match(/\nWHERE [^;]*;/g) ?? [])
      expect(view).toContain(condition.slice("\nWHERE ".length, -1));
    expect(statements[0]).toBe("SET 'table.optimizer.reuse-optimize-block-with-digest-enabled' = 'true'");
  });

  test("withSourceTopic moves the source table and every filter to another raw topic", () => {
    const moved = withSourceTopic(set, "raw-empty");
    expect([...moved.sources.keys()]).toEqual(["raw-empty"]);
    expect(new Set(moved.filters.map((f) => f.source))).toEqual(new Set(["raw-empty"]));
  });
});
