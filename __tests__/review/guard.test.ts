/** The review guard (review/guard.ts) on plan JSON: a replication slot must not outlive the connector reading it. */
import { slotsLeftBehind } from "../../review/guard";

describe("the review guard refuses a connector removed while its slot stays", () => {
  const change = (type: string, address: string, actions: string[], before: unknown, after: unknown) => ({
    address,
    type,
    name: address.split(".")[1],
    change: { actions, before, after },
  });
  const slot = (actions: string[]) =>
    change(
      "postgresql_replication_slot",
      "postgresql_replication_slot.s",
      actions,
      { name: "cdc_routing_dev" },
      actions.includes("delete") ? null : { name: "cdc_routing_dev" },
    );
  const connector = (address: string, actions: string[]) =>
    change(
      "confluent_connector",
      address,
      actions,
      { config_nonsensitive: { "slot.name": "cdc_routing_dev" } },
      actions.includes("delete") && !actions.includes("create")
        ? null
        : { config_nonsensitive: { "slot.name": "cdc_routing_dev" } },
    );
  const plan = (...resource_changes: unknown[]) => ({ format_version: "1.2", resource_changes }) as any;

  test("removed connector, slot kept: refused, naming both and the fix", () => {
    expect(slotsLeftBehind(plan(connector("confluent_connector.cdc", ["delete"]), slot(["no-op"])))).toEqual([
      "`confluent_connector.cdc` would be deleted while replication slot `cdc_routing_dev` (`postgresql_replication_slot.s`) stays with nothing reading it: an unread slot keeps every WAL segment until the database's disk is full. Remove the slot in the same change, or keep the connector.",
    ]);
  });

  test("slot dropped with it, a renamed (replaced) connector, or another connector reading the slot: allowed", () => {
    expect(slotsLeftBehind(plan(connector("confluent_connector.cdc", ["delete"]), slot(["delete"])))).toEqual([]);
    expect(slotsLeftBehind(plan(connector("confluent_connector.cdc", ["delete", "create"]), slot(["no-op"])))).toEqual(
      [],
    );
    expect(
      slotsLeftBehind(
        plan(
          connector("confluent_connector.old", ["delete"]),
          connector("confluent_connector.new", ["create"]),
          slot(["no-op"]),
        ),
      ),
    ).toEqual([]);
  });
});
