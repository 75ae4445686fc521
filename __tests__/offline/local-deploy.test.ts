/** The local deploy (offline/local-deploy.ts, local-deploy-command.ts): tallies, sample rows, terraform errors. */

import { loadFilters } from "../../filters/load";
import { sampleRows, tally } from "../../offline/local-deploy";
import { terraformErrors } from "../../providers/mirror";

describe("local deploy", () => {
  test("per consumer tally: missing, duplicated and unexpected ids", () => {
    const [t] = tally(new Map([["c1", ["a/c", "b/c"]]]), new Map([["c1", ["a/c", "a/c", "x/c"]]]));
    expect(t).toEqual({
      consumer: "c1",
      expected: 2,
      received: 3,
      missing: ["b/c"],
      duplicated: ["a/c"],
      unexpected: ["x/c"],
    });
  });

  test("sample rows are creates with unique ids, repeated up to the count asked", () => {
    const rows = sampleRows(loadFilters("filters/filters.yaml"), "t", 1000);
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1000);
    expect(new Set(rows.map((r) => r.__op))).toEqual(new Set(["c"]));
  });

  test("terraform errors are quoted from the first Error:, without echoed source lines", () => {
    const output =
      'Plan: 1 to add\n\nError: connector failed: snapshot.mode\n\n  with confluent_connector.x,\n  on main.tf.json line 3:\n   3: {"huge": "json"}\n';
    expect(terraformErrors(output)).toBe(
      "Error: connector failed: snapshot.mode\n\n  with confluent_connector.x,\n  on main.tf.json line 3:",
    );
  });
});
