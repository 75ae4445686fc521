/** The topic naming rule (filters/topic-scopes.ts): what one grant per consumer covers, and when a prefix is unsafe. */
import { consumerScopes, namingWarnings, topicScope } from "../../filters/topic-scopes";

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

  const filter = (name: string, consumer: string, outputTopic: string) =>
    ({ name, consumer, outputTopic }) as Parameters<typeof consumerScopes>[0][number];
  const raw = ["raw"];
  const scopesOf = (filters: Parameters<typeof consumerScopes>[0], stack: readonly string[] = raw) =>
    Object.fromEntries(
      [...consumerScopes(filters, stack)].map(([c, scopes]) => [c, scopes.map((s) => `${s.pattern} ${s.name}`)]),
    );

  test("a shared prefix nothing else starts with: one prefixed grant", () => {
    expect(
      scopesOf([filter("a", "loans", "loans.a"), filter("b", "loans", "loans.b"), filter("c", "cars", "cars.c")]),
    ).toEqual({
      loans: ["PREFIXED loans."],
      cars: ["LITERAL cars.c"],
    });
    expect(namingWarnings([filter("a", "loans", "loans.a"), filter("b", "loans", "loans.b")], raw)).toEqual([]);
  });

  test("a prefix that would cover another consumer's topic, its value subject, or a raw topic: each topic literally, one warning per consumer", () => {
    // 'orders-c' is cars's; 'orders' is not under 'orders-', but its subject 'orders-value' is; 'raw.events' is the stack's.
    for (const [filters, stack] of [
      [[filter("a", "loans", "orders-a"), filter("b", "loans", "orders-b"), filter("c", "cars", "orders-c")], raw],
      [[filter("a", "loans", "orders-a"), filter("b", "loans", "orders-b"), filter("c", "cars", "orders")], raw],
      [[filter("a", "loans", "raw.a"), filter("b", "loans", "raw.b")], ["raw.events"]],
    ] as const) {
      expect(scopesOf(filters, stack).loans).toEqual(
        filters.filter((f) => f.consumer === "loans").map((f) => `LITERAL ${f.outputTopic}`),
      );
      expect(namingWarnings(filters, stack)).toEqual([
        "consumer loans's 2 topics are granted one by one (2 role bindings each for Flink and loans, on topics and on subjects): they share no prefix that no other topic starts with; naming them 'loans.<name>' would need one grant each",
      ]);
    }
  });

  test("topics that share no prefix at all are granted literally too, never refused", () => {
    const filters = [filter("a", "loans", "loans.a"), filter("b", "loans", "credit.b")];
    expect(scopesOf(filters).loans).toEqual(["LITERAL loans.a", "LITERAL credit.b"]);
    expect(namingWarnings(filters, raw)).toHaveLength(1);
  });
});
