import { Annotations, Duration, Names, Stack, Token, aws_athena as athena, aws_glue as glue, aws_iam as iam, aws_kms as kms, aws_s3 as s3, aws_scheduler as scheduler, aws_scheduler_targets as targets } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HISTORY_QUERIES, snapshotDaysQuery } from './history-queries';
import { historyTable, historyTableName, SCHEDULED_TIME, snapshotSql } from './history-table';
import { InventoryDatabase } from '../query/inventory-database';
import { InventoryType } from '../query/inventory-type';
import { addNamedQuery, fromAllAccountsView, fromPartitionedTable } from '../query/named-queries';
import { checkTypes } from '../query/query-validation';
import { checkPrefix, checkWholeDays } from '../validation';

/**
 * Properties of an `InventoryHistory`.
 */
export interface InventoryHistoryProps {
  /**
   * The query layer whose tables the snapshots copy, whose Glue database holds the history tables
   * and in whose Athena work group the snapshots and the change queries run.
   */
  readonly database: InventoryDatabase;

  /**
   * The inventory types to keep a history of; each must have a table in `database`.
   *
   * @default InventoryHistory.defaultTypes(): applications, node information, patch summary,
   * compliance items, AWS components and Windows updates
   */
  readonly types?: InventoryType[];

  /**
   * When snapshots are taken. Each run writes the UTC date of the time it was due, once: a second
   * run on the same day writes nothing.
   *
   * @default - daily at 01:00 UTC (`cron(0 1 * * ? *)`)
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * The bucket the history is written to (its own bucket; give one with a lifecycle you may add
   * rules to, that is a `s3.Bucket` of this app, for the retention).
   *
   * @default - the bucket the database reads (the inventory's destination), under `prefix`
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix of the history in the bucket: each type's table is `<prefix>/<table>/`.
   *
   * @default 'inventory-history'
   */
  readonly prefix?: string;

  /**
   * How long a day's snapshot is kept: an S3 lifecycle rule on `<prefix>/` expires it. A whole
   * number of days.
   *
   * @default Duration.days(400)
   */
  readonly retention?: Duration;
}

const DEFAULT_PREFIX = 'inventory-history';
const DEFAULT_RETENTION = Duration.days(400);
const WARN_NO_LIFECYCLE = 'cdk-ssm-resource-data-sync:historyRetentionNotEnforced';
const WARN_SUBDAILY = 'cdk-ssm-resource-data-sync:historyScheduleMoreThanDaily';
/** ClientRequestToken: 32 to 128 characters, the same for Scheduler's retries of one run. */
const MAX_TOKEN_PREFIX = 128 - '2026-11-30T01:00:00Z'.length;

/**
 * A dated history of the Inventory a query layer reads, kept past Systems Manager's 30 days: on a
 * schedule (daily by default), EventBridge Scheduler calls Athena's `StartQueryExecution`
 * directly (no Lambda) with an `INSERT INTO … SELECT` per inventory type, in the query layer's
 * work group, with a role that can do exactly that. Each type's history is a Parquet table
 * partitioned by `snapshot_date`, with the account and Region in every row, kept for a retention
 * (an S3 lifecycle rule). A day is written once (a rerun finds the day's partition and writes
 * nothing; Scheduler's retries carry the same request token), and a missed day stays missing.
 * Named queries answer what changed and when.
 *
 * @example
 * const sync = new ResourceDataSync(stack, 'Inventory');
 * const database = new InventoryDatabase(stack, 'Query', { sync });
 * new InventoryHistory(stack, 'History', { database });
 */
export class InventoryHistory extends Construct {
  /**
   * The types kept when none are chosen: applications, node information, patch summary,
   * compliance items, AWS components and Windows updates.
   */
  public static defaultTypes(): InventoryType[] {
    return [
      InventoryType.APPLICATION, InventoryType.INSTANCE_INFORMATION, InventoryType.PATCH_SUMMARY,
      InventoryType.COMPLIANCE_ITEM, InventoryType.AWS_COMPONENT, InventoryType.WINDOWS_UPDATE,
    ];
  }

  /** The inventory types kept. */
  public readonly types: InventoryType[];

  /** The bucket the history is written to. */
  public readonly bucket: s3.IBucket;

  /** The key prefix of the history in the bucket. */
  public readonly prefix: string;

  /** The role EventBridge Scheduler runs the snapshots with. */
  public readonly role: iam.IRole;

  private readonly tables: Record<string, glue.CfnTable> = {};
  private readonly schedules: Record<string, scheduler.Schedule> = {};
  private readonly namedQueries: Record<string, athena.CfnNamedQuery> = {};
  private readonly database: InventoryDatabase;

  constructor(scope: Construct, id: string, props: InventoryHistoryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const database = props.database;
    this.database = database;
    const source = database._source;
    const problems: string[] = [];
    this.types = props.types ? [...props.types] : InventoryHistory.defaultTypes();
    this.prefix = props.prefix ?? DEFAULT_PREFIX;
    problems.push(...checkTypes(this.types), ...checkPrefix(props.prefix, 'prefix'), ...checkWholeDays(props.retention, 'retention'));
    const missing = this.types.filter(t => !database.types.some(d => d.tableName === t.tableName));
    if (missing.length > 0) {
      problems.push(`types: ${missing.map(t => JSON.stringify(t.typeName)).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no table in the database ${database.node.path}; `
        + 'add them to its types, or leave them out of the history.');
    }
    if (!source) problems.push(`the database ${database.node.path} reads no inventory (its props are refused); fix it first.`);
    this.bucket = props.bucket ?? source?.bucket ?? s3.Bucket.fromBucketName(this, 'NoBucket', 'no-bucket');
    if (!props.bucket && source) problems.push(...checkOutsideTypeFolders(this.prefix, source.prefix));
    const schedule = props.schedule ?? scheduler.ScheduleExpression.cron({ minute: '0', hour: '1' });
    problems.push(...checkSchedule(schedule));
    this.warnMoreThanDaily(schedule);

    const role = new iam.Role(this, 'SnapshotRole', {
      description: `Runs the inventory snapshots of ${this.node.path} (EventBridge Scheduler to Athena)`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });
    this.role = role;

    const valid = problems.length === 0 && source !== undefined;
    if (valid) {
      const from = source.organization ? fromAllAccountsView : fromPartitionedTable;
      const root = `s3://${this.bucket.bucketName}/${this.prefix}/`;
      for (const type of this.types) {
        const table = new glue.CfnTable(this, `Table-${type.tableName}`, {
          catalogId: stack.account,
          databaseName: database.databaseName,
          tableInput: historyTable(type, `${root}${historyTableName(type)}/`),
        });
        table.node.addDependency(database.database);
        this.tables[type.tableName] = table;
        this.schedules[type.tableName] = this.snapshotSchedule(type, snapshotSql(type, from(type)), schedule, table);
      }
      this.grantSnapshot(role, source);
      this.addNamedQueries();
      this.enforceRetention(checkWholeDays(props.retention, '').length === 0 ? props.retention ?? DEFAULT_RETENTION : DEFAULT_RETENTION);
    }
    this.node.addValidation({ validate: () => problems });
  }

  /**
   * Let `grantee` run the change queries: everything `database.grantQuery` gives, and read of the
   * history (objects under the prefix, `kms:Decrypt` on the bucket's key).
   */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.database.grantQuery(grantee).combine(this.bucket.grantRead(grantee, `${this.prefix}/*`));
  }

  /** The history table (L1) of a type, if it is kept. */
  public tableFor(type: InventoryType): glue.CfnTable | undefined {
    return this.tables[type.tableName];
  }

  /** The schedule that snapshots a type, if it is kept. */
  public scheduleFor(type: InventoryType): scheduler.Schedule | undefined {
    return this.schedules[type.tableName];
  }

  /**
   * The named query (L1) with the given id (`history-application-changes`,
   * `history-application-first-seen`, `history-nodes-with-application-on-date`,
   * `history-daily-nodes-per-account`, `history-snapshot-days`), if its tables are kept.
   */
  public namedQuery(id: string): athena.CfnNamedQuery | undefined {
    return this.namedQueries[id];
  }

  /** The schedule of one type: Scheduler's universal target calls Athena's StartQueryExecution. */
  private snapshotSchedule(type: InventoryType, sql: string, expression: scheduler.ScheduleExpression, table: glue.CfnTable): scheduler.Schedule {
    const database = this.database;
    const tokenPrefix = `${Names.uniqueResourceName(this, { maxLength: MAX_TOKEN_PREFIX - type.tableName.length - 2, separator: '-' })}-${type.tableName}-`;
    const target = new targets.Universal({
      service: 'athena',
      action: 'startQueryExecution',
      role: this.role,
      // Exactly this, on the work group only (the role's other rights are granted below).
      policyStatements: [new iam.PolicyStatement({ actions: ['athena:StartQueryExecution'], resources: [database.workGroupArn] })],
      input: scheduler.ScheduleTargetInput.fromObject({
        QueryString: sql,
        QueryExecutionContext: { Database: database.databaseName },
        WorkGroup: database.workGroupName,
        // The same for every retry of one run (Athena then starts the query once), another for each run.
        ClientRequestToken: `${tokenPrefix}${SCHEDULED_TIME}`,
      }),
      maxEventAge: Duration.hours(6),
      retryAttempts: 20,
    });
    const schedule = new scheduler.Schedule(this, `Snapshot-${type.tableName}`, {
      schedule: expression,
      target,
      description: `Snapshot of ${type.typeName} into ${database.databaseName}.${historyTableName(type)}`,
    });
    schedule.node.addDependency(table, database.workGroup);
    return schedule;
  }

  /**
   * The snapshot role: read what the query layer reads (Glue and S3, its key), write the history
   * tables' partitions and objects, and Athena's results in the work group's bucket.
   */
  private grantSnapshot(role: iam.IRole, source: NonNullable<InventoryDatabase['_source']>): void {
    const stack = Stack.of(this);
    const database = this.database;
    const table = (name: string) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database.databaseName}/${name}` });
    const sourceTables = this.types.flatMap(t => source.organization ? [`${t.tableName}_all`, `${t.tableName}_files`] : [t.tableName]);
    const historyTables = this.types.map(historyTableName);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: database.databaseName }),
        ...[...sourceTables, ...historyTables].map(table),
      ],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:CreatePartition', 'glue:BatchCreatePartition'],
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: database.databaseName }),
        ...historyTables.map(table),
      ],
    }));
    // The inventory it copies, the history it writes (and reads, for the day's check), the results.
    const sourcePrefix = source.prefix ? `${source.prefix}/*` : '*';
    this.grantObjects(role, source.bucket, sourcePrefix, ['s3:GetObject'], source.encryptionKey, ['kms:Decrypt']);
    this.grantObjects(role, this.bucket, `${this.prefix}/*`, ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], this.bucket.encryptionKey,
      ['kms:Decrypt', 'kms:GenerateDataKey']);
    this.grantObjects(role, database.resultsBucket, '*', ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], database.resultsEncryptionKey,
      ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Object actions under a key pattern, listing and location of the bucket, and the key's actions. */
  private grantObjects(
    role: iam.IRole, bucket: s3.IBucket, pattern: string, actions: string[], key: kms.IKey | undefined, keyActions: string[],
  ): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(pattern)] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucket.bucketArn] }));
    if (key) key.grant(role, ...keyActions);
  }

  private addNamedQueries(): void {
    const kept = this.types.map(t => t.tableName);
    const database = this.database;
    for (const query of [...HISTORY_QUERIES, snapshotDaysQuery(this.types)]) {
      const namedQuery = addNamedQuery(this, query, { name: database.databaseName, workGroup: database.workGroup.ref }, kept, t => t.tableName);
      if (!namedQuery) continue;
      for (const type of query.types) namedQuery.node.addDependency(this.tables[type.tableName]);
      this.namedQueries[query.id] = namedQuery;
    }
  }

  /** The retention: a lifecycle rule on the prefix, where the bucket is one of this app. */
  private enforceRetention(retention: Duration): void {
    if (this.bucket instanceof s3.Bucket) {
      this.bucket.addLifecycleRule({
        id: `InventoryHistory-${this.prefix}`.slice(0, 255),
        prefix: `${this.prefix}/`,
        expiration: retention,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      });
      return;
    }
    Annotations.of(this).addWarningV2(WARN_NO_LIFECYCLE,
      `the bucket ${this.bucket.bucketName} is not defined in this app, so no lifecycle rule can be added to it: nothing expires the history. `
      + `Add a rule to it that expires the objects under "${this.prefix}/" after ${retention.toDays()} days.`);
  }

  /** A schedule that runs more than once a day writes the first run of each day only. */
  private warnMoreThanDaily(expression: scheduler.ScheduleExpression): void {
    const text = expression.expressionString;
    if (Token.isUnresolved(text)) return;
    const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(text);
    const cron = /^cron\((\S+) (\S+) /.exec(text);
    const subDaily = rate ? !rate[2].startsWith('day') : cron ? [cron[1], cron[2]].some(f => !/^\d+$/.test(f)) : false;
    if (!subDaily) return;
    Annotations.of(this).addWarningV2(WARN_SUBDAILY,
      `schedule ${text} runs more than once a day; a snapshot is per day (snapshot_date), so only the first run of each UTC day writes and the others find the day `
      + 'there and write nothing. Use a daily schedule (the default) or one less frequent.');
  }
}

/** A one-time schedule (`at(...)`) takes one snapshot and then none: refused. */
function checkSchedule(expression: scheduler.ScheduleExpression): string[] {
  const text = expression.expressionString;
  if (Token.isUnresolved(text) || !text.startsWith('at(')) return [];
  return [`schedule ${text} runs once; a history needs a recurring schedule. Use ScheduleExpression.cron(...) or ScheduleExpression.rate(...), or leave it out for daily at 01:00 UTC.`];
}

/**
 * A history prefix in the inventory's own bucket must not be one of the sync's type folders
 * (`<prefix>/AWS:Application/`, `<prefix>/Custom:…/`): the tables of the query layer read those.
 */
function checkOutsideTypeFolders(prefix: string, syncPrefix: string | undefined): string[] {
  if (Token.isUnresolved(prefix) || (syncPrefix !== undefined && Token.isUnresolved(syncPrefix))) return [];
  const rest = syncPrefix === undefined ? prefix : prefix.startsWith(`${syncPrefix}/`) ? prefix.slice(syncPrefix.length + 1) : undefined;
  if (rest === undefined || !rest.split('/')[0].includes(':')) return [];
  return [`prefix ${JSON.stringify(prefix)} is inside the folder ${JSON.stringify(`${syncPrefix ? `${syncPrefix}/` : ''}${rest.split('/')[0]}/`)} that the sync writes `
    + 'and the query layer reads; use a prefix of its own, for example "inventory-history" (the default).'];
}
