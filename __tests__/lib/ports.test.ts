/** Free ports for the local engines (lib/ports.ts). */
import { assertPortFree, distinctFreePorts } from "../../lib/ports";
import { freePorts } from "../../local/pipeline";

test("ports picked together are all different and free again once picked (Kafka's two listeners need two)", async () => {
  const ports = await distinctFreePorts(20);
  expect(new Set(ports).size).toBe(20);
  for (const port of ports) await assertPortFree(port, "a picked port");
  const pipeline = Object.values(await freePorts());
  expect(new Set(pipeline).size).toBe(4);
});
