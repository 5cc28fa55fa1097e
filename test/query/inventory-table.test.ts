import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InventoryBucket, InventoryColumnType, InventoryDatabase, InventoryType } from '../../src';
import { newApp } from '../util';

/*
 * The Glue tables of src/query/inventory-table.ts as Athena and Glue read them, beyond what a query
 * in Trino shows (test/query/queries.trino.test.ts): the `_all` view's Glue columns, which Athena
 * writes for CREATE VIEW beside the view's own definition; the key pattern of the view over a type
 * whose name has a regular expression's special character; what each table says it holds.
 */

const ENV = { account: '111122223333', region: 'us-east-1' };
const BUCKET = 'central-inventory-111122223333';
/** A custom type with a `.` in its name (allowed: letters, digits, `_`, `-`, `.`), a renamed column, a number and a double. */
const RACK = InventoryType.custom('Custom:Rack.Info', [
  { attributeName: 'Location', columnName: 'rack_location' },
  { attributeName: 'Units', type: InventoryColumnType.BIGINT },
  { attributeName: 'Load', type: InventoryColumnType.DOUBLE },
]);

/** The TableInputs of an organization's database (the partitioned table, the `_files` table and the `_all` view of each type). */
function organizationTables(types: InventoryType[]): any[] {
  const stack = new Stack(newApp(), 'Organization', { env: ENV });
  const destination = new InventoryBucket(stack, 'Central', { bucketName: BUCKET, organizationId: 'o-a1b2c3d4e5' });
  new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, databaseName: 'inventory', regions: ['us-east-1', 'eu-west-1'], types });
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table')).map(t => t.Properties.TableInput);
}

/** A view's definition: the base64 JSON in `/* Presto View: ... *\/`. */
function definitionOf(view: any): { originalSql: string; columns: Array<{ name: string; type: string }> } {
  const encoded = /^\/\* Presto View: (\S+) \*\/$/.exec(view.ViewOriginalText)![1];
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf-8'));
}

/** Athena's type in a view definition of each Glue (Hive) column type the library writes. */
const VIEW_TYPE: Record<string, string> = { string: 'varchar', bigint: 'bigint', double: 'double' };

test('the _all view\'s Glue columns are its definition\'s, in Glue\'s types: the type\'s columns and the key\'s accountid, region, resourcetype', () => {
  const tables = organizationTables([InventoryType.INSTANCE_INFORMATION, RACK]);
  for (const type of [InventoryType.INSTANCE_INFORMATION, RACK]) {
    const view = tables.find(t => t.Name === `${type.tableName}_all`);
    const files = tables.find(t => t.Name === `${type.tableName}_files`);
    const glueColumns: Array<{ Name: string; Type: string }> = view.StorageDescriptor.Columns;
    expect(glueColumns.map(c => c.Name)).toEqual([...files.StorageDescriptor.Columns.map((c: any) => c.Name), 'accountid', 'region', 'resourcetype']);
    expect(definitionOf(view).columns).toEqual(glueColumns.map(c => ({ name: c.Name, type: VIEW_TYPE[c.Type] })));
  }
  const rack = definitionOf(tables.find(t => t.Name === `${RACK.tableName}_all`)).columns;
  expect(rack.slice(0, 3)).toEqual([{ name: 'rack_location', type: 'varchar' }, { name: 'units', type: 'bigint' }, { name: 'load', type: 'double' }]);
});

test('the _all view of a type whose name has a "." reads that type\'s data files only: the name is matched literally', () => {
  const view = organizationTables([RACK]).find(t => t.Name === `${RACK.tableName}_all`);
  const sql = definitionOf(view).originalSql;
  const pattern = new RegExp(/regexp_like\("\$path", '([^']+)'\)/.exec(sql)![1]);
  const key = (typeName: string, file = 'accountid=444455556666/region=eu-west-1/resourcetype=ManagedInstanceInventory/i-0abc.json') => `s3://${BUCKET}/${typeName}/${file}`;
  expect(pattern.test(key('Custom:Rack.Info'))).toBe(true);
  // Another custom type whose name differs only where the "." is, and the sync's probe object: not read.
  expect(pattern.test(key('Custom:RackXInfo'))).toBe(false);
  expect(pattern.test(key('Custom:Rack.Info', 'test.json'))).toBe(false);
});

test('each table and view says which type it holds, and the tables of files are classified as JSON (as Glue\'s console and jobs read them)', () => {
  const tables = organizationTables([InventoryType.APPLICATION, RACK]);
  expect(tables).toHaveLength(6);
  for (const type of [InventoryType.APPLICATION, RACK]) {
    for (const name of [type.tableName, `${type.tableName}_files`, `${type.tableName}_all`]) {
      expect(tables.find(t => t.Name === name).Description).toContain(type.typeName);
    }
    expect(tables.find(t => t.Name === type.tableName).Parameters.classification).toBe('json');
    expect(tables.find(t => t.Name === `${type.tableName}_files`).Parameters).toEqual({ classification: 'json' });
  }
});
