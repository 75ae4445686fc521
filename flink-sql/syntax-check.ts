/**
 * Flink SQL syntax check with dt-sql-parser's Flink grammar (ANTLR, Flink 1.16 syntax). Chosen over
 * node-sql-parser because it parses EXECUTE STATEMENT SET and CREATE TABLE ... WITH; it knows no columns or
 * functions, so the real-engine tests remain the semantic check.
 */
import { FlinkSQL } from "dt-sql-parser";

let parser: FlinkSQL | undefined;

/**
 * The grammar predates TRY_CAST (Flink 1.15+), whose syntax is exactly CAST's; check it as CAST. The
 * replacement keeps every column position, so reported positions still point into the original text.
 */
function withoutTryCast(sql: string): string {
  return sql.replace(/\bTRY_CAST\(/g, "    CAST(");
}

/**
 * The grammar also reads a backslash in a string literal as an escape, so the valid `'\'''` (the text \')
 * fails there. In Flink SQL a backslash is an ordinary character (checked on Flink 2.2.1), with no syntactic
 * role in what we generate, so it is checked as another ordinary character in the same position.
 */
function withoutBackslashes(sql: string): string {
  return sql.replace(/\\/g, "x");
}

/** Syntax errors as "line:column message"; empty when the text parses. */
export function flinkSyntaxErrors(sql: string): string[] {
  parser ??= new FlinkSQL();
  // On errors the parser re-parses statement by statement with ANTLR's console listener still attached.
  const consoleError = console.error;
  console.error = () => undefined;
  try {
    return parser
      .validate(withoutBackslashes(withoutTryCast(sql)))
      .map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
  } finally {
    console.error = consoleError;
  }
}
