import { aws_glue as glue } from 'aws-cdk-lib';
import { InventoryType } from './inventory-type';
import { columnNameOf, RECORD_COLUMNS } from './query-validation';

/*
 * The Glue table of one inventory type (../shared/AWS-QUERY-ORG.md §1.1, §1.2, §1.5):
 *
 *   s3://<bucket>/[<prefix>/]<TypeName>/accountid=<account>/region=<region>/resourcetype=ManagedInstanceInventory/<id>.json
 *
 * NDJSON read by the openx JSON SerDe (as AWS's own DDL does), partitioned by accountid, region
 * and resourcetype with partition projection: a new account or Region is queryable the moment its
 * first file lands, with no crawler and no MSCK REPAIR TABLE. The projection's location template
 * ends in `resourcetype=${resourcetype}/`, so the `test.json` probe object the sync writes in
 * `<TypeName>/accountid=<account>/` is never read.
 */

/** The only value of the `resourcetype` folder that resource data sync writes. */
export const RESOURCE_TYPE = 'ManagedInstanceInventory';

/** How the `accountid` partition is projected. */
export interface AccountProjection {
  /** Listed accounts (`enum`), or none for `injected`. A lazy string when it is decided at synth time. */
  readonly accounts?: string;
}

export interface TableOptions {
  /** `s3://<bucket>/[<prefix>/]`, with the trailing `/`. */
  readonly root: string;
  readonly accounts: AccountProjection;
  /** Comma-separated Region codes. */
  readonly regions: string;
}

/** The serde and columns shared by the partitioned table and the `_all` table of a type. */
function storage(type: InventoryType, location: string): glue.CfnTable.StorageDescriptorProperty {
  const all = [...type.columns, ...RECORD_COLUMNS];
  const mappings: Record<string, string> = {};
  for (const column of all) {
    const name = columnNameOf(column);
    // The SerDe matches JSON keys in lower case; a renamed column is mapped to its attribute.
    if (name !== String(column.attributeName).toLowerCase()) mappings[`mapping.${name}`] = String(column.attributeName).toLowerCase();
  }
  return {
    columns: all.map(column => ({ name: columnNameOf(column), type: column.type ?? 'string' })),
    location,
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serdeInfo: {
      serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      parameters: {
        'serialization.format': '1',
        // A line that is not JSON (or a future format change) becomes a row of NULLs, not a failed query.
        'ignore.malformed.json': 'true',
        ...mappings,
      },
    },
  };
}

/** The partitioned, projected table of a type. */
export function partitionedTable(type: InventoryType, options: TableOptions): glue.CfnTable.TableInputProperty {
  const location = `${options.root}${type.typeName}/`;
  const accounts = options.accounts.accounts;
  return {
    name: type.tableName,
    description: `AWS Systems Manager Inventory ${type.typeName}, written by resource data sync (partition projection: no crawler, no MSCK REPAIR TABLE)`,
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: [
      { name: 'accountid', type: 'string' },
      { name: 'region', type: 'string' },
      { name: 'resourcetype', type: 'string' },
    ],
    parameters: {
      'classification': 'json',
      'projection.enabled': 'true',
      ...(accounts !== undefined
        ? { 'projection.accountid.type': 'enum', 'projection.accountid.values': accounts }
        : { 'projection.accountid.type': 'injected' }),
      'projection.region.type': 'enum',
      'projection.region.values': options.regions,
      'projection.resourcetype.type': 'enum',
      'projection.resourcetype.values': RESOURCE_TYPE,
      'storage.location.template': `${location}accountid=\${accountid}/region=\${region}/resourcetype=\${resourcetype}/`,
    },
    storageDescriptor: storage(type, location),
  };
}

/** The name of the table of every file of a type (organization): the source of its `_all` view. */
export function filesTableName(type: InventoryType): string {
  return `${type.tableName}_files`;
}

/**
 * The table of every file under a type's folder, for an organization (no list of accounts): no
 * partitions, so Athena reads every file under the folder, subfolders included, the `test.json`
 * probe object too. It is the source of the type's `_all` view, which is what queries read.
 */
export function filesTable(type: InventoryType, options: TableOptions): glue.CfnTable.TableInputProperty {
  return {
    name: filesTableName(type),
    description: `Every file under ${type.typeName}/, the sync's test.json probe object included: the source of the view ${type.tableName}_all, which is the one to query`,
    tableType: 'EXTERNAL_TABLE',
    parameters: { classification: 'json' },
    storageDescriptor: storage(type, `${options.root}${type.typeName}/`),
  };
}

/** Athena's (Trino's) type of a Glue column type, as a view definition names it. */
const VIEW_TYPES: Record<string, string> = { string: 'varchar', bigint: 'bigint', double: 'double' };

/** The regular expression of a data file's key: `<type>/accountid=<12 digits>/region=<region>/resourcetype=ManagedInstanceInventory/<file>`. */
function dataFilePattern(type: InventoryType): string {
  const typeName = String(type.typeName).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `/${typeName}/accountid=([0-9]{12})/region=([a-z0-9-]+)/resourcetype=(${RESOURCE_TYPE})/[^/]+$`;
}

/**
 * The SQL of a type's `_all` view: the rows of the data files of the projected Regions, with
 * `accountid`, `region` and `resourcetype` taken from the key, as in the partitioned table; never
 * the probe object (which is not under `resourcetype=`). Athena engine version 3 SQL.
 *
 * @param regions the projected Regions, comma-separated (as the partitioned table's projection has them)
 */
export function allAccountsViewSql(type: InventoryType, regions: string): string {
  // No quote to escape: the tables are made only for valid type names, which have none.
  const pattern = dataFilePattern(type);
  const columns = [...type.columns, ...RECORD_COLUMNS].map(columnNameOf).map(c => `"${c}"`);
  return `SELECT ${columns.join(', ')}, accountid, region, resourcetype
FROM (
  SELECT t.*, regexp_extract("$path", '${pattern}', 1) AS accountid,
    regexp_extract("$path", '${pattern}', 2) AS region, regexp_extract("$path", '${pattern}', 3) AS resourcetype
  FROM ${filesTableName(type)} t
  WHERE regexp_like("$path", '${pattern}')
)
WHERE contains(split('${regions}', ','), region)`;
}

/**
 * The `_all` view of a type, for an organization: a Glue table of type `VIRTUAL_VIEW` in the form
 * Athena writes for `CREATE VIEW` (the view's definition, base64-encoded JSON, in
 * `ViewOriginalText`), over the type's `_files` table.
 *
 * @param definition the view's definition, as `toJsonString` gives it (a token when a value is)
 */
export function allAccountsView(type: InventoryType, viewOriginalText: string): glue.CfnTable.TableInputProperty {
  const all = [...type.columns, ...RECORD_COLUMNS];
  return {
    name: `${type.tableName}_all`,
    description: `AWS Systems Manager Inventory ${type.typeName} of every account, in the projected Regions (a view; the account and Region come from the key)`,
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    viewOriginalText,
    viewExpandedText: '/* Presto View */',
    storageDescriptor: {
      columns: [
        ...all.map(column => ({ name: columnNameOf(column), type: column.type ?? 'string' })),
        { name: 'accountid', type: 'string' }, { name: 'region', type: 'string' }, { name: 'resourcetype', type: 'string' },
      ],
    },
  };
}

/** The columns of a type's `_all` view as its definition lists them (name, Athena type). */
export function allAccountsViewColumns(type: InventoryType): Array<{ name: string; type: string }> {
  return [
    ...[...type.columns, ...RECORD_COLUMNS].map(column => ({ name: columnNameOf(column), type: VIEW_TYPES[column.type ?? 'string'] })),
    ...['accountid', 'region', 'resourcetype'].map(name => ({ name, type: 'varchar' })),
  ];
}
