/**
 * cdktf resolves tokens by walking every value of a stack's configuration, creating a resolution context (closures,
 * a copied key path) for each value and testing each string against three patterns. Most of a stage's values hold
 * no token: topic settings, schema documents, SQL text. At 400 filters that walk was the largest part of synth
 * (about 0.2 s per stage, two passes: every element, then the merged stack again).
 *
 * `resolvePlainData` returns plain data the way cdktf's resolve does (the same primitives; arrays and objects copied
 * without their `undefined` members) and hands everything that may hold or be a token to cdktf's resolve, with the
 * same options: a string with a token marker or with what cdktf's number-token pattern matches, a number in the
 * range of encoded tokens or cdktf's map-token number, an object that is not a plain object (tokens, constructs,
 * dates, class instances), an array with a list token. Within one synthesis a token string is handed over once and
 * its result reused (resolveString). Which values are plain is decided by cdktf's own markers
 * (cdktf/lib/tokens/private/encoding.js), so the output is cdktf's, byte for byte:
 * `__tests__/constructs/plain-data-resolve.test.ts` compares the two on generated values with tokens of every kind, and
 * `__tests__/app/synth-output.integration.test.ts` every stage's synthesized output.
 */
import { Token, Tokenization } from "cdktf";
import { getOrInsert } from "../lib/maps";

type Resolve = typeof Tokenization.resolve;
type ResolveOptions = Parameters<Resolve>[1];

/** What cdktf's resolve may change in a string: a token marker, or its encoded-number pattern (minimal match). */
const MAYBE_TOKEN_IN_STRING = /TfToken\[|[-|\d.+]e[-|\d.eE+]/;
/** Encoded number tokens are negative doubles near -1e289 and beyond (their top 16 bits are cdktf's marker). */
const LARGEST_PLAIN_NUMBER = 1e200;
/**
 * cdktf refuses paths deeper than 200. A part handed over counts its depth from 0 again, so past this depth the
 * whole value goes to cdktf (TooDeep), which then finds the depth and its error as it would have.
 */
const DEEPEST_PLAIN_PATH = 100;

class TooDeep extends Error {}

function plainString(s: string): boolean {
  return !MAYBE_TOKEN_IN_STRING.test(s) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE;
}

function plainNumber(n: number): boolean {
  return Math.abs(n) < LARGEST_PLAIN_NUMBER && n !== Token.NUMBER_MAP_TOKEN_VALUE;
}

/** An array element cdktf's resolve would read as a list token (it then resolves the whole list as one). */
function maybeListToken(x: unknown): boolean {
  return (typeof x === "string" && x.includes("TfToken[")) || (typeof x === "number" && !plainNumber(x));
}

/** Not a token (a `resolve` method) and not what cdktf takes for a construct (which it refuses to resolve). */
function isPlainObject(x: object): x is Record<string, unknown> {
  const proto = Object.getPrototypeOf(x);
  const o = x as { resolve?: unknown; _children?: unknown; _metadata?: unknown };
  return (
    (proto === Object.prototype || proto === null) &&
    typeof o.resolve !== "function" &&
    (o._children === undefined || o._metadata === undefined)
  );
}

/**
 * `value` resolved as `resolve(value, options)` would, walking plain data itself. An error is cdktf's own: the part
 * handed over names its path from itself, so the whole value is resolved again for the error with its full path.
 */
export function resolvePlainData(value: unknown, options: ResolveOptions, resolve: Resolve): unknown {
  try {
    return walk(value, options, resolve, 0);
  } catch {
    return resolve(value, options);
  }
}

function walk(value: unknown, options: ResolveOptions, resolve: Resolve, depth: number): unknown {
  if (value === undefined || value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return plainString(value) ? value : resolveString(value, options, resolve);
  if (typeof value === "number") return plainNumber(value) ? value : resolve(value, options);
  if (typeof value !== "object") return resolve(value, options);
  if (depth > DEEPEST_PLAIN_PATH) throw new TooDeep();
  if (Array.isArray(value)) {
    if (value.some(maybeListToken)) return resolve(value, options);
    const out: unknown[] = [];
    for (const x of value) {
      const resolved = walk(x, options, resolve, depth + 1);
      if (resolved !== undefined) out.push(resolved);
    }
    return out;
  }
  if (!isPlainObject(value)) return resolve(value, options);
  const keys = Object.keys(value);
  if (!keys.every(plainString)) return resolve(value, options);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = walk(value[key], options, resolve, depth + 1);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

/**
 * Token strings resolved during one synthesis (withPlainDataResolve), by resolver, scope and phase: cdktf resolves the
 * same reference (a cluster's id, an API key's secret) at each of its uses, some 5,000 times per stage at 400
 * filters. Only results that are primitives are kept (an array or object could be changed by a later merge).
 */
let resolvedStrings: WeakMap<object, WeakMap<object, Map<string, unknown>>> | undefined;

function resolveString(value: string, options: ResolveOptions, resolve: Resolve): unknown {
  const { resolver, scope } = options as { resolver?: object; scope?: object };
  if (!resolver || !scope || !resolvedStrings) return resolve(value, options);
  const byScope = getOrInsert(resolvedStrings, resolver, () => new WeakMap<object, Map<string, unknown>>());
  const memo = getOrInsert(byScope, scope, () => new Map<string, unknown>());
  const key = `${options.preparing ? "p" : "r"}${value}`;
  if (memo.has(key)) return memo.get(key);
  const resolved = resolve(value, options);
  if (resolved === null || typeof resolved !== "object") memo.set(key, resolved);
  return resolved;
}

/**
 * Runs `fn` (cdktf's synthesis of one stack) with `Tokenization.resolve`, through which cdktf resolves everything,
 * walking plain data itself. Synchronous, and restored before it returns or throws.
 */
export function withPlainDataResolve<T>(fn: () => T): T {
  const resolve: Resolve = Tokenization.resolve.bind(Tokenization);
  const fast: Resolve = (obj, options) => resolvePlainData(obj, options, resolve);
  const own = Object.getOwnPropertyDescriptor(Tokenization, "resolve");
  const outer = resolvedStrings;
  Tokenization.resolve = fast;
  resolvedStrings = new WeakMap();
  try {
    return fn();
  } finally {
    resolvedStrings = outer;
    if (own) Object.defineProperty(Tokenization, "resolve", own);
  }
}
