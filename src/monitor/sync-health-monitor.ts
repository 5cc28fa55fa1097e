import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { inlineHandlerCode } from '../inline-code';
import { IResourceDataSync } from '../resource-data-sync';
import { checkSyncName } from '../validation';

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
   * The syncs to watch, by name. A sync of this list that no longer exists counts as failed.
   *
   * @default - every resource data sync of the account and Region, whoever made it
   */
  readonly syncs?: IResourceDataSync[];

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
   * In alarm when at least one sync failed, or when the monitor did not report (missing data is
   * breaching).
   */
  public readonly failedAlarm: cloudwatch.Alarm;

  /**
   * In alarm when an Inventory sync has not succeeded for longer than `staleAfter`.
   */
  public readonly staleAlarm: cloudwatch.Alarm;

  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: SyncHealthMonitorProps = {}) {
    super(scope, id);
    props = props ?? {};
    const schedule = props.schedule ?? Duration.hours(1);
    // An invalid schedule is reported by the validation below, with the other problems.
    this.period = validSchedule(schedule) ? schedule : Duration.hours(1);
    const staleAfter = props.staleAfter ?? Duration.hours(48);
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    const syncNames = (props.syncs ?? []).map(sync => sync.syncName);
    this.node.addValidation({ validate: () => monitorProblems(schedule, staleAfter, this.namespace, syncNames) });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the status of resource data syncs and publishes it as CloudWatch metrics',
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      // Neither action has a resource type: both take only "*". PutMetricData is held to the namespace.
      actions: ['ssm:ListResourceDataSync'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': this.namespace } },
    }));
    const fn = new lambda.Function(this, 'Function', {
      description: 'cdk-ssm-resource-data-sync: publishes the health of resource data syncs to CloudWatch',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(inlineHandlerCode(__dirname)),
      timeout: Duration.minutes(1),
      memorySize: 256,
      role,
      logGroup,
      environment: {
        NAMESPACE: this.namespace,
        SYNC_NAMES: syncNames.length > 0 ? Stack.of(this).toJsonString(syncNames) : '',
        PER_SYNC: props.perSyncMetrics ? 'true' : 'false',
      },
    });
    this.handler = fn;
    new events.Rule(this, 'Schedule', {
      description: 'Reads the status of resource data syncs',
      schedule: events.Schedule.rate(this.period),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });

    this.failedAlarm = this.metricFailedSyncs().createAlarm(this, 'FailedAlarm', {
      alarmDescription: 'A resource data sync failed (ListResourceDataSync LastStatus: Failed), a watched sync is gone, or the sync health monitor did not report. See the monitor function\'s log for which sync and why.',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // The monitor reports every period: no data means it is broken.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
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

function validSchedule(schedule: Duration): boolean {
  if (schedule.isUnresolved()) return true;
  const minutes = schedule.toSeconds() / 60;
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440;
}

function monitorProblems(schedule: Duration, staleAfter: Duration, namespace: string, syncNames: string[]): string[] {
  const problems: string[] = [];
  {
    if (!validSchedule(schedule)) {
      problems.push(`schedule is ${schedule.toHumanString()}; it must be whole minutes from 1 minute to 1 day (it is the period of the alarms too). Use for example Duration.hours(1).`);
    }
  }
  if (!staleAfter.isUnresolved() && !schedule.isUnresolved() && staleAfter.toSeconds() <= schedule.toSeconds()) {
    problems.push(`staleAfter (${staleAfter.toHumanString()}) is not longer than schedule (${schedule.toHumanString()}); a sync would be stale between two readings. Make staleAfter longer, for example Duration.hours(48).`);
  }
  if (!Token.isUnresolved(namespace) && (namespace.length < 1 || namespace.length > 255 || namespace.startsWith('AWS/') || !/^[\x20-\x7e]+$/.test(namespace) || namespace.includes(':'))) {
    problems.push(`namespace ${JSON.stringify(namespace)} is not a custom CloudWatch namespace: 1 to 255 printable ASCII characters, no ":", not starting with "AWS/". Leave it out for "${DEFAULT_NAMESPACE}".`);
  }
  syncNames.forEach(name => problems.push(...checkSyncName(name).map(p => `syncs: ${p}`)));
  return problems;
}
