/** SQL text escaping: the only way user text enters generated SQL. */

/** Back-quoted identifier; a back-quote inside is doubled, so no name can end the identifier early. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/**
 * Single-quoted string literal. Quotes are doubled; everything else (newlines, `--`, `;`, back-quotes,
 * non-ASCII) is literal text inside the quotes in Flink SQL, so the statement's shape cannot change.
 */
export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Numeric literal compared with a DOUBLE. JavaScript's shortest round-trip text reads back as the same double;
 * values JavaScript would print with an exponent are written in SQL E notation (a DOUBLE literal).
 */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  // An integer-looking literal is an exact numeric in Flink SQL, and beyond BIGINT it is rejected as out of
  // range (found by the property test on real Flink); from 2^53 on, write the double in E notation instead.
  // toExponential() without digits is JavaScript's shortest round-trip form too.
  const text = Number.isInteger(value) && Math.abs(value) >= 2 ** 53 ? value.toExponential() : String(value);
  return text.includes("e") ? text.replace("e+", "E").replace("e-", "E-") : text;
}

/** LIKE pattern text for a literal substring: the escape character, % and _ are escaped with '!'. */
export function likeEscape(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}
