/** PostgreSQL identifier quoting: double quotes, an inner double quote doubled. */
export function quoteIdentifier(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
