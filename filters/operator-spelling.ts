/**
 * Operator names people bring from SQL, MongoDB, JSON Logic or other rule engines, mapped to this project's
 * operator, so `op: eq` is answered with "did you mean 'equals'?" (edit distance alone would pick 'in').
 */

import { suggestion } from "../lib/suggest";
import { ALL_OPS, type Op } from "./model";

const ALIASES: Record<string, Op> = {
  eq: "equals",
  "=": "equals",
  "==": "equals",
  "===": "equals",
  equal: "equals",
  equalto: "equals",
  is: "equals",
  ne: "notEquals",
  neq: "notEquals",
  "!=": "notEquals",
  "!==": "notEquals",
  "<>": "notEquals",
  notequal: "notEquals",
  isnot: "notEquals",
  gt: "greaterThan",
  ">": "greaterThan",
  greater: "greaterThan",
  after: "greaterThan",
  gte: "greaterThanOrEqual",
  ge: "greaterThanOrEqual",
  ">=": "greaterThanOrEqual",
  greaterorequal: "greaterThanOrEqual",
  greaterthanorequalto: "greaterThanOrEqual",
  lt: "lessThan",
  "<": "lessThan",
  less: "lessThan",
  before: "lessThan",
  lte: "lessThanOrEqual",
  le: "lessThanOrEqual",
  "<=": "lessThanOrEqual",
  lessorequal: "lessThanOrEqual",
  lessthanorequalto: "lessThanOrEqual",
  like: "contains",
  includes: "contains",
  include: "contains",
  contain: "contains",
  has: "contains",
  substring: "contains",
  regex: "matches",
  regexp: "matches",
  re: "matches",
  match: "matches",
  rlike: "matches",
  "~": "matches",
  "=~": "matches",
  pattern: "matches",
  prefix: "startsWith",
  beginswith: "startsWith",
  startwith: "startsWith",
  begins: "startsWith",
  suffix: "endsWith",
  endwith: "endsWith",
  ends: "endsWith",
  oneof: "in",
  anyof: "in",
  isin: "in",
  nin: "notIn",
  notin: "notIn",
  noneof: "notIn",
  notoneof: "notIn",
  range: "between",
  btw: "between",
  within: "between",
  null: "isNull",
  isnil: "isNull",
  missing: "isNull",
  notexists: "isNull",
  notnull: "isNotNull",
  exists: "isNotNull",
  present: "isNotNull",
  isset: "isNotNull",
  isnotnil: "isNotNull",
};

/** Case, '_', '-' and spaces do not matter when recognising a spelling. */
const normalized = (s: string): string => s.toLowerCase().replace(/[\s_-]/g, "");

/** The operator a spelling means (any case, `_`, `-` or spaces), if it is a known one. */
export function operatorFor(input: string): Op | undefined {
  const key = normalized(input);
  return ALL_OPS.find((op) => normalized(op) === key) ?? ALIASES[key];
}

/** "did you mean 'equals'?" for a known spelling of an operator, else the closest operator by edit distance. */
export function operatorSuggestion(input: string): string {
  const alias = operatorFor(input);
  if (alias) return `did you mean '${alias}'?`;
  return suggestion(input, ALL_OPS);
}
