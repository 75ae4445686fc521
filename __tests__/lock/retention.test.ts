/**
 * Kept statements left out once Confluent's retention of stopped statements runs out (lock/retention.ts), on a
 * fixed clock (lock/clock.ts).
 */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { ClockError, today } from "../../lock/clock";
import { evolveLock, lockProblems, retiredTopics } from "../../lock/evolution";
import type { StageLock } from "../../lock/lock-file";
import { keptStopped, retentionEnds } from "../../lock/retention";
import { stagePartitions, stageStatements } from "../../lock/stage-lock";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";
import { edit, lockFor, without } from "../support/statement-locks";

const dev = stageConfig("dev");

describe("stopped statements past Confluent's 30-day retention (fixed clock)", () => {
  const filters = loadFilters("filters/filters.yaml");
  const bumped = edit(filters, "car-created", () => ({ version: 2, operations: ["create"] }));
  const v1 = lockFor(filters, dev, undefined, "2026-10-01");
  const v2 = lockFor(bumped, dev, v1, "2026-11-01"); // the lock tool stops v1's set on 2026-11-01
  const stoppedName = v1.running[0].name;
  const synth = (date: string, stage = dev, set = bumped, lock = v2) => {
    let stack: RoutingStageStack | undefined;
    const out = synthStack((app) => (stack = new RoutingStageStack(app, { stage, filters: set, lock, today: date })));
    // Only the retention notices: the stack's other notices (e.g. credentials of a removed consumer) are not these.
    return { out, notices: stack!.notices.filter((n) => n.includes("stopped statement")) };
  };
  const statementNames = (out: Record<string, any>) =>
    Object.values(out.resource.confluent_flink_statement as Record<string, any>)
      .map((s) => s.statement_name)
      .sort();

  test("the lock records the day each statement was stopped; retention ends 29 days later (a day before Confluent's 30)", () => {
    expect(v2.stopped.map((s) => [s.name, s.stoppedOn])).toEqual([[stoppedName, "2026-11-01"]]);
    expect(v2.running[0].stoppedOn).toBeUndefined();
    expect(retentionEnds("2026-11-01")).toBe("2026-11-30");
    expect(retentionEnds("2026-02-20")).toBe("2026-03-21");
    expect(keptStopped(v2, "2026-11-29").kept.map((s) => s.name)).toEqual([stoppedName]);
    expect(keptStopped(v2, "2026-11-30").expired.map((s) => s.name)).toEqual([stoppedName]);
  });

  test("within retention synth keeps it stopped with its import block; once it runs out, it is left out, import block too, and synth says so", () => {
    const within = synth("2026-11-29");
    expect(statementNames(within.out)).toContain(stoppedName);
    expect(within.out.import.map((i: { id: string }) => i.id)).toEqual([stoppedName]);
    expect(within.notices).toEqual([]);

    const past = synth("2026-11-30");
    expect(statementNames(past.out)).toEqual([v2.running[0].name]);
    expect(past.out.import).toBeUndefined();
    expect(past.notices).toEqual([
      `dev: stopped statement ${stoppedName} (stopped 2026-11-01) is left out: Confluent deletes stopped statements 30 days after they stop, so it is dropped from 2026-11-30 on instead of being imported or re-created`,
    ]);
    // The date is the only input that changed: same date, same bytes.
    expect(JSON.stringify(synth("2026-12-15").out)).toBe(JSON.stringify(past.out));
  });

  test("prod keeps a removed filter's topic declared even after its stopped statement has been left out", () => {
    const prod = stageConfig("prod");
    const removed = without(filters, "car-created");
    const lock = lockFor(removed, prod, lockFor(filters, prod, undefined, "2026-10-01"), "2026-11-01");
    const { out, notices } = synth("2027-01-01", prod, removed, lock);
    expect(notices).toHaveLength(1);
    expect(Object.values(out.resource.confluent_kafka_topic as Record<string, any>).map((t) => t.topic_name)).toContain(
      "filtered-car-created-events",
    );
    expect([...retiredTopics(lock)]).toEqual([["car-created", "filtered-car-created-events"]]);
  });

  test("the lock tool drops a stopped statement past retention, and dates one recorded without a date", () => {
    expect(lockFor(bumped, dev, v2, "2026-11-29").stopped.map((s) => s.name)).toEqual([stoppedName]);
    expect(lockFor(bumped, dev, v2, "2026-11-30").stopped).toEqual([]);
    const undated: StageLock = { ...v2, stopped: v2.stopped.map(({ stoppedOn: _d, ...s }) => s) };
    expect(lockProblems(undated, stageStatements(bumped, dev, undated), stagePartitions(bumped, dev), "dev")).toEqual([
      `dev: lock/statements.lock.json does not record when ${stoppedName} stopped; run \`npm run statements:lock\` and commit the result`,
    ]);
    expect(lockFor(bumped, dev, undated, "2026-11-20").stopped.map((s) => s.stoppedOn)).toEqual(["2026-11-20"]);
  });

  test("a change applied long after it was locked: --restart-retention dates its stopped statements the day of the apply", () => {
    const restarted = evolveLock(v2, stageStatements(bumped, dev, v2), stagePartitions(bumped, dev), "dev", {
      today: "2026-12-20",
      restartRetention: true,
    });
    expect(restarted.stopped.map((s) => [s.name, s.stoppedOn])).toEqual([[stoppedName, "2026-12-20"]]);
    expect(restarted.running).toEqual(v2.running);
  });

  test("the clock: CDC_ROUTING_NOW as a date or an ISO time (UTC), else the real date; anything else is refused by name", () => {
    expect(today({ CDC_ROUTING_NOW: "2026-11-30" })).toBe("2026-11-30");
    expect(today({ CDC_ROUTING_NOW: "2026-11-30T23:30:00-02:00" })).toBe("2026-12-01");
    expect(today({}, () => new Date("2027-01-02T03:04:05Z"))).toBe("2027-01-02");
    expect(() => today({ CDC_ROUTING_NOW: "30.11.2026" })).toThrow(ClockError);
    expect(() => today({ CDC_ROUTING_NOW: "2026-13-45" })).toThrow(
      "CDC_ROUTING_NOW=2026-13-45 is not a date; use YYYY-MM-DD (UTC)",
    );
  });
});
