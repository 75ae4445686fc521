/**
 * The order of `cdc-routing status`'s lag reads (status/read.ts readConsumers): committed offsets, then end offsets.
 * A consumer that keeps up commits each record soon after it is written; here every admin call comes after one more
 * record was written and committed, the worst interleaving. Read in the other order, the lag came out as -1 (seen
 * once in the monitoring e2e suite on real Kafka, which checks every lag is a non-negative number).
 */
import type { Admin } from "kafkajs";
import { readConsumers } from "../../status/read";

/** An admin of one single-partition topic whose consumer commits each record right after it is written. */
function keptUpTopic(): Admin {
  let written = 10;
  const tick = () => ++written;
  return {
    fetchOffsets: async () => {
      const committed = tick();
      return [{ topic: "t", partitions: [{ partition: 0, offset: String(committed), metadata: null }] }];
    },
    fetchTopicOffsets: async () => {
      const end = tick();
      return [{ partition: 0, offset: String(end), high: String(end), low: "0" }];
    },
    describeGroups: async () => ({ groups: [{ members: [{}] }] }),
  } as unknown as Admin;
}

test("a consumer that keeps up shows lag 0 or more, never less, however its commits interleave with the reads", async () => {
  const rows = await readConsumers(
    keptUpTopic(),
    { consumers: [{ consumer: "c", group: "g", topics: ["t"], maxLag: 100, lagFor: "5m" } as never] },
    { timeoutMs: 5000, progress: () => undefined },
  );
  expect(rows.map((r) => [r.name, r.state, r.healthy])).toEqual([["c", "lag 1", true]]);
});
