/**
 * local/shared-broker.ts on a real broker, in a folder of its own (not the run's shared brokers): the next suite
 * gets the same broker with no topic and no consumer group left; a second pipeline of the same suite gets none; a
 * broker that cannot be emptied (a consumer of the last suite still in its group) is replaced by a new one.
 */
import type { Kafka } from "kafkajs";
import { withAdmin } from "../../consumers/topic-io";
import { ensureTopics } from "../../local/kafka";
import { TemporaryDirs } from "../../local/processes";
import { type SharedBroker, sharedBroker } from "../../local/shared-broker";
import { stopSharedEngines } from "../../local/worker-slots";
import { useOwnSharedEngines } from "./harness";

const quiet = () => undefined;
const temporary = new TemporaryDirs();

async function contents(client: Kafka): Promise<{ topics: string[]; groups: string[] }> {
  return withAdmin(client, async (admin) => ({
    topics: (await admin.listTopics()).filter((t) => !t.startsWith("__")).sort(),
    groups: (await admin.listGroups()).groups.map((g) => g.groupId).sort(),
  }));
}

async function taken(): Promise<SharedBroker> {
  const broker = await sharedBroker(quiet);
  if (!broker) throw new Error("no shared broker was handed out");
  return broker;
}

describe("a Kafka broker shared between suites", () => {
  const shared = useOwnSharedEngines(temporary, "shared-broker-test");

  test("the next holder gets the same broker with no topic and no group; a second holder at once gets none", async () => {
    const first = await taken();
    await ensureTopics(first.kafka.client, ["orders", "filtered-orders"], 2);
    await withAdmin(first.kafka.client, (admin) =>
      admin.setOffsets({ groupId: "orders-reader", topic: "orders", partitions: [{ partition: 0, offset: "0" }] }),
    );
    expect(await contents(first.kafka.client)).toEqual({
      topics: ["filtered-orders", "orders"],
      groups: ["orders-reader"],
    });
    expect(await sharedBroker(quiet)).toBeUndefined();
    first.release();

    const second = await taken();
    expect(second.ports).toEqual(first.ports);
    expect(await contents(second.kafka.client)).toEqual({ topics: [], groups: [] });
    // The same names again, as the next suite creates them.
    await ensureTopics(second.kafka.client, ["orders"], 2);
    second.release();
  }, 180_000);

  test("a broker a consumer still holds a group on is replaced, and the run's teardown stops both", async () => {
    const held = await taken();
    await ensureTopics(held.kafka.client, ["payments"], 1);
    // Its broker is stopped under it: no restart after that crash, which would keep trying (and this process up).
    const consumer = held.kafka.client.consumer({
      groupId: "payments-reader",
      retry: { retries: 0, restartOnFailure: async () => false },
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: "payments" });
      let joined!: () => void;
      const inGroup = new Promise<void>((resolve) => (joined = resolve));
      consumer.on(consumer.events.GROUP_JOIN, () => joined());
      await consumer.run({ eachMessage: async () => undefined });
      await inGroup;
      held.release();

      const next = await taken();
      expect(next.ports).not.toEqual(held.ports);
      expect(await contents(next.kafka.client)).toEqual({ topics: [], groups: [] });
      next.release();
    } finally {
      await consumer.disconnect();
    }
    // The replaced broker was stopped when it was replaced: one is left to stop.
    expect(await stopSharedEngines(shared.dir)).toEqual({ kafka: 1, flink: 0 });
  }, 180_000);
});
