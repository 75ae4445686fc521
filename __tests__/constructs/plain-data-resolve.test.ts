/** Property: resolving through the plain-data walk gives cdktf's resolve's result (or its error), for any value. */
import {
  App,
  DefaultTokenResolver,
  Fn,
  Lazy,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from "cdktf";
import fc from "fast-check";
import { resolvePlainData, withPlainDataResolve } from "../../constructs/plain-data-resolve";
import { temporaryDirectory } from "../support/helpers";

const stack = new TerraformStack(new App({ outdir: temporaryDirectory("plain-data") }), "tokens");
const text = new TerraformVariable(stack, "text", { type: "string" });
const count = new TerraformVariable(stack, "count", { type: "number" });
const names = new TerraformVariable(stack, "names", { type: "list(string)" });
const options = { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) };
const original = Tokenization.resolve.bind(Tokenization);

/** Every kind of token cdktf encodes, and values around its markers that hold none. */
const leaf = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "3e5",
    "a-e-b",
    "1.5E+3",
    "${literal}",
    "$${escaped}",
    "TfToken[",
    "${TfToken[TOKEN.999999]}",
    "#{TfToken[TOKEN.999999]}",
    "&{TfToken[TOKEN.999999]}",
    Token.STRING_MAP_TOKEN_VALUE,
    Token.ANY_MAP_TOKEN_VALUE,
  ),
  fc.double(),
  fc.integer(),
  fc.constantFrom(Token.NUMBER_MAP_TOKEN_VALUE, 0, -0, 1e300, -1e300),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.constantFrom(
    () => text.stringValue,
    () => `topic-${text.stringValue}-raw`,
    () => count.numberValue,
    () => `${count.numberValue}`,
    () => `partitions=${count.numberValue}`,
    () => names.listValue,
    () => [names.listValue[0]],
    () => ["a", ...names.listValue],
    () => Fn.join(",", names.listValue),
    () => Token.asNumberList(names.value),
    () => [1, ...Token.asNumberList(names.value)],
    () => Lazy.stringValue({ produce: () => "lazy" }),
    () => Lazy.anyValue({ produce: () => ({ a: 1, b: undefined, c: [text.stringValue] }) }),
    () => Token.asStringMap(text.stringValue),
    () => ({ [text.stringValue]: 1 }),
    () => new Date(0),
    () => stack,
  ),
);

const value = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf.map((x) => (typeof x === "function" ? x() : x)),
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("1e5", "${x}")), tie("tree"), { maxKeys: 4 }),
  ),
})).tree;

function outcome(resolve: () => unknown): { json?: string; error?: string } {
  try {
    const result = resolve();
    return { json: JSON.stringify(result) ?? "undefined" };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test("resolvePlainData returns what cdktf's resolve returns, or throws its error (random values with tokens)", () => {
  fc.assert(
    fc.property(value, (v) => {
      expect(outcome(() => resolvePlainData(v, options, original))).toEqual(outcome(() => original(v, options)));
    }),
    { numRuns: 400 },
  );
});

test("edge cases give cdktf's result or its error: deep nesting, construct-like, null-prototype and sparse values", () => {
  const nested = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { a: [nested(depth - 1, leaf)] });
  const bare = Object.assign(Object.create(null), { a: 1, b: text.stringValue });
  // biome-ignore lint/suspicious/noSparseArray: a hole is one of the cases
  const sparse = [1, , 3];
  for (const v of [
    nested(60, "plain"),
    nested(60, text.stringValue),
    nested(101, "past cdktf's limit of 200 keys"),
    nested(101, count.numberValue),
    { _children: {}, _metadata: [] },
    { nested: { _children: {}, _metadata: [] } },
    bare,
    sparse,
    [undefined, null, -0, Number.NaN],
  ])
    expect(outcome(() => resolvePlainData(v, options, original))).toEqual(outcome(() => original(v, options)));
  // cdktf does refuse that depth, so both sides above gave its error.
  expect(outcome(() => original(nested(101, "x"), options)).error).toMatch(/circular/i);
});

test("within one synthesis (withPlainDataResolve), token strings resolved once each give cdktf's results (random values)", () => {
  fc.assert(
    fc.property(fc.array(value, { minLength: 2, maxLength: 6 }), (values) => {
      const once = withPlainDataResolve(() => values.map((v) => outcome(() => resolvePlainData(v, options, original))));
      expect(once).toEqual(values.map((v) => outcome(() => original(v, options))));
    }),
    { numRuns: 150 },
  );
});

test("plain data is walked without cdktf's resolve; a token in it goes to cdktf's resolve alone", () => {
  const calls: unknown[] = [];
  const counting: typeof original = (x, o) => {
    calls.push(x);
    return original(x, o);
  };
  const reference = text.stringValue;
  const resolved = resolvePlainData({ a: [1, "x", { b: true }], c: reference, d: undefined }, options, counting);
  expect(resolved).toEqual({ a: [1, "x", { b: true }], c: "${var.text}" });
  expect(calls).toEqual([reference]);
});

test("withPlainDataResolve puts cdktf's Tokenization.resolve back, also when the synthesis throws", () => {
  const before = Tokenization.resolve;
  expect(withPlainDataResolve(() => Tokenization.resolve === before)).toBe(false);
  expect(Tokenization.resolve).toBe(before);
  expect(() =>
    withPlainDataResolve(() => {
      throw new Error("synth failed");
    }),
  ).toThrow("synth failed");
  expect(Tokenization.resolve).toBe(before);
});
