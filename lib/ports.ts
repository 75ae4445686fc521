/** Loopback ports: is one open, is one free, and one the OS says is free now. */
import { createConnection, createServer, type Server } from "node:net";
import { InputError } from "./errors";

export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Fails with the port's name when something already listens there. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new InputError(
      `port ${port} for ${what} is in use on 127.0.0.1; stop what holds it or choose other ports (docs/local.md)`,
    );
  }
}

/** A port the OS says is free now (tests run beside a developer's own `local:up`). */
export async function freePort(): Promise<number> {
  const [port] = await distinctFreePorts(1);
  return port;
}

/**
 * `count` different ports the OS says are free now: each is held until all are picked. Picked one after another,
 * a port just released could come back for the next pick (seen once: Kafka given one port for both its listeners).
 */
export async function distinctFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (typeof address !== "object" || !address) throw new Error("no port");
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
