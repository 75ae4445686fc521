/** Which process answers on a port (local/processes.ts listensOn): the readiness checks' guard against a port taken. */
import { createServer } from "node:net";
import { listensOn } from "../../local/processes";

test("a process listens on the port its server bound, not on another; a process that is gone listens on none", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    expect(listensOn(process.pid, port)).toBe(true);
    expect(listensOn(process.pid, port === 65535 ? 1 : port + 1)).toBe(false);
    expect(listensOn(process.ppid, port)).toBe(false);
    expect(listensOn(undefined, port)).toBe(false);
    expect(listensOn(2 ** 22 + 1, port)).toBe(false);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
