import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ResourceDataSync, SyncHealthMonitor, SyncHealthMonitorProps } from '../../src';
import { MAX_INLINE_CODE, inlineHandlerCode } from '../../src/inline-code';
import { cfnLint } from '../cfn-lint';
import { newApp, synthErrors, testWithNag } from '../util';

const env = { account: '111122223333', region: 'us-east-1' };

function monitorStack(props?: SyncHealthMonitorProps): { stack: Stack; monitor: SyncHealthMonitor } {
  const stack = new Stack(newApp(), 'Stack', { env });
  return { stack, monitor: new SyncHealthMonitor(stack, 'Health', props) };
}

describe('defaults', () => {
  const { stack, monitor } = monitorStack();
  const template = Template.fromStack(stack);

  test('an hourly schedule invokes the inline handler (Node.js 22, at most 4096 characters)', () => {
    const code = inlineHandlerCode(path.join(__dirname, '..', '..', 'src', 'monitor'));
    expect(code.length).toBeLessThanOrEqual(MAX_INLINE_CODE);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x', Code: { ZipFile: code }, Environment: { Variables: { NAMESPACE: 'ResourceDataSync', SYNC_NAMES: '', PER_SYNC: 'false' } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
  });

  test('failed alarm: at least one failed sync in an hour, missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ResourceDataSync',
      MetricName: 'FailedSyncs',
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('stale alarm: more than 48 hours since a successful sync, missing data not breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HoursSinceLastSuccessfulSync',
      Threshold: 48,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Dimensions: Match.absent(),
    });
  });

  test('least privilege: list the syncs, put metrics in its namespace only, write its log group', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^HealthLogs/), 'Arn'] } },
      { Effect: 'Allow', Action: 'ssm:ListResourceDataSync', Resource: '*' },
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'ResourceDataSync' } } },
    ]);
  });

  test('metrics in the aws-cdk-lib style', () => {
    expect(stack.resolve(monitor.metricFailedSyncs().toMetricConfig().metricStat)).toMatchObject({
      namespace: 'ResourceDataSync', metricName: 'FailedSyncs', statistic: 'Maximum', period: Duration.hours(1),
    });
    const perSync = monitor.metricSyncHoursSinceLastSuccessfulSync('inventory', { period: Duration.days(1) });
    expect(perSync.dimensions).toEqual({ SyncName: 'inventory' });
    expect(perSync.period.toHours()).toBe(24);
    expect(monitor.metricSyncFailed('inventory').metricName).toBe('SyncFailed');
    expect(monitor.metricHoursSinceLastSuccessfulSync().metricName).toBe('HoursSinceLastSuccessfulSync');
  });

  test('cfn-lint passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-monitor-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template.toJSON()));
    // W3005: aws-cdk-lib's lambda.Function depends on its role explicitly (see test/api-sync).
    expect(cfnLint([file], ['--ignore-checks', 'W3005']).output).toBe('');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

test('watched syncs, a topic for alarm and OK, per-sync metrics, another schedule and threshold', () => {
  const stack = new Stack(newApp(), 'Stack', { env });
  const sync = new ResourceDataSync(stack, 'Inventory', { syncName: 'inventory' });
  const topic = new sns.Topic(stack, 'Topic');
  new SyncHealthMonitor(stack, 'Health', {
    syncs: [sync], alarmTopic: topic, perSyncMetrics: true, schedule: Duration.minutes(30), staleAfter: Duration.hours(24), namespace: 'Ops/Syncs',
  });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: { NAMESPACE: 'Ops/Syncs', PER_SYNC: 'true', SYNC_NAMES: { 'Fn::Join': ['', ['["', { Ref: Match.stringLikeRegexp('^Inventory') }, '"]']] } } },
  });
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(30 minutes)' });
  template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Topic') }], Period: 1800 }, 2);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HoursSinceLastSuccessfulSync', Threshold: 24 });
});

test('asset-free: synthesizes with the BootstraplessSynthesizer (a StackSet member template) and no file asset', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rds-monitor-member-')) });
  const stack = new Stack(app, 'Member', { synthesizer: new BootstraplessSynthesizer() });
  new SyncHealthMonitor(stack, 'Health');
  const artifact = app.synth().getStackByName('Member');
  expect(artifact.assets).toEqual([]);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

testWithNag('cdk-nag: IAM5 (actions without resource types) and L1 (pinned runtime) only, acknowledged with reasons', () => {
  const { stack, monitor } = monitorStack();
  const findings = () => new AwsSolutionsChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.locations?.[0] ?? ''}`));
  expect(findings().map(f => f.split(' ')[0]).sort()).toEqual(['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-L1']);
  Validations.of(monitor).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ssm:ListResourceDataSync and cloudwatch:PutMetricData have no resource type; PutMetricData is held to the monitor\'s namespace by cloudwatch:namespace.',
  });
  Validations.of(monitor).acknowledge({ id: 'AwsSolutions-L1', reason: 'The inline handler is pinned to Node.js 22 (supported until 2027-04-30), the runtime its tests and size limit are checked for.' });
  expect(findings()).toEqual([]);
});

describe('rules: clear errors at synth', () => {
  test.each([
    [{ schedule: Duration.seconds(90) }, /schedule is 1 minute 30 seconds; it must be whole minutes from 1 minute to 1 day/],
    [{ schedule: Duration.days(2) }, /schedule is 2 days; it must be whole minutes/],
    [{ staleAfter: Duration.minutes(30) }, /staleAfter \(30 minutes\) is not longer than schedule \(1 hour\)/],
    [{ namespace: 'AWS/SSM' }, /namespace "AWS\/SSM" is not a custom CloudWatch namespace/],
    [{ syncs: [{ syncName: 'x'.repeat(65) } as any] }, /syncs: syncName "x{65}" is 65 characters long/],
  ])('%#: %o', (props, message) => {
    expect(synthErrors(monitorStack(props as SyncHealthMonitorProps).stack)).toMatch(message);
  });
});
