/** Pure helpers of the local engines harness, and its preconditions' messages. */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { assertPortFree, freePort } from "../../lib/ports";
import { traceSummary } from "../../local/connect";
import { clusterId } from "../../local/kafka";
import {
  javaCommand,
  PortTaken,
  startOnFreePorts,
  startService,
  stopAll,
  stopAndRestart,
  TemporaryDirs,
} from "../../local/processes";

/** The temp dirs of every test here (each test its own), removed once the file's tests ran. */
const dirs = new TemporaryDirs();
afterAll(() => dirs.removeAll());

describe("local harness helpers", () => {
  test("Kafka cluster ids never start with '-' (a command line would read an option)", () => {
    for (let i = 0; i < 500; i++) expect(clusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });

  test("a Java trace is summed up by its first line and root cause", () => {
    expect(
      traceSummary(
        "org.x.ConnectException: failed\n\tat a\nCaused by: java.sql.X: mid\nCaused by: org.postgresql.util.PSQLException: ERROR: permission denied for table t",
      ),
    ).toBe(
      "org.x.ConnectException: failed (root cause: org.postgresql.util.PSQLException: ERROR: permission denied for table t)",
    );
  });
});

describe("a port picked as free and taken before the engine bound it", () => {
  /** A service that listens on `port` once started, or exits saying the address is in use. */
  const listener = (dir: string, port: number) =>
    startService(
      {
        name: "listener",
        command: process.execPath,
        args: ["-e", `require("node:net").createServer().listen(${port}, "127.0.0.1", () => console.log("listening"))`],
        logFile: join(dir, `listener-${port}.log`),
        // Its own word: the port answers from the start, held by the test.
        ready: async () => readFileSync(join(dir, `listener-${port}.log`), "utf8").includes("listening"),
        timeoutMs: 20_000,
      },
      () => undefined,
    );

  /** Starts a listener through startOnFreePorts, first on a port held by the test, then on a free one. */
  async function listenerOnFreePort(dir: string, options?: Parameters<typeof startOnFreePorts>[2]) {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", () => resolve()));
    const taken = (holder.address() as { port: number }).port;
    const failures: unknown[] = [];
    let attempts = 0;
    try {
      const service = await startOnFreePorts(
        async () => {
          attempts++;
          try {
            return await listener(dir, attempts === 1 ? taken : await freePort());
          } catch (e) {
            failures.push(e);
            throw e;
          }
        },
        () => undefined,
        options,
      );
      return { service, attempts, failures };
    } finally {
      holder.close();
    }
  }

  test("the start fails as PortTaken, and startOnFreePorts starts it again on another port", async () => {
    const { service, attempts, failures } = await listenerOnFreePort(dirs.create("port-taken"));
    await service.stop();
    expect(attempts).toBe(2);
    expect(failures).toEqual([expect.any(PortTaken)]);
  }, 30_000);

  test("for one service, what was started before keeps running", async () => {
    const dir = dirs.create("port-taken-one-service");
    const before = await listener(dir, await freePort());
    try {
      const { service, attempts } = await listenerOnFreePort(dir, { oneService: true });
      await service.stop();
      expect(attempts).toBe(2);
      expect(before.child.exitCode).toBeNull();
      expect(before.child.signalCode).toBeNull();
    } finally {
      await before.stop();
    }
  }, 30_000);
});

describe("local harness preconditions fail with a clear message", () => {
  test("a port in use names the port and what needed it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(assertPortFree(port, "kafka")).rejects.toThrow(`port ${port} for kafka is in use on 127.0.0.1`);
    } finally {
      server.close();
    }
  });

  test("a missing Java says what is needed", async () => {
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = "/nonexistent-jdk";
    try {
      expect(() => javaCommand()).toThrow(
        "Java 17 or newer is needed for the local pipeline and was not found (/nonexistent-jdk/bin/java)",
      );
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
  });
});

describe("a service's log", () => {
  test("holds what the process writes to stderr after its stdout has closed", async () => {
    const logFile = join(dirs.create("late-stderr"), "service.log");
    const service = await startService(
      {
        name: "late writer",
        command: "sh",
        // stdout closed first, then a line on stderr: the log must take it, and the harness must not throw.
        args: ["-c", "echo early; exec 1>&-; sleep 0.3; echo late >&2; sleep 30"],
        logFile,
        ready: async () => readFileSync(logFile, "utf8").includes("late"),
        timeoutMs: 10_000,
      },
      () => undefined,
    );
    await service.stop();
    expect(readFileSync(logFile, "utf8")).toBe("early\nlate\n");
  });
});

describe("a command to a service that has just died", () => {
  test("a write to its stdin after its death, before its exit is seen, fails quietly on the pipe", async () => {
    const logFile = join(dirs.create("dead-reader"), "service.log");
    const service = await startService(
      {
        name: "stdin reader",
        command: "sleep",
        args: ["30"],
        logFile,
        stdin: true,
        ready: async () => true,
        timeoutMs: 10_000,
      },
      () => undefined,
    );
    const pid = service.child.pid as number;
    process.kill(pid, "SIGKILL");
    // Dead (a zombie: killed, not yet reaped) while this process has not run its exit handler: as the statement
    // health poll found a Flink JVM an engine-crash trial had just killed (EPIPE, the suite failed, 2026-12-07).
    const deadline = Date.now() + 5000;
    while (!/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8")) && Date.now() < deadline);
    expect(service.child.exitCode).toBeNull();
    expect(service.child.signalCode).toBeNull();
    const written = new Promise<Error | null | undefined>((resolve) =>
      service.child.stdin?.write("STATE script-1 -\n", (e) => resolve(e)),
    );
    expect((await written)?.message).toMatch(/EPIPE/);
    await service.kill("SIGKILL");
    expect(service.child.signalCode).toBe("SIGKILL");
  });
});

describe("stopping every service", () => {
  test("a restarted service stops where it first started, also after a second restart: after the services started after it", async () => {
    const dir = dirs.create("stop-order");
    const stopped = join(dir, "stopped");
    const service = (name: string) => {
      // The log is appended to: a restart is up once it has written its own line.
      let spawned = 0;
      const ups = () =>
        readFileSync(join(dir, `${name}.log`), "utf8")
          .split("\n")
          .filter((l) => l === "up").length;
      return startService(
        {
          name,
          command: "sh",
          // Notes its stop in the shared file when SIGTERM ends it; says "up" once the trap is set.
          args: ["-c", `trap 'echo ${name} >> "${stopped}"; exit 0' TERM; echo up; while :; do sleep 0.05; done`],
          logFile: join(dir, `${name}.log`),
          onSpawn: () => spawned++,
          ready: async () => ups() === spawned,
          timeoutMs: 10_000,
        },
        () => undefined,
      );
    };
    const database = { service: await service("database") };
    await service("connector");
    await stopAndRestart(database, "SIGKILL");
    await stopAndRestart(database, "SIGKILL");
    await stopAll();
    expect(readFileSync(stopped, "utf8")).toBe("connector\ndatabase\n");
  });
});
