import {
  Annotations, Duration, Stack, Token, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cwActions, aws_events as events,
  aws_events_targets as targets, aws_glue as glue, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs, aws_sns as sns,
  region_info as regionInfo,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrganizationInventory, StackSetCallAs } from './organization-inventory';
import { newInlineFunction } from '../inline-function';
import { InventoryDatabase } from '../query/inventory-database';
import { checkAccountIds, checkMetricNamespace, checkRegionList, checkScheduleAndStaleness, validSchedule } from '../validation';

const DEFAULT_NAMESPACE = 'ResourceDataSync';
const WARN_OPT_IN = 'cdk-ssm-resource-data-sync:coverageOptInRegions';

/**
 * Properties of an `OrganizationCoverage`.
 */
export interface OrganizationCoverageProps {
  /**
   * The organization inventory to take the census of: its central bucket, StackSet, target OUs
   * and Regions. The census runs in the inventory's (central) account.
   */
  readonly inventory: OrganizationInventory;

  /**
   * How often the census runs. Whole minutes, from 1 minute to 1 day; it is also the period of the
   * metrics and the alarm.
   *
   * @default Duration.hours(1)
   */
  readonly schedule?: Duration;

  /**
   * How old the newest Inventory of an account and Region may be before it counts as silent. Keep
   * it longer than the members' inventory collection interval (`rate(1 day)` for
   * `inventoryCollection`'s default).
   *
   * @default Duration.hours(48)
   */
  readonly staleAfter?: Duration;

  /**
   * How long after joining the organization an account is not counted as silent (`NEW` in the
   * report): its stack instances, its nodes' first collection and the sync take time.
   *
   * @default Duration.hours(48)
   */
  readonly gracePeriod?: Duration;

  /**
   * The AWS Organizations management account's id. Service-managed StackSets never deploy to it,
   * so the census expects its Inventory only in `managementAccountRegions`.
   *
   * @default - the stack's account with `StackSetCallAs.SELF`; required with `DELEGATED_ADMIN`
   */
  readonly managementAccountId?: string;

  /**
   * The Regions where the management account has a sync of its own (made outside the StackSet).
   *
   * @default - the stack's Region when the inventory syncs the deploying account from the
   * management account (`callAs: SELF`), otherwise none (the management account is reported
   * `NOT_TARGETED`)
   */
  readonly managementAccountRegions?: string[];

  /**
   * Also publish each account's metrics, with an `AccountId` dimension
   * (`metricAccountSilentRegions()`, `metricAccountDataAgeHours()`). Each is a custom metric billed
   * on its own (about USD 0.30 a month each, two per account; see the README).
   *
   * @default false - four metrics for the whole organization, whatever its size
   */
  readonly perAccountMetrics?: boolean;

  /**
   * Where the alarm notifies (on alarm and back to OK).
   *
   * @default - no action
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The CloudWatch namespace of the metrics.
   *
   * @default 'ResourceDataSync'
   */
  readonly namespace?: string;

  /**
   * The KMS key that encrypts the census function's CloudWatch Logs log group. The key policy must
   * let `logs.<region>.amazonaws.com` use the key.
   *
   * @default - the log group is encrypted by CloudWatch Logs with its own key
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * An inventory database over the same central bucket: the census adds its report to it as the
   * table `coverage` (one row per account and Region).
   *
   * @default - no table; the report is at `reportKey` in the central bucket
   */
  readonly database?: InventoryDatabase;
}

/**
 * Is the whole organization reporting? A census, run on a schedule from the central account of an
 * `OrganizationInventory`, of the accounts of its target OUs (AWS Organizations) against what each
 * account has written into the central bucket, per Region (the newest
 * `AWS:InstanceInformation` object, by S3 listing), with the StackSet's stack instance of each
 * silent account and Region (its status and reason: why it is silent).
 *
 * It publishes the number of silent accounts and account-Regions, the number of accounts
 * reporting and the age of the oldest newest data as CloudWatch metrics (four, whatever the size
 * of the organization; per-account metrics are opt-in), alarms on silence, and writes a JSON
 * report (one line per account and Region) to `reportKey` in the central bucket. Accounts that
 * joined within `gracePeriod` are `NEW`, suspended or closing ones `INACTIVE`: neither counts as
 * silent. A silent opt-in Region is checked with AWS Account Management (`REGION_DISABLED`).
 *
 * The central account must be able to list the organization's accounts: the management account,
 * or a delegated administrator (the StackSets one is).
 *
 * @example
 * declare const inventory: OrganizationInventory;
 * declare const topic: sns.ITopic;
 * new OrganizationCoverage(stack, 'Coverage', { inventory, alarmTopic: topic });
 */
export class OrganizationCoverage extends Construct {
  /** The CloudWatch namespace of the metrics. */
  public readonly namespace: string;

  /** The census function. */
  public readonly handler: lambda.IFunction;

  /**
   * In alarm when at least one account-Region of the organization is silent, or when the census
   * failed. Without data (before the first run) it is OK, not in alarm.
   */
  public readonly silentAlarm: cloudwatch.Alarm;

  /** The key of the JSON report in the central bucket (one JSON object per line). */
  public readonly reportKey: string;

  /**
   * The Glue table of the report.
   *
   * @default - none when no `database` is given
   */
  public readonly reportTable?: glue.CfnTable;

  /**
   * The Glue table `sync_slots` of the members' sync health reports (the inventory's
   * `memberSyncHealth`): one row per sync of each account and Region, with the number in use.
   *
   * @default - none without `database` or without the inventory's `memberSyncHealth`
   */
  public readonly syncSlotsTable?: glue.CfnTable;

  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: OrganizationCoverageProps) {
    super(scope, id);
    if (!props || !props.inventory) throw new Error(`[${this.node.path}] OrganizationCoverage needs props: inventory (the OrganizationInventory to take the census of).`);
    const stack = Stack.of(this);
    const inventory = props.inventory;
    const schedule = props.schedule ?? Duration.hours(1);
    this.period = validSchedule(schedule) ? schedule : Duration.hours(1);
    const staleAfter = props.staleAfter ?? Duration.hours(48);
    const grace = props.gracePeriod ?? Duration.hours(48);
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;

    const stackSet = inventory.stackSet;
    const callAs = stackSet.callAs ?? StackSetCallAs.SELF;
    const group = (stack.resolve(stackSet.stackInstancesGroup) ?? [])[0] ?? {};
    const regions: string[] = group.regions ?? [];
    const targetIds: string[] = group.deploymentTargets?.organizationalUnitIds ?? [];
    const management = props.managementAccountId ?? (callAs === StackSetCallAs.SELF ? stack.account : undefined);
    const managementRegions = props.managementAccountRegions
      ?? (callAs === StackSetCallAs.SELF && inventory.deployingAccountSync ? [stack.region] : []);
    const optIn = regions.filter(r => !Token.isUnresolved(r) && regionInfo.RegionInfo.get(r).isOptInRegion);

    const problems = [
      ...checkScheduleAndStaleness(schedule, staleAfter, 'an account-Region'),
      ...checkMetricNamespace(this.namespace, DEFAULT_NAMESPACE),
      ...(props.managementAccountId !== undefined ? checkAccountIds([props.managementAccountId], 'managementAccountId') : []),
      ...(props.managementAccountRegions !== undefined ? checkRegionList(props.managementAccountRegions, 'managementAccountRegions') : []),
    ];
    if (management === undefined) {
      problems.push('managementAccountId is required: the inventory\'s StackSet is managed as DELEGATED_ADMIN, so the management account (which service-managed StackSets never deploy to) is not the stack\'s account. Give managementAccountId, the AWS Organizations management account\'s id.');
    }
    if (!grace.isUnresolved() && grace.toSeconds() < 0) problems.push(`gracePeriod is ${grace.toHumanString()}; it cannot be negative.`);
    this.node.addValidation({ validate: () => problems });
    if (optIn.length > 0) {
      Annotations.of(this).addWarningV2(WARN_OPT_IN,
        `${optIn.join(', ')} ${optIn.length > 1 ? 'are opt-in Regions' : 'is an opt-in Region'}: for a silent account there, the census asks AWS Account Management (account:GetRegionOptStatus) whether the Region is enabled. ` +
        'That needs trusted access for AWS Account Management in the organization and, from a delegated administrator, its registration for account.amazonaws.com; without them the report says optin "unknown: AccessDeniedException" and the account-Region counts as silent.');
    }

    const destination = inventory.destination;
    const prefix = destination.prefix ? `${destination.prefix}/` : '';
    this.reportKey = `${prefix}coverage/report.json`;
    const statements = [
      // Neither Organizations list action takes a resource narrower than "*" for every caller.
      new iam.PolicyStatement({
        actions: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
        resources: ['*'],
      }),
      // A service-managed StackSet lives in the management account, also when a delegated administrator manages it.
      new iam.PolicyStatement({
        actions: ['cloudformation:ListStackInstances'],
        resources: [stack.formatArn({ service: 'cloudformation', account: '*', resource: 'stackset', resourceName: `${stackSet.stackSetName}:*` })],
      }),
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [destination.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${prefix}AWS:InstanceInformation/accountid=*` } },
      }),
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [destination.bucket.arnForObjects(this.reportKey)] }),
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': this.namespace } },
      }),
      ...(optIn.length > 0 ? [new iam.PolicyStatement({ actions: ['account:GetRegionOptStatus'], resources: ['*'] })] : []),
    ];
    const { function: fn, role } = newInlineFunction(this, {
      dir: __dirname,
      file: 'coverage-handler.js',
      description: 'cdk-ssm-resource-data-sync: the organization coverage census (which accounts and Regions write no Inventory, and why)',
      roleDescription: 'Lists the organization\'s accounts, the StackSet\'s instances and the central bucket\'s Inventory keys; publishes the census',
      statements,
      // One S3 listing per account, one after the other.
      timeout: Duration.minutes(10),
      logRetention: logs.RetentionDays.ONE_MONTH,
      logEncryptionKey: props.logEncryptionKey,
      environment: {
        CONFIG: stack.toJsonString({
          bucket: destination.bucket.bucketName,
          prefix,
          targets: targetIds,
          regions,
          mgmt: management ?? '',
          mgmtRegions: managementRegions,
          optIn,
          stackSet: stackSet.stackSetName,
          callAs,
          staleHours: staleAfter.toHours({ integral: false }),
          graceHours: grace.toHours({ integral: false }),
          namespace: this.namespace,
          perAccount: props.perAccountMetrics ?? false,
        }),
      },
    });
    destination.encryptionKey?.grant(role, 'kms:GenerateDataKey');
    this.handler = fn;
    new events.Rule(this, 'Schedule', {
      description: 'Runs the organization coverage census',
      schedule: events.Schedule.rate(this.period),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });

    const silentOrBroken = new cloudwatch.MathExpression({
      expression: 'MAX([silent, errors])',
      usingMetrics: { silent: this.metricSilentAccountRegions(), errors: fn.metricErrors({ period: this.period, statistic: cloudwatch.Stats.SUM }) },
      period: this.period,
      label: 'Silent account-Regions, or census errors',
    });
    this.silentAlarm = silentOrBroken.createAlarm(this, 'SilentAlarm', {
      alarmDescription: 'An account and Region of the organization has written no Inventory into the central bucket for longer than '
        + `${staleAfter.toHumanString()}, or the coverage census failed. See ${this.reportKey} in the central bucket for which and why (status SILENT).`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) {
      this.silentAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      this.silentAlarm.addOkAction(new cwActions.SnsAction(props.alarmTopic));
    }

    if (props.database) {
      const database = props.database;
      const table = (tableId: string, name: string, description: string, folder: string, columns: Array<[string, string]>) => {
        const t = new glue.CfnTable(this, tableId, {
          catalogId: stack.account,
          databaseName: database.databaseName,
          tableInput: {
            name,
            description,
            tableType: 'EXTERNAL_TABLE',
            parameters: { classification: 'json' },
            storageDescriptor: {
              location: `s3://${destination.bucket.bucketName}/${folder}`,
              inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
              outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
              serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
              columns: columns.map(([n, type]) => ({ name: n, type })),
            },
          },
        });
        t.node.addDependency(database.database);
        return t;
      };
      this.reportTable = table('ReportTable', 'coverage', 'The organization coverage census: one row per account and Region (OrganizationCoverage)',
        `${prefix}coverage/`, REPORT_COLUMNS);
      if (inventory.syncHealthReportPrefix !== undefined) {
        this.syncSlotsTable = table('SyncSlotsTable', 'sync_slots', 'The resource data syncs of each member account and Region (of 5 allowed), from the members\' sync health monitors',
          inventory.syncHealthReportPrefix, SYNC_SLOTS_COLUMNS);
      }
    }
  }

  /** The number of account-Regions that wrote nothing for longer than `staleAfter` (maximum over the period). */
  public metricSilentAccountRegions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SilentAccountRegions', undefined, props);
  }

  /** The number of accounts with at least one silent Region (maximum over the period). */
  public metricSilentAccounts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SilentAccounts', undefined, props);
  }

  /** The number of accounts with no silent Region and at least one reporting (minimum over the period). */
  public metricReportingAccounts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReportingAccounts', undefined, { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /** The age in hours of the newest data of the account-Region whose newest data is oldest (of those that ever wrote). */
  public metricMaxDataAgeHours(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('MaxDataAgeHours', undefined, props);
  }

  /**
   * The number of silent Regions of one account. Published only with `perAccountMetrics`.
   *
   * @param accountId the account's id
   */
  public metricAccountSilentRegions(accountId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SilentRegions', accountId, props);
  }

  /**
   * The age in hours of the newest data of the account's Region whose newest data is oldest.
   * Published only with `perAccountMetrics`, for accounts that ever wrote.
   *
   * @param accountId the account's id
   */
  public metricAccountDataAgeHours(accountId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DataAgeHours', accountId, props);
  }

  private metric(metricName: string, accountId: string | undefined, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: accountId !== undefined ? { AccountId: accountId } : undefined,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: this.period,
      ...props,
    });
  }
}

/** The report's columns: one JSON object per line, written by coverage-handler.js. */
const REPORT_COLUMNS: Array<[string, string]> = [
  ['accountid', 'string'],
  ['state', 'string'],
  ['joined', 'string'],
  ['region', 'string'],
  ['status', 'string'],
  ['lastwrite', 'string'],
  ['agehours', 'double'],
  ['instance', 'struct<status:string,statusreason:string,stackinstancestatus:struct<detailedstatus:string>>'],
  ['optin', 'string'],
  ['checkedat', 'string'],
];

/** The columns of the members' sync health reports: one JSON object per sync, written by monitor/handler.js. */
const SYNC_SLOTS_COLUMNS: Array<[string, string]> = [
  ['accountid', 'string'],
  ['region', 'string'],
  ['inuse', 'int'],
  ['name', 'string'],
  ['type', 'string'],
  ['status', 'string'],
  ['failed', 'boolean'],
  ['hours', 'double'],
  ['checkedat', 'string'],
];
