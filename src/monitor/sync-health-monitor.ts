import { Aspects, Duration, Lazy, Stack, Token, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cwActions, aws_events as events, aws_events_targets as targets, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs, aws_sns as sns } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newInlineFunction } from '../inline-function';
import { IResourceDataSync, ResourceDataSync } from '../resource-data-sync';
import { checkMetricNamespace, checkScheduleAndStaleness, checkSyncName, validSchedule } from '../validation';

/** The default CloudWatch namespace of the monitor's metrics. */
const DEFAULT_NAMESPACE = 'ResourceDataSync';

/**
 * Properties of a `SyncHealthMonitor`.
 */
export interface SyncHealthMonitorProps {
  /**
   * How often the monitor reads the status of the syncs. Whole minutes, from 1 minute to 1 day; it
   * is also the period of the metrics and alarms.
   *
   * @default Duration.hours(1)
   */
  readonly schedule?: Duration;

  /**
   * How long an Inventory (`SyncToDestination`) sync may go without a successful sync before the
   * staleness alarm goes off. A sync that never succeeded counts from its creation. Explorer
   * (`SyncFromSource`) syncs report no sync times and are watched for failure only.
   *
   * @default Duration.hours(48)
   */
  readonly staleAfter?: Duration;

  /**
   * The syncs to watch, by name. A sync of this list that no longer exists counts as failed. Each
   * must be in the monitor's account and Region (the monitor reads `ListResourceDataSync` there).
   *
   * @default - the resource data syncs of the monitor's stack (the function is made after them, so
   * its first run finds them); `watchAllSyncs` for every sync of the account and Region
   */
  readonly syncs?: IResourceDataSync[];

  /**
   * Watch every resource data sync of the account and Region, whoever made it. That includes the
   * syncs AWS services make for themselves (Amazon Inspector's
   * `InspectorResourceDataSync-do-not-delete`, the Systems Manager console's): one of them failing
   * keeps the alarms on. Not with `syncs`.
   *
   * @default false
   */
  readonly watchAllSyncs?: boolean;

  /**
   * The KMS key that encrypts the monitor function's CloudWatch Logs log group. The key policy must
   * let `logs.<region>.amazonaws.com` use the key (CloudWatch Logs documents the statement).
   *
   * @default - the log group is encrypted by CloudWatch Logs with its own key
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Where the alarms notify (on alarm and back to OK). More actions can be added to `failedAlarm`
   * and `staleAlarm`.
   *
   * @default - no action
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Also publish each sync's metrics, with a `SyncName` dimension (`metricSyncFailed()`,
   * `metricSyncHoursSinceLastSuccessfulSync()`). Each is a custom metric billed on its own
   * (about USD 0.30 a month each, see the README).
   *
   * @default false
   */
  readonly perSyncMetrics?: boolean;

  /**
   * The CloudWatch namespace of the metrics.
   *
   * @default 'ResourceDataSync'
   */
  readonly namespace?: string;
}

/**
 * Alarms when resource data syncs stop syncing.
 *
 * Systems Manager publishes no metric and no event for resource data syncs; the only trace of a
 * failed sync is its `LastStatus` in `ListResourceDataSync`. This monitor reads it on a schedule
 * (a Lambda function with inline code, so it needs no asset and also works in a StackSet template),
 * publishes CloudWatch metrics, and alarms:
 * - `failedAlarm`: a sync's last status is `Failed` (or its organization source cannot sync, or a
 *   watched sync is gone), or the monitor itself did not report;
 * - `staleAlarm`: an Inventory sync has not succeeded for longer than `staleAfter`.
 *
 * @example
 * declare const topic: sns.ITopic;
 * const sync = new ResourceDataSync(stack, 'Inventory');
 * new SyncHealthMonitor(stack, 'SyncHealth', { syncs: [sync], alarmTopic: topic });
 */
export class SyncHealthMonitor extends Construct {
  /**
   * The CloudWatch namespace of the metrics.
   */
  public readonly namespace: string;

  /**
   * The function that reads the syncs' status and publishes the metrics.
   */
  public readonly handler: lambda.IFunction;

  /**
   * In alarm when at least one sync failed (or a watched sync is gone), or when the monitor function
   * failed. Without data (before the first run) it is OK, not in alarm.
   */
  public readonly failedAlarm: cloudwatch.Alarm;

  /**
   * In alarm when an Inventory sync has not succeeded for longer than `staleAfter`.
   */
  public readonly staleAlarm: cloudwatch.Alarm;

  private readonly period: Duration;
  private watched: IResourceDataSync[];
  private readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: SyncHealthMonitorProps = {}) {
    super(scope, id);
    props = props ?? {};
    const schedule = props.schedule ?? Duration.hours(1);
    // An invalid schedule is reported by the validation below, with the other problems.
    this.period = validSchedule(schedule) ? schedule : Duration.hours(1);
    const staleAfter = props.staleAfter ?? Duration.hours(48);
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    const watchAll = props.watchAllSyncs ?? false;
    this.node.addValidation({ validate: () => monitorProblems(schedule, staleAfter, this.namespace, this.watched.map(sync => sync.syncName)) });
    this.node.addValidation({ validate: () => this.watchProblems(props.syncs, watchAll) });
    this.watched = props.syncs ?? [];
    if (!props.syncs && !watchAll) {
      // The app's syncs in this account and Region, once the whole app is built (an aspect runs
      // before dependencies are resolved, so the function can wait for the syncs of its stack).
      Aspects.of(this).add({ visit: node => { if (node === this) this.findSyncs(); } });
    }

    const stack = Stack.of(this);
    const { function: fn } = newInlineFunction(this, {
      dir: __dirname,
      description: 'cdk-ssm-resource-data-sync: publishes the health of resource data syncs to CloudWatch',
      roleDescription: 'Reads the status of resource data syncs and publishes it as CloudWatch metrics',
      statements: [
        // Neither action has a resource type: both take only "*". PutMetricData is held to the namespace.
        new iam.PolicyStatement({ actions: ['ssm:ListResourceDataSync'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': this.namespace } },
        }),
      ],
      timeout: Duration.minutes(1),
      logRetention: logs.RetentionDays.ONE_MONTH,
      logEncryptionKey: props.logEncryptionKey,
      environment: {
        NAMESPACE: this.namespace,
        SYNC_NAMES: Lazy.string({ produce: () => (this.watched.length > 0 ? stack.toJsonString(this.watched.map(sync => sync.syncName)) : '') }),
        PER_SYNC: props.perSyncMetrics ? 'true' : 'false',
      },
    });
    this.handler = fn;
    this.fn = fn;
    new events.Rule(this, 'Schedule', {
      description: 'Reads the status of resource data syncs',
      schedule: events.Schedule.rate(this.period),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });

    // Failed syncs, or errors of the monitor itself. Before the first run there is no data: OK, so
    // the alarm does not go off at deploy and stay on until the first reading.
    const failedOrBroken = new cloudwatch.MathExpression({
      expression: 'MAX([failed, errors])',
      usingMetrics: { failed: this.metricFailedSyncs(), errors: fn.metricErrors({ period: this.period, statistic: cloudwatch.Stats.SUM }) },
      period: this.period,
      label: 'Failed syncs, or monitor errors',
    });
    this.failedAlarm = failedOrBroken.createAlarm(this, 'FailedAlarm', {
      alarmDescription: 'A resource data sync failed (ListResourceDataSync LastStatus: Failed), a watched sync is gone, or the sync health monitor function failed. See the monitor function\'s log for which sync and why.',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.staleAlarm = this.metricHoursSinceLastSuccessfulSync().createAlarm(this, 'StaleAlarm', {
      alarmDescription: `A resource data sync has not synced successfully for more than ${staleAfter.toHumanString()}. See the monitor function's log for which sync.`,
      threshold: staleAfter.toHours({ integral: false }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No Inventory sync, no data: nothing is stale (a broken monitor sets off failedAlarm).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) {
      for (const alarm of [this.failedAlarm, this.staleAlarm]) {
        alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
        alarm.addOkAction(new cwActions.SnsAction(props.alarmTopic));
      }
    }
  }

  /**
   * Also write every sync of the account and Region (watched or not: the sync slots in use, by
   * name) as JSON lines to `key` in a central bucket, encrypted by the bucket's default (a KMS key,
   * if `kmsKeyArn`). For the member template of an `OrganizationInventory`.
   *
   * @internal
   */
  public _reportTo(report: { bucketName: string; region: string; key: string; account: string; kmsKeyArn?: string }): void {
    const stack = Stack.of(this);
    this.fn.addEnvironment('REPORT', stack.toJsonString({ bucket: report.bucketName, region: report.region, key: report.key, account: report.account }));
    this.fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [stack.formatArn({ service: 's3', region: '', account: '', resource: report.bucketName, resourceName: report.key })],
    }));
    if (report.kmsKeyArn !== undefined) this.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [report.kmsKeyArn] }));
  }

  /**
   * The syncs of the monitor's stack; the function waits for them. Not those of other stacks: they
   * may be deployed after the monitor, or destroyed before it, and would count as gone (failed).
   */
  private findSyncs(): void {
    const stack = Stack.of(this);
    this.watched = stack.node.findAll().filter((c): c is ResourceDataSync => c instanceof ResourceDataSync && Stack.of(c) === stack);
    this.watched.forEach(sync => this.node.addDependency(sync));
  }

  private watchProblems(syncs: IResourceDataSync[] | undefined, watchAll: boolean): string[] {
    if (syncs && watchAll) return ['syncs and watchAllSyncs are both given. Give the syncs to watch, or set watchAllSyncs to true for every sync of the account and Region.'];
    if (watchAll) return [];
    if (!syncs && this.watched.length === 0) {
      return ['the monitor\'s stack has no resource data sync, so there is nothing to watch. Give syncs (a ResourceDataSync of another stack, or ResourceDataSync.fromSyncName for one made elsewhere), or set watchAllSyncs to true.'];
    }
    const stack = Stack.of(this);
    return (syncs ?? []).filter(sync => !sameEnvironment(sync.env, stack)).map(sync =>
      `syncs: ${sync.node.path} is in account ${sync.env.account} and Region ${sync.env.region}, but the monitor reads the syncs of ${stack.account} and ${stack.region}; it would count it as gone (failed) on every run. Put a monitor in that account and Region.`);
  }

  /**
   * The number of failed syncs (maximum over the period).
   */
  public metricFailedSyncs(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FailedSyncs', undefined, props);
  }

  /**
   * The hours since the last successful sync of the Inventory sync that has gone longest without
   * one (maximum over the period).
   */
  public metricHoursSinceLastSuccessfulSync(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('HoursSinceLastSuccessfulSync', undefined, props);
  }

  /**
   * 1 when the sync failed, otherwise 0. Published only with `perSyncMetrics`.
   *
   * @param syncName the name of the sync
   */
  public metricSyncFailed(syncName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SyncFailed', syncName, props);
  }

  /**
   * The hours since the sync's last successful sync. Published only with `perSyncMetrics`, for
   * Inventory syncs.
   *
   * @param syncName the name of the sync
   */
  public metricSyncHoursSinceLastSuccessfulSync(syncName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('HoursSinceLastSuccessfulSync', syncName, props);
  }

  private metric(metricName: string, syncName: string | undefined, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: syncName !== undefined ? { SyncName: syncName } : undefined,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: this.period,
      ...props,
    });
  }
}

/** Whether two environments are the same as far as synth can tell (an unknown side is taken as the same). */
function sameEnvironment(a: { account: string; region: string }, b: { account: string; region: string }): boolean {
  const differs = (x: string, y: string) => !Token.isUnresolved(x) && !Token.isUnresolved(y) && x !== y;
  return !differs(a.account, b.account) && !differs(a.region, b.region);
}

function monitorProblems(schedule: Duration, staleAfter: Duration, namespace: string, syncNames: string[]): string[] {
  const problems: string[] = [...checkScheduleAndStaleness(schedule, staleAfter, 'a sync'), ...checkMetricNamespace(namespace, DEFAULT_NAMESPACE)];
  syncNames.forEach(name => problems.push(...checkSyncName(name).map(p => `syncs: ${p}`)));
  return problems;
}
