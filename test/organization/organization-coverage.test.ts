import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations as CoreAnnotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  InventoryAccounts, InventoryDatabase, OrganizationCoverage, OrganizationCoverageProps, OrganizationInventory, OrganizationInventoryProps,
  StackSetCallAs,
} from '../../src';
import { MAX_INLINE_CODE, inlineHandlerCode } from '../../src/inline-code';
import { cfnLint } from '../cfn-lint';
import { fixture, newApp, newOrganizationInventory, synthErrors, testWithNag } from '../util';

const env = { account: '111122223333', region: 'us-east-1' };

/** The census's cdk-nag acknowledgments, each with its reason (listed in the README too). */
const COVERAGE_NAG = [
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'organizations:ListAccounts/ListAccountsForParent/ListOrganizationalUnitsForParent, account:GetRegionOptStatus and cloudwatch:PutMetricData '
      + 'take "*" (the census reads every account of the targets); PutMetricData is held to the namespace by cloudwatch:namespace.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:aws:cloudformation:us-east-1:*:stackset/org-inventory:*]',
    reason: 'The StackSet\'s ARN ends in its generated id, and a service-managed StackSet lives in the management account, whichever account manages it.',
  },
];

function coverageStack(props: Partial<OrganizationCoverageProps> = {}, inventoryProps: Partial<OrganizationInventoryProps> = {}) {
  const { stack, inventory } = newOrganizationInventory({ stackSetName: 'org-inventory', ...inventoryProps });
  const coverage = new OrganizationCoverage(stack, 'Coverage', { inventory, ...props });
  return { stack, inventory, coverage };
}

/** The census's CONFIG, with each reference (the bucket's name) as "<Ref LogicalId>". */
const config = (template: Template) => {
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('coverage census') } }))[0];
  const value = fn.Properties.Environment.Variables.CONFIG;
  return typeof value === 'string' ? value : value['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : `<Ref ${part.Ref}>`)).join('');
};

describe('defaults', () => {
  /** Built in the first test that uses it (see `fixture`); the cdk-nag test, last, acknowledges its findings. */
  const defaults = fixture(() => {
    const { stack, coverage } = coverageStack();
    return { stack, coverage, template: Template.fromStack(stack) };
  });

  test('an hourly schedule runs the inline census (at most 4,096 characters) with the inventory\'s bucket, OUs, Regions and StackSet', () => {
    const { coverage, template } = defaults();
    const code = inlineHandlerCode(path.join(__dirname, '..', '..', 'src', 'organization'), 'coverage-handler.js');
    expect(code.length).toBeLessThanOrEqual(MAX_INLINE_CODE);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Code: { ZipFile: code }, Timeout: 600 });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    expect(JSON.parse(config(template))).toEqual({
      bucket: expect.stringMatching(/^<Ref OrganizationDestinationBucket/),
      prefix: '',
      targets: ['r-ab12'],
      regions: ['us-east-1', 'eu-west-1'],
      mgmt: '111122223333',
      mgmtRegions: ['us-east-1'],
      optIn: [],
      stackSet: 'org-inventory',
      callAs: 'SELF',
      staleHours: 48,
      graceHours: 48,
      namespace: 'ResourceDataSync',
      perAccount: false,
    });
    expect(coverage.reportKey).toBe('coverage/report.json');
  });

  test('alarm: a silent account-Region or a failed census in a period; no data before the first run is OK', () => {
    const { template } = defaults();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        { Id: 'expr_1', Expression: 'MAX([silent, errors])' },
        { Id: 'silent', ReturnData: false, MetricStat: { Metric: { Namespace: 'ResourceDataSync', MetricName: 'SilentAccountRegions' }, Period: 3600, Stat: 'Maximum' } },
        { Id: 'errors', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, Period: 3600, Stat: 'Sum' } },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('least privilege: list the organization, the StackSet\'s instances, the Inventory keys; write the report and metrics', () => {
    const { template } = defaults();
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^CoverageRole') } }));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      { Effect: 'Allow', Action: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'], Resource: '*' },
      { Effect: 'Allow', Action: 'cloudformation:ListStackInstances', Resource: 'arn:aws:cloudformation:us-east-1:*:stackset/org-inventory:*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] }, Condition: { StringLike: { 's3:prefix': 'AWS:InstanceInformation/accountid=*' } } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] }, '/coverage/report.json']] } },
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'ResourceDataSync' } } },
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [expect.stringMatching(/Key/), 'Arn'] } },
    ]);
  });

  test('metrics in the aws-cdk-lib style', () => {
    const { coverage } = defaults();
    expect(coverage.metricSilentAccounts().metricName).toBe('SilentAccounts');
    expect(coverage.metricReportingAccounts().statistic).toBe('Minimum');
    expect(coverage.metricMaxDataAgeHours({ period: Duration.days(1) }).period.toHours()).toBe(24);
    expect(coverage.metricAccountSilentRegions('222222222222').dimensions).toEqual({ AccountId: '222222222222' });
    expect(coverage.metricAccountDataAgeHours('222222222222').metricName).toBe('DataAgeHours');
  });

  test('cfn-lint passes', () => {
    const { template } = defaults();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-coverage-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template.toJSON()));
    expect(cfnLint([file], ['--ignore-checks', 'W3005']).output).toBe('');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  testWithNag('cdk-nag: IAM5 (wildcards with reasons) and the central bucket\'s S1, acknowledged', () => {
    const { stack, coverage } = defaults();
    const findings = new AwsSolutionsChecks().validateScope(stack).violations
      .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.locations?.[0] ?? ''}`));
    expect(findings.map(f => f.split(' ')[0]).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::arn:aws:cloudformation:us-east-1:*:stackset/org-inventory:*]', 'AwsSolutions-S1',
    ]);
    Validations.of(coverage).acknowledge(...COVERAGE_NAG);
    const after = new AwsSolutionsChecks().validateScope(stack).violations.map(v => v.ruleName);
    expect(after).toEqual(['AwsSolutions-S1']);
  });
});

test('options: schedule, staleness, grace, per-account metrics, topic, namespace, a prefix; a report table in the database', () => {
  const stack = new Stack(newApp(), 'Stack', { env });
  const inventory = new OrganizationInventory(stack, 'Organization', {
    organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-11111111'], regions: ['us-east-1'], bucketName: 'org-inventory-111122223333', prefix: 'inv',
  });
  const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: inventory.destination, accounts: InventoryAccounts.organization() });
  const coverage = new OrganizationCoverage(stack, 'Coverage', {
    inventory,
    database,
    schedule: Duration.minutes(30),
    staleAfter: Duration.hours(26),
    gracePeriod: Duration.days(3),
    perAccountMetrics: true,
    alarmTopic: new sns.Topic(stack, 'Topic'),
    namespace: 'Ops/Coverage',
  });
  const template = Template.fromStack(stack);
  expect(JSON.parse(config(template))).toMatchObject({
    prefix: 'inv/', targets: ['ou-ab12-11111111'], staleHours: 26, graceHours: 72, perAccount: true, namespace: 'Ops/Coverage',
  });
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(30 minutes)' });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Topic') }] });
  expect(coverage.reportKey).toBe('inv/coverage/report.json');
  template.hasResourceProperties('AWS::Glue::Table', {
    DatabaseName: database.databaseName,
    TableInput: Match.objectLike({
      Name: 'coverage',
      StorageDescriptor: Match.objectLike({
        Location: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^OrganizationDestinationBucket') }, '/inv/coverage/']] },
        SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        Columns: Match.arrayWith([{ Name: 'status', Type: 'string' }, { Name: 'agehours', Type: 'double' }]),
      }),
    }),
  });
  expect(coverage.reportTable).toBeDefined();
});

test('from a delegated administrator: the management account\'s id is required, and it has no Regions of its own by default', () => {
  const inventoryProps = { callAs: StackSetCallAs.DELEGATED_ADMIN };
  expect(synthErrors(coverageStack({}, inventoryProps).stack)).toMatch(/\[Stack\/Coverage\] managementAccountId is required.*DELEGATED_ADMIN/);
  const { stack } = coverageStack({ managementAccountId: '999988887777' }, inventoryProps);
  expect(JSON.parse(config(Template.fromStack(stack)))).toMatchObject({ mgmt: '999988887777', mgmtRegions: [], callAs: 'DELEGATED_ADMIN' });
});

test('opt-in Regions: the census may ask AWS Account Management, with a warning on what that needs', () => {
  const { stack } = coverageStack({}, { regions: ['us-east-1', 'ap-east-1'] });
  const template = Template.fromStack(stack);
  expect(JSON.parse(config(template)).optIn).toEqual(['ap-east-1']);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['account:GetRegionOptStatus']), Resource: '*' })]) },
  });
  Annotations.fromStack(stack).hasWarning('/Stack/Coverage', Match.stringLikeRegexp('ap-east-1 is an opt-in Region.*trusted access for AWS Account Management'));
  // Acknowledged: gone.
  const again = coverageStack({}, { regions: ['us-east-1', 'ap-east-1'] });
  CoreAnnotations.of(again.coverage).acknowledgeWarning('cdk-ssm-resource-data-sync:coverageOptInRegions', 'trusted access is on');
  Annotations.fromStack(again.stack).hasNoWarning('/Stack/Coverage', Match.anyValue());
});

test.each([
  ['schedule not whole minutes', { schedule: Duration.seconds(90) }, /schedule is 1 minute 30 seconds; it must be whole minutes/],
  ['schedule longer than a day', { schedule: Duration.days(2) }, /schedule is 2 days/],
  ['staleAfter not longer than schedule', { schedule: Duration.hours(2), staleAfter: Duration.hours(2) }, /staleAfter \(2 hours\) is not longer than schedule.*an account-Region would be stale/],
  ['an AWS namespace', { namespace: 'AWS/SSM' }, /namespace "AWS\/SSM" is not a custom CloudWatch namespace/],
  ['a malformed management account id', { managementAccountId: '1234' }, /managementAccountId/],
  ['a malformed management Region', { managementAccountRegions: ['Frankfurt'] }, /managementAccountRegions/],
])('rejects %s', (_, props, message) => {
  expect(synthErrors(coverageStack(props as Partial<OrganizationCoverageProps>).stack)).toMatch(message);
});

test('without props: a clear error', () => {
  const stack = new Stack(newApp(), 'Stack', { env });
  expect(() => new OrganizationCoverage(stack, 'Coverage', undefined as any)).toThrow(/needs props: inventory/);
});
