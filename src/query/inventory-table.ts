import { CfnTable } from 'aws-cdk-lib/aws-glue';
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
function storage(type: InventoryType, location: string): CfnTable.StorageDescriptorProperty {
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
export function partitionedTable(type: InventoryType, options: TableOptions): CfnTable.TableInputProperty {
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

/**
 * The table of a type across every account, for an organization (no list of accounts): no
 * partitions, so Athena reads every file under the type's folder, subfolders included. Queries get
 * the account and Region from the pseudo-column `"$path"`, and must skip the `test.json` probe
 * object (`"$path" LIKE '%/resourcetype=%'`), as the named queries do.
 */
export function allAccountsTable(type: InventoryType, options: TableOptions): CfnTable.TableInputProperty {
  return {
    name: `${type.tableName}_all`,
    description: `AWS Systems Manager Inventory ${type.typeName} of every account (no partitions: the account and Region are in "$path")`,
    tableType: 'EXTERNAL_TABLE',
    parameters: { classification: 'json' },
    storageDescriptor: storage(type, `${options.root}${type.typeName}/`),
  };
}
