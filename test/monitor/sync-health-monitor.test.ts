import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ResourceDataSync, SyncDestination, SyncHealthMonitor, SyncHealthMonitorProps } from '../../src';
import { MAX_INLINE_CODE, inlineHandlerCode } from '../../src/inline-code';
import { cfnLint } from '../cfn-lint';
import { newApp, synthErrors, testWithNag } from '../util';

const env = { account: '111122223333', region: 'us-east-1' };

/** A stack with an Inventory sync (what a monitor watches by default) and a monitor. */
function monitorStack(props?: SyncHealthMonitorProps): { stack: Stack; monitor: SyncHealthMonitor } {
  const stack = new Stack(newApp(), 'Stack', { env });
  new ResourceDataSync(stack, 'Inventory', { syncName: 'inventory', destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) });
  return { stack, monitor: new SyncHealthMonitor(stack, 'Health', props) };
}

describe('defaults', () => {
  let stack: Stack;
  let monitor: SyncHealthMonitor;
  let template: Template;
  beforeEach(() => {
    ({ stack, monitor } = monitorStack());
    template = Template.fromStack(stack);
  });

  test('an hourly schedule invokes the inline handler (Node.js 24, at most 4096 characters); it watches the app\'s sync, made first', () => {
    const code = inlineHandlerCode(path.join(__dirname, '..', '..', 'src', 'monitor'));
    expect(code.length).toBeLessThanOrEqual(MAX_INLINE_CODE);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Code: { ZipFile: code },
      Environment: { Variables: { NAMESPACE: 'ResourceDataSync', SYNC_NAMES: { 'Fn::Join': ['', ['["', { Ref: Match.stringLikeRegexp('^Inventory') }, '"]']] }, PER_SYNC: 'false' } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    // The first run finds the sync: the function is created after it.
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Inventory/)]));
  });

  test('failed alarm: a failed sync or a failed run in an hour; no data (before the first run) is OK, so it does not page at deploy', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        { Id: 'expr_1', Expression: 'MAX([failed, errors])' },
        { Id: 'failed', ReturnData: false, MetricStat: { Metric: { Namespace: 'ResourceDataSync', MetricName: 'FailedSyncs' }, Period: 3600, Stat: 'Maximum' } },
        { Id: 'errors', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, Period: 3600, Stat: 'Sum' } },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
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
  template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Topic') }] }, 2);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Period: 1800 }) })]) });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HoursSinceLastSuccessfulSync', Threshold: 24 });
});

test('asset-free: synthesizes with the BootstraplessSynthesizer (a StackSet member template) and no file asset', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rds-monitor-member-')) });
  const stack = new Stack(app, 'Member', { synthesizer: new BootstraplessSynthesizer() });
  new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) });
  new SyncHealthMonitor(stack, 'Health');
  const artifact = app.synth().getStackByName('Member');
  expect(artifact.assets).toEqual([]);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

testWithNag('cdk-nag: IAM5 (actions without resource types) only, acknowledged with a reason; the runtime is the newest (no L1)', () => {
  const { stack, monitor } = monitorStack();
  const findings = () => new AwsSolutionsChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.locations?.[0] ?? ''}`));
  expect(findings().map(f => f.split(' ')[0]).sort()).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  Validations.of(monitor).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ssm:ListResourceDataSync and cloudwatch:PutMetricData have no resource type; PutMetricData is held to the monitor\'s namespace by cloudwatch:namespace.',
  });
  expect(findings()).toEqual([]);
});

describe('rules: clear errors at synth', () => {
  test.each([
    [{ schedule: Duration.seconds(90) }, /schedule is 1 minute 30 seconds; it must be whole minutes from 1 minute to 1 day/],
    [{ schedule: Duration.days(2) }, /schedule is 2 days; it must be whole minutes/],
    [{ staleAfter: Duration.minutes(30) }, /staleAfter \(30 minutes\) is not longer than schedule \(1 hour\)/],
    [{ namespace: 'AWS/SSM' }, /namespace "AWS\/SSM" is not a custom CloudWatch namespace/],
    [{ syncs: [{ syncName: 'x'.repeat(65), env, node: { path: 'X' } } as any] }, /syncs: syncName "x{65}" is 65 characters long/],
    [{ syncs: [], watchAllSyncs: true }, /syncs and watchAllSyncs are both given/],
  ])('%#: %o', (props, message) => {
    expect(synthErrors(monitorStack(props as SyncHealthMonitorProps).stack)).toMatch(message);
  });

  test('a watched sync of another account or Region is refused: the monitor would count it as gone on every run', () => {
    const { stack } = monitorStack({ syncs: [ResourceDataSync.fromSyncArn(new Stack(), 'Other', 'arn:aws:ssm:eu-west-1:111122223333:resource-data-sync/inventory')] });
    expect(synthErrors(stack)).toMatch(/syncs: Default\/Other is in account 111122223333 and Region eu-west-1, but the monitor reads the syncs of 111122223333 and us-east-1; .* Put a monitor in that account and Region/);
  });

  test('nothing to watch by default (no sync in the monitor\'s stack) is an error that names both ways out', () => {
    const stack = new Stack(newApp(), 'Stack', { env });
    new ResourceDataSync(new Stack(stack.node.root as App, 'Elsewhere', { env: { ...env, region: 'eu-west-1' } }), 'Inventory');
    new SyncHealthMonitor(stack, 'Health');
    expect(synthErrors(stack)).toMatch(/the monitor's stack has no resource data sync, so there is nothing to watch. Give syncs .*, or set watchAllSyncs to true\./);
  });
});

describe('which syncs are watched', () => {
  /** SYNC_NAMES as the function gets it, with each Ref to a sync of the stack standing for its name (`Ref:<logical id>`). */
  const names = (stack: Stack) => {
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const value = fn.Properties.Environment.Variables.SYNC_NAMES;
    return typeof value === 'string' ? value : value['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : `Ref:${part.Ref}`)).join('');
  };

  test('by default, the syncs of the monitor\'s stack only: another stack may deploy after the monitor or be destroyed before it', () => {
    const app = newApp();
    const stack = new Stack(app, 'Stack', { env });
    new ResourceDataSync(stack, 'Here', { syncName: 'here' });
    new ResourceDataSync(new Stack(app, 'Same', { env }), 'There', { syncName: 'there' });
    new SyncHealthMonitor(stack, 'Health');
    expect(JSON.parse(names(stack))).toEqual([expect.stringMatching(/^Ref:Here/)]);
  });

  test('a sync of another stack, given in syncs: referenced, so its stack deploys first', () => {
    const app = newApp();
    const stack = new Stack(app, 'Stack', { env });
    const other = new Stack(app, 'Same', { env });
    const there = new ResourceDataSync(other, 'There', { syncName: 'there', destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) });
    new SyncHealthMonitor(stack, 'Health', { syncs: [there] });
    expect(names(stack)).toMatch(/there|ImportValue|Ref/);
    expect(stack.dependencies.map(s => s.stackName)).toContain('Same');
  });

  test('watchAllSyncs: every sync of the account and Region (an empty list for the handler)', () => {
    const { stack } = monitorStack({ watchAllSyncs: true });
    expect(names(stack)).toBe('');
  });

  test('a KMS key for the log group', () => {
    const stack = new Stack(newApp(), 'Stack', { env });
    new ResourceDataSync(stack, 'Inventory');
    new SyncHealthMonitor(stack, 'Health', { logEncryptionKey: new kms.Key(stack, 'LogKey') });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] }, RetentionInDays: 30 });
  });
});
