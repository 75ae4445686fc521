/** The topic naming rule (filters/topic-scopes.ts): what one grant per consumer covers, and when a prefix is unsafe. */
import { scopeProblems, topicScope } from "../../filters/topic-scopes";
import { errorsOf } from "../support/helpers";

describe("topic scope of a consumer", () => {
  test("one topic is granted literally; several by the prefix they share, up to its last separator", () => {
    expect(topicScope(["filtered-loan-created-events"])).toEqual({
      name: "filtered-loan-created-events",
      pattern: "LITERAL",
    });
    expect(topicScope(["loans.created", "loans.cancelled"])).toEqual({ name: "loans.", pattern: "PREFIXED" });
    expect(topicScope(["loans.created.v1", "loans.created.v2", "loans.paid"])).toEqual({
      name: "loans.",
      pattern: "PREFIXED",
    });
    expect(topicScope(["loans_a", "loans-b"])).toBeUndefined();
  });

  test("the naming rule: a prefix must not cover another consumer's topic, its value subject, or the raw topic", () => {
    const filter = (name: string, consumer: string, outputTopic: string) =>
      ({ name, consumer, outputTopic }) as Parameters<typeof scopeProblems>[0][number];
    const other = (topic: string, what: string) => new Map([[topic, what]]);
    expect(
      scopeProblems(
        [filter("a", "loans", "loans.a"), filter("b", "loans", "loans.b"), filter("c", "cars", "cars.c")],
        other("raw", "the raw topic"),
      ),
    ).toEqual([]);
    expect(
      scopeProblems(
        [filter("a", "loans", "orders-a"), filter("b", "loans", "orders-b"), filter("c", "cars", "orders-c")],
        new Map(),
      ).map((p) => p.message),
    ).toEqual([
      "consumer loans's topics share the prefix 'orders-', and so does 'orders-c' (consumer cars's topic (filter c)): a grant on 'orders-*' would let loans read it",
    ]);
    // 'orders' does not start with 'orders-', but its subject 'orders-value' does.
    expect(
      scopeProblems(
        [filter("a", "loans", "orders-a"), filter("b", "loans", "orders-b"), filter("c", "cars", "orders")],
        new Map(),
      ),
    ).toHaveLength(1);
    expect(
      scopeProblems(
        [filter("a", "loans", "raw.a"), filter("b", "loans", "raw.b")],
        other("raw.events", "the raw topic"),
      )[0].message,
    ).toContain("'raw.events' (the raw topic)");
  });

  test("the validator names the filter, the topic, the position and the fix", () => {
    const entry = (name: string, consumer: string, topic: string) =>
      [
        `  - name: ${name}`,
        `    description: d`,
        `    consumer: ${consumer}`,
        `    outputTopic: ${topic}`,
        `    version: 1`,
        `    operations: [create]`,
      ].join("\n");
    expect(
      errorsOf(
        `filters:\n${[entry("a", "loans", "loans-a"), entry("b", "loans", "loans-b"), entry("c", "loans-audit", "loans-c")].join("\n")}\n`,
      ),
    ).toEqual([
      "consumer loans's topics share the prefix 'loans-', and so does 'loans-c' (consumer loans-audit's topic (filter c)): a grant on 'loans-*' would let loans read it at filters.yaml:5:18 in filter a; give loans's topics a prefix no other topic starts with, e.g. 'loans.<name>'",
    ]);
    expect(
      errorsOf(`filters:\n${[entry("a", "loans", "loans.a"), entry("b", "loans", "credit.b")].join("\n")}\n`),
    ).toEqual([
      "consumer loans's topics 'loans.a' and 'credit.b' share no prefix ending in '.', '-' or '_', so one grant cannot cover all of loans's topics at filters.yaml:11:18 in filter b; name all of loans's topics with one prefix that ends in '.', '-' or '_' and that no other topic starts with, e.g. 'loans.<name>'",
    ]);
  });
});
