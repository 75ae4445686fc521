/**
 * The one place that knows which Kafka and Flink errors pass by themselves and retries them, boundedly. A topic that
 * was just created has a leader in the controller's metadata before the broker acts as that leader (seen here:
 * NOT_LEADER_FOR_PARTITION from ListOffsets right after createTopics with waitForLeaders); a group coordinator
 * loads its state after a start; a new topic's metadata reaches clients late. kafkajs retries some of these
 * itself, but its admin calls give up at once on others (fetchTopicOffsets bails on NOT_LEADER_FOR_PARTITION).
 */

/** kafkajs protocol error types that mean "not yet", not "never". */
const TRANSIENT_TYPES = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION", // metadata of a new topic not yet propagated
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "REPLICA_NOT_AVAILABLE",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "GROUP_LOAD_IN_PROGRESS", // the coordinator is loading
  "GROUP_COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR_FOR_GROUP",
  "REBALANCE_IN_PROGRESS",
  "NOT_CONTROLLER",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
]);

/** kafkajs client-side error classes of the same kind (connection not up yet, metadata not loaded yet). */
const TRANSIENT_NAMES = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSMetadataNotLoaded",
  "KafkaJSTopicMetadataNotLoaded",
  "KafkaJSBrokerNotFound",
  "KafkaJSGroupCoordinatorNotFound",
  "KafkaJSStaleTopicMetadataAssignment",
  "KafkaJSNoBrokerAvailableError",
]);

interface ErrorLike {
  name?: string;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** True when the error, or one it wraps (kafkajs nests the last attempt's error), is a passing state. */
export function isTransientKafkaError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (
    let e = error as ErrorLike | undefined;
    e && typeof e === "object" && !seen.has(e);
    e = (e.cause ?? e.originalError) as ErrorLike | undefined
  ) {
    seen.add(e);
    if ((e.type && TRANSIENT_TYPES.has(e.type)) || (e.name && TRANSIENT_NAMES.has(e.name))) return true;
  }
  return false;
}

/**
 * Flink refuses a savepoint while a job's tasks are still being deployed ("Not all required tasks are currently
 * running"), which on a busy machine lasts seconds after the job was submitted; the stop can simply be asked again.
 */
export function isTransientFlinkFailure(error: unknown): boolean {
  return (
    error instanceof Error &&
    /Not all required tasks are currently running|is not being executed at the moment/.test(error.message)
  );
}

export interface RetryOptions {
  /** Give up after this long; the last error is rethrown with the attempts made. @default 60 s */
  timeoutMs?: number;
  /** First pause; doubles up to maxDelayMs. @default 100 ms */
  initialDelayMs?: number;
  maxDelayMs?: number;
  isTransient?: (error: unknown) => boolean;
}

/** Pause before attempt n + 1 (n from 1): doubling from initial, capped. */
export function backoffMs(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 20));
}

/**
 * Runs work until it succeeds, retrying only transient errors, for at most timeoutMs. work must be safe to
 * repeat (read, or check-then-create). Any other error, and the last transient one, goes to the caller.
 */
export async function retryTransient<T>(what: string, work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { timeoutMs = 60_000, initialDelayMs = 100, maxDelayMs = 2_000, isTransient = isTransientKafkaError } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const pause = backoffMs(attempt, initialDelayMs, maxDelayMs);
      if (!isTransient(error) || Date.now() + pause > deadline) {
        if (attempt > 1 && error instanceof Error)
          error.message = `${what}: still failing after ${attempt} attempts in ${timeoutMs / 1000} s: ${error.message}`;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
