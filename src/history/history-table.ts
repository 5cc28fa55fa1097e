import { aws_glue as glue } from 'aws-cdk-lib';
import { InventoryType } from '../query/inventory-type';
import { columnNameOf, RECORD_COLUMNS } from '../query/query-validation';

/*
 * The history table of one inventory type (../shared/AWS-HISTORY-COVERAGE.md §1.1, §1.3, §1.6):
 * Hive + Parquet (ZSTD), partitioned by `snapshot_date` only, so one snapshot writes one partition
 * whatever the number of accounts and Regions (Athena's INSERT INTO writes at most 100). The
 * account and Region are ordinary columns of every row. No partition projection: INSERT INTO
 * registers the day's partition in the Glue Data Catalog itself, with its own location, so a table
 * moved to a new prefix keeps reading the days already written where they are.
 */

/** The partition column of every history table. */
export const SNAPSHOT_DATE = 'snapshot_date';

/** What Scheduler puts in for the time the schedule was due (ISO 8601, UTC), in the statement and the token. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/** The name of a type's history table: `<table>_history` (`aws_application_history`). */
export function historyTableName(type: InventoryType): string {
  return `${type.tableName}_history`;
}

/** The data columns of a type's history table, in order: its attributes, the record's, then accountid and region. */
export function historyColumns(type: InventoryType): Array<{ name: string; type: string }> {
  return [
    ...[...type.columns, ...RECORD_COLUMNS].map(column => ({ name: columnNameOf(column), type: String(column.type ?? 'string') })),
    { name: 'accountid', type: 'string' },
    { name: 'region', type: 'string' },
  ];
}

/**
 * The history table of a type.
 *
 * @param location `s3://<bucket>/<prefix>/<table>/`
 */
export function historyTable(type: InventoryType, location: string): glue.CfnTable.TableInputProperty {
  return {
    name: historyTableName(type),
    description: `Daily snapshots of the AWS Systems Manager Inventory ${type.typeName} (Parquet, one partition per snapshot_date; written by INSERT INTO)`,
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: [{ name: SNAPSHOT_DATE, type: 'date' }],
    parameters: {
      'classification': 'parquet',
      'parquet.compression': 'ZSTD',
    },
    storageDescriptor: {
      columns: historyColumns(type).map(c => ({ name: c.name, type: c.type })),
      location,
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: {
        serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        parameters: { 'serialization.format': '1' },
      },
    },
  };
}

/**
 * The statement a schedule runs for a type: copy what the sync last wrote into the day's
 * partition, unless the day is already there. The day is the UTC date of the time the schedule was
 * due (Scheduler's `<aws.scheduler.scheduled-time>`), not `current_date`: a retry after midnight
 * still writes its own day, and a day that was missed stays missing. Athena engine version 3 SQL.
 *
 * @param from how the query layer reads the type (its table, or its `_all` view for an organization)
 */
export function snapshotSql(type: InventoryType, from: string): string {
  const columns = historyColumns(type).map(c => `s."${c.name}"`);
  const table = historyTableName(type);
  return `INSERT INTO ${table}
SELECT ${columns.join(', ')}, d.${SNAPSHOT_DATE}
FROM ${from} s
CROSS JOIN (SELECT date(from_iso8601_timestamp('${SCHEDULED_TIME}')) AS ${SNAPSHOT_DATE}) d
WHERE NOT EXISTS (SELECT 1 FROM ${table} h WHERE h.${SNAPSHOT_DATE} = d.${SNAPSHOT_DATE})`;
}
