import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  InventoryBucket, InventoryDatabase, InventoryHistory, InventoryType, OrganizationInventory, ResourceDataSync, SyncDestination,
} from '../../src';
import { cfnLintTemplates } from '../cfn-lint';
import { schemaErrors } from '../schema';
import { fixture, newApp, synthErrors, testWithNag } from '../util';

const ENV = { account: '111122223333', region: 'us-east-1' };
const NEW_TYPES = ['AWS::Scheduler::Schedule', 'AWS::Glue::Table', 'AWS::Athena::NamedQuery'];
const DEFAULT_TABLES = ['aws_application', 'aws_instanceinformation', 'aws_patchsummary', 'aws_complianceitem', 'aws_awscomponent', 'aws_windowsupdate'];

/** The ways a history is used: in the bucket of one sync, of listed accounts, an organization's with a bucket of its own. */
const CASES: Record<string, () => { stack: Stack; history: InventoryHistory }> = {
  'one sync': () => {
    const stack = new Stack(newApp(), 'OneSync', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const database = new InventoryDatabase(stack, 'Query', { sync });
    const history = new InventoryHistory(stack, 'History', { database });
    history.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    return { stack, history };
  },
  'listed accounts': () => {
    const stack = new Stack(newApp(), 'Listed', { env: ENV });
    const destination = new InventoryBucket(stack, 'Central', { prefix: 'inventory', sourceAccounts: ['444455556666'] });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, regions: ['us-east-1', 'eu-west-1'] });
    return { stack, history: new InventoryHistory(stack, 'History', { database }) };
  },
  'an organization, a bucket of its own': () => {
    const stack = new Stack(newApp(), 'Organization', { env: ENV });
    const org = new OrganizationInventory(stack, 'Org', {
      organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-cdef3456'], regions: ['us-east-1'], bucketName: 'central-inventory-111122223333',
    });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: org.destination });
    const bucket = new s3.Bucket(stack, 'HistoryBucket', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, encryption: s3.BucketEncryption.KMS });
    return { stack, history: new InventoryHistory(stack, 'History', { database, bucket, prefix: 'history', retention: Duration.days(730) }) };
  },
};

/** The template of each case, built in the first test that uses it (see `fixture`). */
const templates = Object.fromEntries(Object.entries(CASES).map(([name, build]) => [name, fixture(() => Template.fromStack(build().stack))]));
const historyTables = (template: Template) => Object.values<any>(template.findResources('AWS::Glue::Table'))
  .map(t => t.Properties.TableInput).filter(t => t.Name.endsWith('_history'));
const inputs = (template: Template) => Object.values<any>(template.findResources('AWS::Scheduler::Schedule'))
  .map(r => ({ ...r.Properties, Input: JSON.parse(r.Properties.Target.Input) }));

describe.each(Object.keys(CASES))('%s', name => {
  let template: Template;
  beforeEach(() => { template = templates[name](); });

  test('a Parquet table per default type, partitioned by snapshot_date only, account and Region as columns', () => {
    const tables = historyTables(template);
    expect(tables.map(t => t.Name).sort()).toEqual(DEFAULT_TABLES.map(t => `${t}_history`).sort());
    for (const table of tables) {
      expect(table.PartitionKeys).toEqual([{ Name: 'snapshot_date', Type: 'date' }]);
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
      expect(table.Parameters).toEqual({ 'classification': 'parquet', 'parquet.compression': 'ZSTD' });
      expect(table.Parameters['projection.enabled']).toBeUndefined();
      expect(table.StorageDescriptor.Columns.slice(-2)).toEqual([{ Name: 'accountid', Type: 'string' }, { Name: 'region', Type: 'string' }]);
    }
  });

  test('one schedule per type: daily, Scheduler straight to Athena in the query layer\'s work group, a token per run', () => {
    const schedules = inputs(template);
    expect(schedules).toHaveLength(6);
    for (const s of schedules) {
      expect(s.ScheduleExpression).toBe('cron(0 1 * * ? *)');
      expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(JSON.stringify(s.Target.Arn)).toContain(':scheduler:::aws-sdk:athena:startQueryExecution');
      expect(s.Input.QueryString).toMatch(/^INSERT INTO aws_\w+_history\nSELECT /);
      expect(s.Input.QueryString).toContain("date(from_iso8601_timestamp('<aws.scheduler.scheduled-time>'))");
      expect(s.Input.QueryString).toMatch(/WHERE NOT EXISTS \(SELECT 1 FROM aws_\w+_history h WHERE h.snapshot_date = d.snapshot_date\)/);
      expect(s.Input.ClientRequestToken).toMatch(/-aws_\w+-<aws\.scheduler\.scheduled-time>$/);
      expect(s.Input.ClientRequestToken.replace('<aws.scheduler.scheduled-time>', '2026-11-30T01:00:00Z').length).toBeGreaterThanOrEqual(32);
      expect(s.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 20 });
    }
    // Every schedule uses the database and work group of the query layer.
    const workGroup = Object.values<any>(template.findResources('AWS::Athena::WorkGroup'))[0].Properties.Name;
    const database = Object.values<any>(template.findResources('AWS::Glue::Database'))[0].Properties.DatabaseInput.Name;
    expect(new Set(schedules.map(s => `${s.Input.WorkGroup}/${s.Input.QueryExecutionContext.Database}`))).toEqual(new Set([`${workGroup}/${database}`]));
  });

  test('the snapshot role: trusted by Scheduler of this account only; Athena on the work group only; writes only the history', () => {
    const roles = Object.values<any>(template.findResources('AWS::IAM::Role')).filter(r => /inventory snapshots/.test(r.Properties.Description ?? ''));
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': 'arn:aws:scheduler:us-east-1:111122223333:schedule-group/default' } },
    }]);
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.Roles).includes('HistorySnapshotRole')).flatMap(p => p.Properties.PolicyDocument.Statement);
    const of = (action: string) => statements.filter(s => [s.Action].flat().includes(action));
    expect(of('athena:StartQueryExecution')).toEqual([expect.objectContaining({ Resource: expect.stringMatching(/:workgroup\//) })]);
    // Partitions are created in the history tables only; nothing is ever deleted.
    expect(of('glue:CreatePartition')[0].Resource.filter((r: string) => r.includes(':table/')).every((r: string) => r.endsWith('_history'))).toBe(true);
    expect(statements.flatMap(s => [s.Action].flat()).filter(a => /Delete|\*/.test(a))).toEqual([]);
    expect(JSON.stringify(of('s3:PutObject'))).toMatch(/\/(inventory-history|history)\/\*/);
  });

  test('retention: a lifecycle rule on the history prefix', () => {
    const rules = Object.values<any>(template.findResources('AWS::S3::Bucket')).flatMap(b => b.Properties.LifecycleConfiguration?.Rules ?? []);
    const rule = rules.find(r => String(r.Id).startsWith('InventoryHistory-'));
    expect(rule).toMatchObject({ Status: 'Enabled', Prefix: name.includes('own') ? 'history/' : 'inventory-history/', ExpirationInDays: name.includes('own') ? 730 : 400 });
  });

  test('the change queries, in the query layer\'s work group', () => {
    const queries = Object.values<any>(template.findResources('AWS::Athena::NamedQuery')).map(q => q.Properties).filter(q => q.Name.includes('-history-'));
    expect(queries.map(q => q.Name.replace(/^[a-z0-9_]+-/, '')).sort()).toEqual([
      'history-application-changes', 'history-application-first-seen', 'history-daily-nodes-per-account', 'history-nodes-with-application-on-date', 'history-snapshot-days',
    ]);
    for (const q of queries) expect(q.WorkGroup).toEqual({ Ref: expect.stringMatching(/^QueryWorkGroup/) });
  });

  test('is valid against the registry schema of each new resource type', () => {
    for (const type of NEW_TYPES) expect(schemaErrors(template.toJSON(), type)).toEqual([]);
  });
});

test('cfn-lint finds nothing in the templates', () => {
  const { status, output } = cfnLintTemplates(Object.fromEntries(Object.entries(templates).map(([name, template]) => [name, template()])));
  expect(output).toBe('');
  expect(status).toBe(0);
});

/*
 * cdk-nag AwsSolutions: nothing but S1 (no access logs, acknowledged) and IAM5, whose findings are
 * the objects under the prefixes the snapshot role reads and writes (`<bucket>/*`,
 * `<bucket>/<prefix>/*`, `<results>/*`) and, where an analyst is granted, aws-cdk-lib's read
 * action groups; kept in the snapshot, so that a new one shows.
 */
testWithNag.each(Object.keys(CASES))('cdk-nag: %s adds nothing beyond S1 (acknowledged) and IAM5 on objects', name => {
  const { stack } = CASES[name]();
  const reason = 'No server access logs bucket was given: access logs need a second bucket that the user chooses.';
  for (const bucket of stack.node.findAll().filter(c => c instanceof s3.Bucket)) Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason });
  const left = new AwsSolutionsChecks().validateScope(stack).violations.flatMap(v => v.violatingResources.map(() => v.ruleName));
  expect(left.filter(f => !f.startsWith('AwsSolutions-IAM5'))).toEqual([]);
  const analyst = (f: string) => f.includes('Action::');
  expect(left.filter(f => !analyst(f)).every(f => /^AwsSolutions-IAM5\[Resource::.*\/\*\]$/.test(f))).toBe(true);
  expect(left.filter(f => !analyst(f)).length).toBeGreaterThan(0);
  expect(left).toMatchSnapshot();
});

describe('choices', () => {
  const build = (props: Partial<ConstructorParameters<typeof InventoryHistory>[2]> = {}, databaseTypes?: InventoryType[]) => {
    const stack = new Stack(newApp(), 'Choices', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const database = new InventoryDatabase(stack, 'Query', { sync, types: databaseTypes });
    const history = new InventoryHistory(stack, 'History', { database, ...props });
    return { stack, history };
  };

  test('types and schedule chosen: a schedule and a table per type, the query that needs a missing type left out', () => {
    const { stack, history } = build({
      types: [InventoryType.INSTANCE_INFORMATION, InventoryType.TAG],
      schedule: scheduler.ScheduleExpression.cron({ minute: '30', hour: '2', weekDay: 'MON' }),
    });
    const template = Template.fromStack(stack);
    expect(historyTables(template).map(t => t.Name).sort()).toEqual(['aws_instanceinformation_history', 'aws_tag_history']);
    template.allResourcesProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 2 ? * MON *)' });
    expect(history.namedQuery('history-application-changes')).toBeUndefined();
    expect(history.namedQuery('history-daily-nodes-per-account')).toBeDefined();
    expect(history.scheduleFor(InventoryType.TAG)).toBeDefined();
    expect(history.tableFor(InventoryType.APPLICATION)).toBeUndefined();
  });

  test('grantQuery: the query layer\'s grants and read of the history', () => {
    const policies = JSON.stringify(templates['one sync']().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Analyst') }] } }));
    for (const action of ['athena:StartQueryExecution', 'glue:GetTable', 's3:GetObject*', 'kms:Decrypt']) expect(policies).toContain(`"${action}"`);
    expect(policies).toContain('/inventory-history/*');
  });

  test('an imported bucket: no lifecycle rule can be added, a warning says what to add', () => {
    const stack = new Stack(newApp(), 'Imported', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const database = new InventoryDatabase(stack, 'Query', { sync });
    new InventoryHistory(stack, 'History', { database, bucket: s3.Bucket.fromBucketName(stack, 'Elsewhere', 'history-bucket') });
    Annotations.fromStack(stack).hasWarning('/Imported/History', Match.stringLikeRegexp('expires the objects under "inventory-history/" after 400 days.*historyRetentionNotEnforced'));
  });

  test.each([
    ['rate(1 hour)', () => scheduler.ScheduleExpression.rate(Duration.hours(1))],
    ['an hourly cron', () => scheduler.ScheduleExpression.cron({ minute: '0' })],
  ])('a schedule more often than daily (%s) is warned about', (_, schedule) => {
    const { stack } = build({ schedule: schedule() });
    Annotations.fromStack(stack).hasWarning('/Choices/History', Match.stringLikeRegexp('only the first run of each UTC day writes.*historyScheduleMoreThanDaily'));
  });

  test('a daily or weekly schedule draws no warning', () => {
    const { stack } = build({ schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('history'))).toEqual([]);
  });
});

describe('bad input is a clear error at synth', () => {
  const errors = (props: (stack: Stack) => any, databaseTypes?: InventoryType[]) => {
    const stack = new Stack(newApp(), 'Bad', { env: ENV });
    const bucket = new InventoryBucket(stack, 'Central', { prefix: 'inventory' });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(bucket) });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: bucket, types: databaseTypes });
    new InventoryHistory(stack, 'History', { database, ...props(stack) });
    return synthErrors(stack);
  };

  test.each([
    ['a type the database has no table for', () => ({ types: [InventoryType.FILE] }), /types: "AWS:File" has no table in the database Bad\/Query; add them to its types/],
    ['no types', () => ({ types: [] }), /types is empty/],
    ['a type twice', () => ({ types: [InventoryType.APPLICATION, InventoryType.APPLICATION] }), /types lists "AWS:Application" twice/],
    ['a prefix ending in /', () => ({ prefix: 'history/' }), /prefix "history\/" starts or ends with "\/"/],
    ['a prefix inside a type folder of the sync', () => ({ prefix: 'inventory/AWS:Application/history' }), /prefix "inventory\/AWS:Application\/history" is inside the folder "inventory\/AWS:Application\/"/],
    ['a retention of part of a day', () => ({ retention: Duration.hours(36) }), /retention is 1 day 12 hours; S3 lifecycle rules count whole days/],
    ['a one-time schedule', () => ({ schedule: scheduler.ScheduleExpression.at(new Date(Date.UTC(2027, 0, 1))) }), /schedule at\(2027-01-01T00:00:00\) runs once; a history needs a recurring schedule/],
  ])('%s', (_, props, message) => {
    const message_ = errors(props);
    expect(message_).toMatch(message);
    expect(message_).toMatch(/\[Bad\/History\]/);
  });

  test('a database that was refused', () => {
    const stack = new Stack(newApp(), 'Bad', { env: ENV });
    const database = new InventoryDatabase(stack, 'Query');
    new InventoryHistory(stack, 'History', { database });
    expect(synthErrors(stack)).toMatch(/\[Bad\/History\] the database Bad\/Query reads no inventory/);
  });

  test('a prefix of its own beside the sync\'s folders is accepted', () => {
    expect(errors(() => ({ prefix: 'inventory/history' }))).toBe('');
  });
});
