/** The harness's bounded retries of passing Kafka/Flink states (consumers/transient.ts). */
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from "kafkajs";
import { backoffMs, isTransientFlinkFailure, isTransientKafkaError, retryTransient } from "../../consumers/transient";

// kafkajs builds these from its error table ({ type, code, retriable, message }); its typings only admit an Error.
const protocolError = (type: string, code: number) =>
  new KafkaJSProtocolError({ type, code, retriable: true, message: type } as unknown as Error);

describe("transient Kafka and Flink states", () => {
  test("leader, coordinator and metadata states are transient, also wrapped by kafkajs's own retrier", () => {
    expect(isTransientKafkaError(protocolError("NOT_LEADER_FOR_PARTITION", 6))).toBe(true);
    expect(isTransientKafkaError(protocolError("GROUP_LOAD_IN_PROGRESS", 14))).toBe(true);
    expect(isTransientKafkaError(protocolError("UNKNOWN_TOPIC_OR_PARTITION", 3))).toBe(true);
    expect(isTransientKafkaError(new KafkaJSConnectionError("Connection error: ECONNREFUSED"))).toBe(true);
    const wrapped = new KafkaJSNumberOfRetriesExceeded(protocolError("LEADER_NOT_AVAILABLE", 5), {
      retryCount: 5,
      retryTime: 100,
    });
    expect(isTransientKafkaError(wrapped)).toBe(true);
  });

  test("other errors are not: they reach the caller at once", () => {
    expect(isTransientKafkaError(protocolError("TOPIC_AUTHORIZATION_FAILED", 29))).toBe(false);
    expect(isTransientKafkaError(protocolError("TOPIC_ALREADY_EXISTS", 36))).toBe(false);
    expect(isTransientKafkaError(new Error("expect(received).toEqual(expected)"))).toBe(false);
    expect(
      isTransientFlinkFailure(
        new Error("Flink STOP failed: ... Failure reason: Not all required tasks are currently running."),
      ),
    ).toBe(true);
    expect(isTransientFlinkFailure(new Error("Flink RUN failed: Object 'nope' not found"))).toBe(false);
  });

  test("retries a transient failure until it passes, and not a lasting one", async () => {
    let calls = 0;
    const flaky = async () => {
      if (++calls < 3) throw protocolError("NOT_LEADER_FOR_PARTITION", 6);
      return "offsets";
    };
    await expect(retryTransient("fetch offsets", flaky, { initialDelayMs: 1 })).resolves.toBe("offsets");
    expect(calls).toBe(3);

    let lasting = 0;
    const denied = async () => {
      lasting++;
      throw protocolError("TOPIC_AUTHORIZATION_FAILED", 29);
    };
    await expect(retryTransient("fetch offsets", denied, { initialDelayMs: 1 })).rejects.toThrow(
      "TOPIC_AUTHORIZATION_FAILED",
    );
    expect(lasting).toBe(1);
  });

  test("gives up after its time bound, naming the attempts and the last error", async () => {
    const never = async () => {
      throw protocolError("LEADER_NOT_AVAILABLE", 5);
    };
    await expect(
      retryTransient("create topics", never, { timeoutMs: 50, initialDelayMs: 5, maxDelayMs: 10 }),
    ).rejects.toThrow(/^create topics: still failing after \d+ attempts in 0.05 s: LEADER_NOT_AVAILABLE/);
  });

  test("backoff doubles from the first pause up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 100, 2000))).toEqual([100, 200, 400, 800, 1600, 2000]);
  });
});
