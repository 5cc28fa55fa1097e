import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/*
 * The SQL engine of the query tests: DuckDB, reading each Glue table exactly as the synthesized
 * template defines it. Nothing about a table is typed again here: the database name, table names,
 * columns and their types, the SerDe's column mappings, the partition keys, the projection
 * (`enum` values; `injected` needs the query's own filter) and the `storage.location.template` (or
 * the `Location` of a table without partitions) all come from the template.
 *
 * What stands in for Athena, and how:
 * - the openx JSON SerDe: each NDJSON line is read as a JSON object whose keys are matched without
 *   regard to case (the SerDe's default), a renamed column through its `mapping.<column>`
 *   parameter, values cast to the column's type (`TRY_CAST`: a value that is no number is NULL);
 *   a line that is not JSON is a row of NULLs (`ignore.malformed.json`);
 * - partition projection: the location template with `*` for each `${column}` (each must be
 *   written `column=${column}`, Hive style, so that DuckDB reads the value from the folder name),
 *   restricted to the `enum` values; DuckDB prunes files on the partition filters, as Athena lists
 *   only the projected prefixes;
 * - a table without partitions reads every file under its location, subfolders included;
 * - the pseudo-column `"$path"` is the file's path;
 * - Athena functions DuckDB lacks are macros: `from_iso8601_timestamp`.
 */

/** A template value with its intrinsics resolved: every `Ref` is a bucket, `ref:<logical id>`. */
function resolve(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return `ref:${value.Ref}`;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]);
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

const DUCK_TYPES: Record<string, string> = { string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN' };

function duckType(glueType: string): string {
  const type = DUCK_TYPES[glueType];
  if (!type) throw new Error(`no DuckDB type for the Glue type ${glueType}`);
  return type;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** `s3://<bucket>/...` on the local folder that stands for the bucket. */
function local(s3Url: string, root: string): string {
  const match = /^s3:\/\/[^/]+\/(.*)$/.exec(s3Url);
  if (!match) throw new Error(`not an S3 URL: ${s3Url}`);
  return `${root}/${match[1]}`;
}

/** The glob of the files of a table (for a table of a type with no data: an empty view, as Athena finds no object). */
export function tableGlob(tableInput: any, root: string): string {
  const parameters = tableInput.Parameters ?? {};
  if ((tableInput.PartitionKeys ?? []).length === 0) return `${local(resolve(tableInput.StorageDescriptor.Location), root)}**`;
  return `${local(resolve(parameters['storage.location.template']), root).replace(/\$\{\w+\}/g, '*')}*`;
}

/** A view of a table's columns with no row. */
function emptyQuery(tableInput: any): string {
  const columns = [...tableInput.StorageDescriptor.Columns, ...(tableInput.PartitionKeys ?? [])]
    .map((c: any) => `CAST(NULL AS ${duckType(c.Type)}) AS ${ident(c.Name)}`);
  return `SELECT ${columns.join(', ')}, CAST(NULL AS VARCHAR) AS "$path" WHERE false`;
}

/** The SELECT that reads one Glue table (TableInput) from the local bucket folder. */
export function tableQuery(tableInput: any, root: string): string {
  const sd = tableInput.StorageDescriptor;
  if (sd.SerdeInfo.SerializationLibrary !== 'org.openx.data.jsonserde.JsonSerDe') throw new Error('only the openx JSON SerDe is emulated');
  const serde = sd.SerdeInfo.Parameters ?? {};
  const columns = (sd.Columns as any[]).map(c => {
    const key = String(serde[`mapping.${c.Name}`] ?? c.Name).toLowerCase();
    return `TRY_CAST(m[${quote(key)}] AS ${duckType(c.Type)}) AS ${ident(c.Name)}`;
  });
  const lowerKeys = 'map_from_entries(list_transform(json_keys(json), k -> struct_pack(k := lower(k), v := json_extract_string(json, \'$."\' || k || \'"\'))))';
  const partitions: any[] = tableInput.PartitionKeys ?? [];
  const parameters = tableInput.Parameters ?? {};
  if (partitions.length === 0) {
    const glob = tableGlob(tableInput, root);
    return `SELECT ${columns.join(', ')}, "$path" FROM (SELECT ${lowerKeys} AS m, filename AS "$path"
      FROM read_json_objects(${quote(glob)}, format='newline_delimited', filename=true, ignore_errors=true, hive_partitioning=false))`;
  }
  if (parameters['projection.enabled'] !== 'true') throw new Error('a partitioned table without projection would need registered partitions');
  const template = local(resolve(parameters['storage.location.template']), root);
  const filters: string[] = [];
  for (const p of partitions) {
    if (!template.includes(`/${p.Name}=\${${p.Name}}/`)) throw new Error(`the location template does not have ${p.Name}=\${${p.Name}} (Hive style)`);
    const type = parameters[`projection.${p.Name}.type`];
    if (type === 'enum') {
      filters.push(`${ident(p.Name)} IN (${String(parameters[`projection.${p.Name}.values`]).split(',').map(quote).join(', ')})`);
    } else if (type !== 'injected') {
      throw new Error(`projection type ${type} of ${p.Name} is not emulated`);
    }
  }
  const glob = tableGlob(tableInput, root);
  const hiveTypes = `{${partitions.map(p => `${quote(p.Name)}: ${quote(duckType(p.Type))}`).join(', ')}}`;
  return `SELECT ${columns.join(', ')}, "$path", ${partitions.map(p => ident(p.Name)).join(', ')}
    FROM (SELECT ${lowerKeys} AS m, filename AS "$path", ${partitions.map(p => ident(p.Name)).join(', ')}
      FROM read_json_objects(${quote(glob)}, format='newline_delimited', filename=true, ignore_errors=true,
        hive_partitioning=true, hive_types=${hiveTypes}))
    ${filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : ''}`;
}

/** A DuckDB database with a view per Glue table of the template, over the local bucket folder `root`. */
export class InventoryEngine {
  public static async create(template: any, root: string): Promise<InventoryEngine> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const engine = new InventoryEngine(connection);
    await engine.run('CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)');
    const resources = Object.values<any>(template.Resources);
    for (const db of resources.filter(r => r.Type === 'AWS::Glue::Database')) {
      await engine.run(`CREATE SCHEMA ${ident(db.Properties.DatabaseInput.Name)}`);
    }
    for (const table of resources.filter(r => r.Type === 'AWS::Glue::Table')) {
      const { DatabaseName, TableInput } = table.Properties;
      const files = await engine.query('main', `SELECT count(*) AS n FROM glob(${quote(tableGlob(TableInput, root))})`);
      const select = Number(files[0].n) > 0 ? tableQuery(TableInput, root) : emptyQuery(TableInput);
      await engine.run(`CREATE VIEW ${ident(DatabaseName)}.${ident(TableInput.Name)} AS ${select}`);
    }
    return engine;
  }

  private constructor(private readonly connection: DuckDBConnection) {}

  /** Rows as JSON-friendly objects (numbers as strings), in the database `database`. */
  public async query(database: string, sql: string, parameters: Array<string | number> = []): Promise<Record<string, unknown>[]> {
    await this.run(`SET search_path = ${quote(database)}`);
    const reader = await this.connection.runAndReadAll(sql, parameters);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  }

  /** How many files the query opens (DuckDB's profile: "Files Read", summed over the scans). */
  public async filesRead(database: string, sql: string, parameters: Array<string | number> = []): Promise<number> {
    const rows = await this.query(database, `EXPLAIN ANALYZE ${sql}`, parameters);
    const counts = [...JSON.stringify(rows).matchAll(/Files Read: (\d+)/g)].map(m => Number(m[1]));
    if (counts.length === 0) throw new Error('DuckDB reported no file scan');
    return counts.reduce((a, b) => a + b, 0);
  }

  public async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  public close(): void {
    this.connection.closeSync();
  }
}
