/*
 * A model of how Athena's OpenX JSON SerDe reads one line into a Glue table's columns, from its
 * documentation ("OpenX JSON SerDe", Amazon Athena User Guide), for the inputs where Trino's
 * reader is more lenient and so cannot stand for Athena:
 * - `case.insensitive` (default TRUE) "converts all uppercase columns to lowercase", and the SerDe
 *   "does not allow duplicate keys": two keys that differ only in case fail the query;
 * - `use.null.for.invalid.data` (default FALSE) is what turns "column values that failed
 *   deserializing into the column's type" into NULL; without it they fail the query
 *   (HIVE_BAD_DATA). A number in a string ("12"), as the inventory data has its counts, is read
 *   (AWS's own DDL declares those columns `int`; ../shared/AWS-QUERY-ORG.md §1.2).
 * - `ignore.malformed.json` TRUE: a line that is not JSON is a row of NULLs, no error.
 * Returns the errors Athena would raise for the line (none: the line reads).
 */
export function athenaReadErrors(line: string, tableInput: any): string[] {
  const serde = tableInput.StorageDescriptor.SerdeInfo.Parameters ?? {};
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return serde['ignore.malformed.json'] === 'true' ? [] : ['HIVE_CURSOR_ERROR: Row is not a valid JSON Object'];
  }
  const errors: string[] = [];
  const caseInsensitive = serde['case.insensitive'] !== 'false';
  const byKey = new Map<string, string>();
  const values = new Map<string, unknown>();
  for (const [k, v] of Object.entries(record)) {
    const name = caseInsensitive ? k.toLowerCase() : k;
    if (byKey.has(name)) errors.push(`duplicate key: ${JSON.stringify(byKey.get(name))} and ${JSON.stringify(k)} are both the column ${name}`);
    byKey.set(name, k);
    values.set(name, v);
  }
  if (serde['use.null.for.invalid.data'] === 'true') return errors;
  for (const column of tableInput.StorageDescriptor.Columns as Array<{ Name: string; Type: string }>) {
    const value = values.get(String(serde[`mapping.${column.Name}`] ?? column.Name).toLowerCase());
    if (value === undefined || value === null) continue;
    const text = String(value);
    const ok = column.Type === 'bigint' || column.Type === 'int' ? /^-?\d+$/.test(text)
      : column.Type === 'double' ? text.trim() !== '' && !isNaN(Number(text))
        : true;
    if (!ok) errors.push(`HIVE_BAD_DATA: ${JSON.stringify(value)} in the ${column.Type} column ${column.Name}`);
  }
  return errors;
}
