/**
 * The load generator's accounting, pure: which consumer must receive each committed event (the reference
 * evaluator says), what each received and when, and from that per consumer: rows per second, end-to-end latency
 * from commit to receipt (p50, p95, p99), events lost, duplicated and received that were not routed to it.
 */

/** Nearest-rank percentile (p in 0..100) of values sorted ascending; undefined for none. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface ConsumerLoad {
  consumer: string;
  expected: number;
  /** Distinct expected events received. */
  received: number;
  lost: number;
  /** Extra copies received (an event received 3 times counts 2). */
  duplicated: number;
  /** Received though the filters do not route it to this consumer. */
  unexpected: number;
  /** Distinct events received per second, from the first commit to this consumer's last receipt. */
  rowsPerSecond: number;
  latencyMs: { p50?: number; p95?: number; p99?: number };
}

export class LoadLedger {
  /** id -> commit time (ms). */
  private readonly commits = new Map<string, number>();
  /** consumer -> ids it must receive. */
  private readonly expected = new Map<string, Set<string>>();
  /** consumer -> id -> receipt times (ms). */
  private readonly receipts = new Map<string, Map<string, number[]>>();
  private firstCommitMs = Number.POSITIVE_INFINITY;

  constructor(readonly consumers: readonly string[]) {
    for (const c of consumers) {
      this.expected.set(c, new Set());
      this.receipts.set(c, new Map());
    }
  }

  /** An event committed at `atMs` that the filters route to `consumers`. */
  committed(id: string, atMs: number, consumers: readonly string[]): void {
    this.commits.set(id, atMs);
    this.firstCommitMs = Math.min(this.firstCommitMs, atMs);
    for (const c of consumers) this.setOf(this.expected, c).add(id);
  }

  /** A record of event `id` read from one of `consumer`'s topics at `atMs`. */
  received(consumer: string, id: string, atMs: number): void {
    const byId = this.receipts.get(consumer) ?? new Map<string, number[]>();
    this.receipts.set(consumer, byId);
    byId.set(id, [...(byId.get(id) ?? []), atMs]);
  }

  /** How many records of event `id` reached `consumer` (0 when none). */
  copies(consumer: string, id: string): number {
    return this.receipts.get(consumer)?.get(id)?.length ?? 0;
  }

  /** The ids `consumer` received more than once, with their copies. */
  duplicatedIds(consumer: string): Map<string, number> {
    const got = this.receipts.get(consumer) ?? new Map<string, number[]>();
    return new Map([...got].filter(([, times]) => times.length > 1).map(([id, times]) => [id, times.length]));
  }

  /** The first commit at or after `ms`, if any yet. */
  firstCommitFrom(ms: number): number | undefined {
    let first: number | undefined;
    for (const at of this.commits.values()) if (at >= ms && (first === undefined || at < first)) first = at;
    return first;
  }

  /** Every event committed up to `ms` has reached each consumer it is routed to. */
  caughtUpTo(ms: number): boolean {
    for (const [c, ids] of this.expected) {
      const got = this.receipts.get(c);
      for (const id of ids) if ((this.commits.get(id) ?? 0) <= ms && !got?.has(id)) return false;
    }
    return true;
  }

  get committedCount(): number {
    return this.commits.size;
  }

  /** Distinct expected events received, over all consumers, and how many are expected. */
  progress(): { received: number; expected: number } {
    let received = 0;
    let expected = 0;
    for (const [c, ids] of this.expected) {
      expected += ids.size;
      const got = this.receipts.get(c);
      for (const id of ids) if (got?.has(id)) received++;
    }
    return { received, expected };
  }

  /** Every expected event has arrived at each of its consumers. */
  complete(): boolean {
    const { received, expected } = this.progress();
    return received === expected;
  }

  report(): ConsumerLoad[] {
    return this.consumers.map((consumer) => {
      const want = this.expected.get(consumer) ?? new Set<string>();
      const got = this.receipts.get(consumer) ?? new Map<string, number[]>();
      const latencies: number[] = [];
      let received = 0;
      let duplicated = 0;
      let unexpected = 0;
      let lastReceiptMs = this.firstCommitMs;
      for (const [id, times] of got) {
        if (!want.has(id)) {
          unexpected += times.length;
          continue;
        }
        received++;
        duplicated += times.length - 1;
        const first = Math.min(...times);
        lastReceiptMs = Math.max(lastReceiptMs, first);
        // The commit is timed when the database acknowledges it; a receipt handled first counts as 0 ms.
        latencies.push(Math.max(0, first - (this.commits.get(id) ?? first)));
      }
      latencies.sort((a, b) => a - b);
      const seconds = (lastReceiptMs - this.firstCommitMs) / 1000;
      return {
        consumer,
        expected: want.size,
        received,
        lost: want.size - received,
        duplicated,
        unexpected,
        rowsPerSecond: seconds > 0 ? received / seconds : 0,
        latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
      };
    });
  }

  private setOf(map: Map<string, Set<string>>, key: string): Set<string> {
    const set = map.get(key) ?? new Set<string>();
    map.set(key, set);
    return set;
  }
}

const ms = (v: number | undefined) => (v === undefined ? "-" : `${Math.round(v)}`);

/** The per-consumer report as a Markdown table. */
export function loadTable(rows: readonly ConsumerLoad[]): string {
  return `${[
    "| consumer | expected | received | rows/s | p50 ms | p95 ms | p99 ms | lost | duplicated | unexpected |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.consumer} | ${r.expected} | ${r.received} | ${r.rowsPerSecond.toFixed(1)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p95)} | ${ms(r.latencyMs.p99)} | ${r.lost} | ${r.duplicated} | ${r.unexpected} |`,
    ),
  ].join("\n")}\n`;
}
