import { CfnElement, CfnParameter, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  InventoryAccounts, InventoryBucket, InventoryBucketProps, InventoryColumnType, InventoryDatabase, InventoryDatabaseProps, InventoryHistory,
  InventoryType, ResourceDataSync, SyncDestination, SyncSource,
} from '../../src';
import { cfnLintTemplates } from '../cfn-lint';
import { schemaErrors } from '../schema';
import { fixture, newApp, newOrganizationInventory, synthErrors, testWithNag } from '../util';

const ENV = { account: '111122223333', region: 'us-east-1' };
const NEW_TYPES = ['AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup', 'AWS::Athena::NamedQuery'];

/** The three ways the query layer is used: one sync, a destination of listed accounts, an organization. */
const CASES: Record<string, () => { stack: Stack; database: InventoryDatabase }> = {
  'one sync in one account': () => {
    const stack = new Stack(newApp(), 'OneSync', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const database = new InventoryDatabase(stack, 'Query', { sync });
    database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    return { stack, database };
  },
  'a shared destination of listed accounts': () => {
    const stack = new Stack(newApp(), 'Listed', { env: ENV });
    const destination = new InventoryBucket(stack, 'Central', { prefix: 'inventory', sourceAccounts: ['444455556666'] });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, regions: ['us-east-1', 'eu-west-1'] });
    database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    return { stack, database };
  },
  'an organization-wide destination': () => {
    const stack = new Stack(newApp(), 'Organization', { env: ENV });
    const destination = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory-111122223333', organizationId: 'o-a1b2c3d4e5' });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, types: InventoryType.all() });
    database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    return { stack, database };
  },
};

/** The template of each case, built in the first test that uses it (see `fixture`): a case that throws fails the tests that use it, by name. */
const templates = Object.fromEntries(Object.entries(CASES).map(([name, build]) => [name, fixture(() => Template.fromStack(build().stack))]));
function templateOf(name: string): Template {
  return templates[name]();
}

test('a named query is made only when the database has a table for every table its SQL reads', () => {
  /** The named queries of a database of `types` (one sync, one account), by id, with the tables their SQL reads. */
  const queries = (types: InventoryType[]) => {
    const stack = new Stack(newApp(), 'Types', { env: ENV });
    new InventoryDatabase(stack, 'Query', { sync: new ResourceDataSync(stack, 'Inventory'), types });
    const template = Template.fromStack(stack);
    const tables = Object.values<any>(template.findResources('AWS::Glue::Table')).map(t => t.Properties.TableInput.Name);
    return Object.fromEntries(Object.values<any>(template.findResources('AWS::Athena::NamedQuery')).map(q => [
      q.Properties.Name.replace(/^[a-z0-9_]+-/, ''),
      tables.filter(table => new RegExp(`\\b(FROM|JOIN)\\s+${table}\\b`).test(q.Properties.QueryString)),
    ]));
  };
  // The types the queries read, and one they do not (the others of the defaults are like it).
  const types = [
    InventoryType.INSTANCE_INFORMATION, InventoryType.APPLICATION, InventoryType.PATCH_SUMMARY, InventoryType.COMPLIANCE_ITEM, InventoryType.TAG,
  ];
  const all = queries(types);
  expect(Object.keys(all)).toHaveLength(6);
  expect(Object.values(all).flat().sort()).toEqual(expect.arrayContaining(types.slice(0, 4).map(t => t.tableName)));
  for (const type of types) {
    const without = queries(types.filter(t => t !== type));
    // Every query that reads the left-out type's table is gone; every other one is still made.
    expect(Object.keys(without).sort()).toEqual(Object.keys(all).filter(id => !all[id].includes(type.tableName)).sort());
  }
  // The node list reads only AWS:InstanceInformation.
  expect(Object.keys(queries([InventoryType.INSTANCE_INFORMATION]))).toContain('managed-nodes');
  expect(queries([InventoryType.APPLICATION])).toEqual({});
});

describe.each(Object.keys(CASES))('%s', name => {
  let template: Template;
  beforeEach(() => { template = templateOf(name); });

  test('has the database, a table per type, the work group and the named queries', () => {
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.resourceCountIs('AWS::Athena::NamedQuery', 6);
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS' } },
      },
    });
    const tables = Object.values<any>(template.findResources('AWS::Glue::Table')).map(t => t.Properties.TableInput);
    for (const table of tables.filter(t => t.TableType === 'EXTERNAL_TABLE')) {
      const columns = table.StorageDescriptor.Columns.map((c: any) => c.Name);
      // No column collides with a partition key.
      expect(columns.filter((c: string) => ['accountid', 'region', 'resourcetype'].includes(c))).toEqual([]);
      expect(columns).toEqual(expect.arrayContaining(['resourceid', 'capturetime', 'schemaversion']));
      if (table.PartitionKeys) {
        expect(table.PartitionKeys.map((p: any) => p.Name)).toEqual(['accountid', 'region', 'resourcetype']);
        // The template ends in the resourcetype folder: the test.json probe (in accountid=<account>/) is never read.
        expect(JSON.stringify(table.Parameters['storage.location.template'])).toMatch(/accountid=\$\{accountid\}\/region=\$\{region\}\/resourcetype=\$\{resourcetype\}\/"/);
      }
    }
  });

  test('is valid against the CloudFormation registry schema of each new resource type', () => {
    const json = template.toJSON();
    for (const type of NEW_TYPES) expect(schemaErrors(json, type)).toEqual([]);
  });

  test('the results bucket: SSE-KMS, public access blocked, TLS enforced, results expiring', () => {
    const buckets = Object.entries<any>(template.findResources('AWS::S3::Bucket')).filter(([id]) => id.startsWith('QueryResults'));
    expect(buckets).toHaveLength(1);
    const props = buckets[0][1].Properties;
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(props.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 30, Status: 'Enabled' });
    const policy = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('"aws:SecureTransport":"false"');
  });
});

test('accountid: listed accounts are projected (enum), an organization is injected with _all views', () => {
  const param = (name: string, table: string) => Object.values<any>(templateOf(name).findResources('AWS::Glue::Table'))
    .map(t => t.Properties.TableInput).find(t => t.Name === table);
  expect(param('one sync in one account', 'aws_application').Parameters).toMatchObject({
    'projection.accountid.type': 'enum',
    'projection.accountid.values': '111122223333',
    'projection.region.type': 'enum',
    'projection.region.values': 'us-east-1',
  });
  expect(param('a shared destination of listed accounts', 'aws_application').Parameters).toMatchObject({
    'projection.accountid.values': '444455556666,111122223333', 'projection.region.values': 'us-east-1,eu-west-1',
  });
  expect(param('a shared destination of listed accounts', 'aws_application_all')).toBeUndefined();
  expect(param('an organization-wide destination', 'aws_application').Parameters['projection.accountid.type']).toBe('injected');
  // Per type: the injected table, the table of every file (no partitions) and the _all view over it.
  expect(param('an organization-wide destination', 'aws_application_files').PartitionKeys).toBeUndefined();
  expect(param('an organization-wide destination', 'aws_application_all')).toMatchObject({
    TableType: 'VIRTUAL_VIEW', Parameters: { presto_view: 'true' }, ViewExpandedText: '/* Presto View */',
  });
  expect(param('a shared destination of listed accounts', 'aws_application_files')).toBeUndefined();
  expect(Object.keys(templateOf('an organization-wide destination').findResources('AWS::Glue::Table'))).toHaveLength(3 * InventoryType.all().length);
  // The InstanceInformation attribute ResourceType is read into instanceresourcetype.
  expect(param('an organization-wide destination', 'aws_instanceinformation').StorageDescriptor.SerdeInfo.Parameters)
    .toMatchObject({ 'mapping.instanceresourcetype': 'resourcetype' });
  // Numbers where the schema says NUMBER.
  expect(param('an organization-wide destination', 'aws_patchsummary').StorageDescriptor.Columns).toEqual(
    expect.arrayContaining([{ Name: 'missingcount', Type: 'bigint' }, { Name: 'patchgroup', Type: 'string' }]));
});

/** The projected Regions of the aws_application table of a stack. */
function projectedRegions(stack: Stack): string[] {
  const table = Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table'))
    .map(t => t.Properties.TableInput).find(t => t.Name === 'aws_application');
  return table.Parameters['projection.region.values'].split(',');
}

describe('Regions: the organization\'s, or a fixed list that does not move with aws-cdk-lib', () => {
  const organization = (props: { syncDeployingAccount?: boolean } = {}) => {
    const { stack, inventory } = newOrganizationInventory({ regions: ['eu-west-1', 'eu-central-1'], ...props });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: inventory.destination });
    return { stack, database };
  };

  test('over an OrganizationInventory\'s destination: its Regions and the deploying account\'s sync\'s Region', () => {
    expect(projectedRegions(organization().stack)).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1']);
    expect(projectedRegions(organization({ syncDeployingAccount: false }).stack)).toEqual(['eu-west-1', 'eu-central-1']);
    // The _all views keep the same Regions.
    const view = Object.values<any>(Template.fromStack(organization().stack).findResources('AWS::Glue::Table'))
      .map(t => t.Properties.TableInput).find(t => t.Name === 'aws_application_all');
    const definition = JSON.parse(Buffer.from(/Presto View: (\S+) \*\//.exec(view.ViewOriginalText)![1], 'base64').toString());
    expect(definition.originalSql).toContain("contains(split('eu-west-1,eu-central-1,us-east-1', ','), region)");
    expect(definition).toMatchObject({ catalog: 'awsdatacatalog', schema: organization().database.databaseName });
  });

  test('a sync whose bucket only its account writes into: the sync\'s Region', () => {
    expect(projectedRegions(CASES['one sync in one account']().stack)).toEqual(['us-east-1']);
  });

  /** The Regions projected over a destination that does not know its syncs' Regions, in a stack of `region` (none: environment-agnostic). */
  const guess = (region?: string) => {
    const stack = new Stack(newApp(), 'Guess', { env: region ? { account: ENV.account, region } : undefined });
    const destination = new InventoryBucket(stack, 'Central', { sourceAccounts: ['444455556666'] });
    new InventoryDatabase(stack, 'Query', { inventoryBucket: destination });
    return projectedRegions(stack);
  };

  test('the fixed list of each partition is the Regions aws-cdk-lib 2.257.0 knows in it, with the stack\'s own Region, each once', () => {
    expect(guess('us-iso-east-1')).toEqual(['us-iso-east-1', 'us-iso-west-1']);
    expect(guess('us-isob-west-1')).toEqual(['us-isob-east-1', 'us-isob-west-1']);
    expect(guess('us-isof-south-1')).toEqual(['us-isof-east-1', 'us-isof-south-1']);
    // A Region launched since (here a made-up code of the partition's form): the partition's list and it.
    expect(guess('eu-isoe-west-2')).toEqual(['eu-isoe-west-1', 'eu-isoe-west-2']);
    expect(guess('eusc-de-east-2')).toEqual(['eusc-de-east-1', 'eusc-de-east-2']);
    // A stack whose Region is known only at deploy time: the aws list alone, no reference to its Region.
    expect(guess()).toEqual(guess('us-east-1'));
  });

  test('a destination that does not know its syncs\' Regions: the fixed list of the partition, with the stack\'s Region', () => {
    const commercial = guess('us-east-1');
    expect(commercial).toHaveLength(34);
    expect(commercial).toEqual([...commercial].sort());
    // A Region newer than the list is projected when it is the stack's own.
    expect(guess('ap-southeast-9')).toEqual([...commercial, 'ap-southeast-9'].sort());
    expect(guess('cn-north-1')).toEqual(['cn-north-1', 'cn-northwest-1']);
    // Taken on the aws-cdk-lib floor and on the newest (npx projen test:compat), the snapshot is the same.
    expect({ commercial, china: guess('cn-north-1'), govCloud: guess('us-gov-west-1') }).toMatchSnapshot();
  });
});

describe('a large enum projection of accounts is warned about, with the design that scales', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));
  const warnings = (list: InventoryAccounts) => {
    const stack = new Stack(newApp(), 'Large', { env: ENV });
    const bucket = s3.Bucket.fromBucketName(stack, 'Central', 'central-inventory-111122223333');
    new InventoryDatabase(stack, 'Query', { bucket, accounts: list, regions: ['us-east-1'] });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('queryAccountsEnumTooLarge'));
  };

  test('1,000 listed accounts: a warning that names InventoryAccounts.organization()', () => {
    const found = warnings(InventoryAccounts.listed(accounts(1000)));
    expect(found).toHaveLength(1);
    expect(found[0].id).toBe('/Large/Query');
    expect(String(found[0].entry.data)).toMatch(/enum of 1000 accounts \(accounts\).*a few dozen.*InventoryAccounts\.organization\(\).*each type gets an _all view for queries across all accounts\./);
  });

  test('51 accounts the destination knows (its sourceAccounts): the warning says where they come from', () => {
    const stack = new Stack(newApp(), 'Large', { env: ENV });
    const destination = new InventoryBucket(stack, 'Central', { sourceAccounts: accounts(50) });
    new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, regions: ['us-east-1'] });
    const found = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('queryAccountsEnumTooLarge'));
    expect(found.map(w => String(w.entry.data))).toEqual([expect.stringMatching(/enum of 51 accounts \(the accounts the destination knows\)/)]);
  });

  test.each([[50, 0], [51, 1]])('%d listed accounts: %d warnings', (n, expected) => {
    expect(warnings(InventoryAccounts.listed(accounts(n)))).toHaveLength(expected);
  });

  test('organization(): none', () => {
    expect(warnings(InventoryAccounts.organization())).toHaveLength(0);
  });
});

test('grantQuery: Athena on the work group, Glue reads, data read, results read/write, KMS', () => {
  const policies = JSON.stringify(templateOf('one sync in one account').findResources('AWS::IAM::Policy'));
  for (const action of ['athena:StartQueryExecution', 'athena:GetQueryResults', 'glue:GetTable', 'glue:GetPartitions', 's3:GetObject', 's3:PutObject', 'kms:Decrypt', 'kms:GenerateDataKey*']) {
    expect(policies).toContain(`"${action}"`);
  }
  expect(policies).toContain(':workgroup/');
  expect(policies).toContain(':table/');
});

test('cfn-lint finds nothing in the three templates', () => {
  const { status, output } = cfnLintTemplates(Object.fromEntries(Object.keys(CASES).map(name => [name, templateOf(name)])));
  expect(output).toBe('');
  expect(status).toBe(0);
});

/*
 * cdk-nag AwsSolutions: the query layer adds no finding of its own but S1 (the results bucket has no
 * server access logs unless resultsServerAccessLogsBucket is given), acknowledged with its reason.
 */
testWithNag.each(Object.keys(CASES))('cdk-nag: %s has nothing beyond S1 (acknowledged)', name => {
  const { stack, database } = CASES[name]();
  const findings = () => new AwsSolutionsChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.locations?.[0] ?? ''}`));
  const reason = 'No server access logs bucket was given: access logs need a second bucket that the user chooses; resultsServerAccessLogsBucket (and serverAccessLogsBucket for the destination) turn them on.';
  Validations.of(database.resultsBucket).acknowledge({ id: 'AwsSolutions-S1', reason });
  const destination = stack.node.findAll().find(c => c instanceof s3.Bucket && !c.node.path.includes('/Query/'));
  if (destination) Validations.of(destination).acknowledge({ id: 'AwsSolutions-S1', reason });
  const left = findings();
  // IAM5 (the analyst role's policy only): the grants' own wildcards, table/<database>/*, the objects
  // under the prefix and in the results bucket, and aws-cdk-lib's grantReadWrite action groups
  // (s3:GetObject*, kms:GenerateDataKey*, ...). Kept in the snapshot, so that a new one shows.
  expect(left.filter(f => !f.startsWith('AwsSolutions-IAM5'))).toEqual([]);
  expect(left).toMatchSnapshot();
});

test('resultsServerAccessLogsBucket answers S1 for the results bucket', () => {
  const stack = new Stack(newApp(), 'Logs', { env: ENV });
  const logs = new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ serverAccessLogsBucket: logs }) });
  new InventoryDatabase(stack, 'Query', { sync, resultsServerAccessLogsBucket: logs });
  expect(new AwsSolutionsChecks().validateScope(stack).violations.map(v => v.ruleName)).toEqual([]);
});

describe('bad input is a clear error at synth', () => {
  const errors = (props: (stack: Stack) => any) => {
    const stack = new Stack(newApp(), 'Bad', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    new InventoryDatabase(stack, 'Query', { sync, ...props(stack) });
    return synthErrors(stack);
  };

  test.each([
    ['an unknown type name', () => ({ types: [InventoryType.fromTypeName('AWS:Registry')] }), /types: "AWS:Registry" is not an AWS inventory type; use one of .*AWS:WindowsRegistry/],
    ['a custom type without columns', () => ({ types: [InventoryType.custom('Custom:Rack', [])] }), /the custom type "Custom:Rack" has no columns/],
    ['a custom type name without Custom:', () => ({ types: [InventoryType.custom('Rack', [{ attributeName: 'Location' }])] }), /custom type name "Rack" is not "Custom:"/],
    ['an invalid column name', () => ({ types: [InventoryType.custom('Custom:Rack', [{ attributeName: 'Rack-Location' }])] }), /column "rack-location" \(attribute "Rack-Location"\) is not a valid Glue\/Athena column name.*"rack_location"/],
    ['a partition column collision', () => ({ types: [InventoryType.custom('Custom:Rack', [{ attributeName: 'Region' }])] }), /column "region" collides with the partition column.*"regionattribute"/],
    ['a duplicate type', () => ({ types: [InventoryType.APPLICATION, InventoryType.fromTypeName('AWS:Application')] }), /types lists "AWS:Application" twice/],
    ['a scan limit below Athena\'s minimum', () => ({ bytesScannedCutoffPerQuery: Size.mebibytes(5) }), /bytesScannedCutoffPerQuery is 5242880 bytes; Athena's smallest per-query limit is 10000000 bytes/],
    ['an invalid database name', () => ({ databaseName: 'My-Inventory' }), /databaseName "My-Inventory" is not a name Athena can query.*"my_inventory"/],
    ['an invalid account', () => ({ accounts: InventoryAccounts.listed(['1234']) }), /accounts\[0\] "1234" is not an AWS account id/],
    ['an invalid Region', () => ({ regions: ['us-east'] }), /regions\[0\] "us-east" is not/],
    ['a removal policy buckets and keys do not take', () => ({ removalPolicy: RemovalPolicy.SNAPSHOT }), /removalPolicy is SNAPSHOT, which S3 buckets and KMS keys do not support/],
  ])('%s', (_, props, message) => {
    expect(errors(props)).toMatch(message);
    expect(errors(props)).toMatch(/\[Bad\/Query\]/);
  });

  test('all problems at once', () => {
    const message = errors(() => ({ types: [InventoryType.custom('Custom:A', [])], bytesScannedCutoffPerQuery: Size.bytes(1) }));
    expect(message).toMatch(/no columns/);
    expect(message).toMatch(/bytesScannedCutoffPerQuery/);
  });

  test('exactly one of sync, inventoryBucket, bucket; an Explorer sync has no data', () => {
    const stack = new Stack(newApp(), 'Bad', { env: ENV });
    new InventoryDatabase(stack, 'None');
    const ops = new ResourceDataSync(stack, 'Ops', { source: SyncSource.singleAccount({ regions: ['us-east-1'] }) });
    new InventoryDatabase(stack, 'Explorer', { sync: ops });
    const message = synthErrors(stack);
    expect(message).toMatch(/\[Bad\/None\] none of sync, inventoryBucket and bucket is given; give exactly one/);
    expect(message).toMatch(/\[Bad\/Explorer\] sync Bad\/Ops is a SyncFromSource sync, which writes no Inventory to S3/);
  });

  test('a custom type with a renamed column and a number reads as declared', () => {
    const stack = new Stack(newApp(), 'Custom', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    new InventoryDatabase(stack, 'Query', {
      sync,
      types: [InventoryType.custom('Custom:Rack', [{ attributeName: 'Region', columnName: 'rackregion' }, { attributeName: 'Units', type: InventoryColumnType.BIGINT }])],
    });
    expect(synthErrors(stack)).toBe('');
    const table = Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table'))[0].Properties.TableInput;
    expect(table.Name).toBe('custom_rack');
    expect(table.StorageDescriptor.Columns.slice(0, 2)).toEqual([{ Name: 'rackregion', Type: 'string' }, { Name: 'units', Type: 'bigint' }]);
    expect(table.StorageDescriptor.SerdeInfo.Parameters['mapping.rackregion']).toBe('region');
  });
});

describe('the results, the work group and the catalog', () => {
  const build = (props: Partial<InventoryDatabaseProps> = {}, id = 'Query') => {
    const stack = new Stack(newApp(), 'Options', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const database = new InventoryDatabase(stack, id, { sync, ...props });
    return { stack, database };
  };
  const logicalId = (construct: IConstruct) =>
    Stack.of(construct).resolve((construct instanceof CfnElement ? construct : construct.node.defaultChild as CfnElement).logicalId);
  const resourceOf = (stack: Stack, construct: IConstruct) => Template.fromStack(stack).toJSON().Resources[logicalId(construct)];

  test('the results bucket and key are kept when the stack is deleted, unless removalPolicy is DESTROY', () => {
    const policies = (props: Partial<InventoryDatabaseProps>) => {
      const { stack, database } = build(props);
      return [database.resultsBucket, database.resultsEncryptionKey].map(c => resourceOf(stack, c).DeletionPolicy);
    };
    expect(policies({})).toEqual(['Retain', 'Retain']);
    expect(policies({ removalPolicy: RemovalPolicy.RETAIN })).toEqual(['Retain', 'Retain']);
    expect(policies({ removalPolicy: RemovalPolicy.DESTROY })).toEqual(['Delete', 'Delete']);
  });

  test('query results expire after 30 days, or after resultsExpiration; unfinished uploads after 1 day; S3 Bucket Key on', () => {
    const bucketOf = (props: Partial<InventoryDatabaseProps>) => {
      const { stack, database } = build(props);
      return resourceOf(stack, database.resultsBucket).Properties;
    };
    const bucket = bucketOf({});
    expect(bucket.LifecycleConfiguration.Rules).toEqual([
      { Id: 'ExpireQueryResults', Status: 'Enabled', ExpirationInDays: 30, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([expect.objectContaining({ BucketKeyEnabled: true })]);
    expect(bucketOf({ resultsExpiration: Duration.days(7) }).LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(7);
  });

  test('a resultsExpiration that is not whole days is reported at synth, by name, not thrown while the app is built', () => {
    let stack: Stack | undefined;
    expect(() => { stack = build({ resultsExpiration: Duration.hours(36) }).stack; }).not.toThrow();
    expect(synthErrors(stack!)).toMatch(/\[Options\/Query\] resultsExpiration is .*; S3 lifecycle rules count whole days/);
  });

  test('the work group enforces its configuration: engine version 3, the scan limit, CloudWatch metrics, results encrypted with the results key, no requester pays', () => {
    const { stack, database } = build();
    const workGroup = resourceOf(stack, database.workGroup).Properties;
    expect(workGroup).toMatchObject({ Name: database.workGroupName, State: 'ENABLED', RecursiveDeleteOption: true });
    expect(workGroup.WorkGroupConfiguration).toEqual({
      EnforceWorkGroupConfiguration: true,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      PublishCloudWatchMetricsEnabled: true,
      RequesterPaysEnabled: false,
      ResultConfiguration: {
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(database.resultsBucket) }, '/']] },
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [logicalId(database.resultsEncryptionKey), 'Arn'] } },
      },
    });
  });

  test('each resource says in the console what it is for', () => {
    const { stack, database } = build();
    expect(resourceOf(stack, database.resultsEncryptionKey).Properties.Description).toBe('Encrypts the Athena query results of Options/Query');
    expect(resourceOf(stack, database.workGroup).Properties.Description)
      .toBe(`Queries of the AWS Systems Manager Inventory in the Glue database ${database.databaseName}`);
    expect(resourceOf(stack, database.database).Properties.DatabaseInput.Description)
      .toBe('AWS Systems Manager Inventory written by resource data sync, one table per inventory type');
  });

  test('the default names: from the construct path, within Athena\'s and Glue\'s limits and alphabets', () => {
    const { database } = build({}, 'Query'.repeat(40));
    expect(database.workGroupName.length).toBeLessThanOrEqual(128);
    expect(database.workGroupName).toMatch(/^Options-(Query)+-?[A-Za-z0-9-]*$/);
    expect(database.databaseName.length).toBeLessThanOrEqual(64);
    expect(database.databaseName).toMatch(/^options_(query)+_?[a-z0-9_]*$/);
  });

  test('tableFor() and namedQuery(): the table of a type, an organization\'s _all view, a named query by id', () => {
    const { database } = build();
    expect(database.tableFor(InventoryType.APPLICATION)?.tableInput).toMatchObject({ name: 'aws_application', tableType: 'EXTERNAL_TABLE' });
    expect(database.tableFor(InventoryType.APPLICATION, true)).toBeUndefined();
    expect(database.tableFor(InventoryType.fromTypeName('AWS:WindowsRegistry'))).toBeUndefined();
    expect(database.namedQuery('managed-nodes')?.queryString).toContain('aws_instanceinformation');
    expect(database.namedQuery('no-such-query')).toBeUndefined();
    const organization = CASES['an organization-wide destination']().database;
    expect(organization.tableFor(InventoryType.APPLICATION, true)?.tableInput).toMatchObject({ name: 'aws_application_all', tableType: 'VIRTUAL_VIEW' });
    expect(organization.namedQuery('managed-nodes')?.queryString).toContain('aws_instanceinformation_all');
  });

  test('grantQuery: the Glue catalog, the database and its tables, by ARN', () => {
    const { stack, database } = build();
    database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    for (const arn of [':glue:us-east-1:111122223333:catalog"', `:glue:us-east-1:111122223333:database/${database.databaseName}"`, `:glue:us-east-1:111122223333:table/${database.databaseName}/*"`]) {
      expect(policies).toContain(arn);
    }
  });

  test('an InventoryHistory over the database reads the database\'s bucket, prefix and key', () => {
    const stack = new Stack(newApp(), 'History', { env: ENV });
    const destination = new InventoryBucket(stack, 'Central', { prefix: 'inventory' });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: destination });
    new InventoryHistory(stack, 'History', { database });
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).toContain(`{"Fn::GetAtt":["${logicalId(destination.bucket)}","Arn"]},"/inventory/*"`);
    expect(policies).toContain(`{"Fn::GetAtt":["${logicalId(destination.encryptionKey!)}","Arn"]}`);
  });
});

describe('where the data is: sync, InventoryBucket or bucket', () => {
  const stackOf = () => new Stack(newApp(), 'Where', { env: ENV });
  const tableOf = (stack: Stack, name = 'aws_application') => Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table'))
    .map(t => t.Properties.TableInput).find(t => t.Name === name);
  const FIXED_AWS = 34;
  const logicalId = (construct: IConstruct) => Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId);

  test('a sync whose bucket others write into too: the Regions of the bucket, not only the sync\'s', () => {
    const shared = (props: InventoryBucketProps) => {
      const stack = stackOf();
      const destination = new InventoryBucket(stack, 'Central', props);
      const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
      new InventoryDatabase(stack, 'Query', { sync });
      return tableOf(stack).Parameters;
    };
    expect(shared({ sourceAccounts: ['444455556666'] })['projection.region.values'].split(',')).toHaveLength(FIXED_AWS);
    expect(shared({ organizationId: 'o-a1b2c3d4e5' })['projection.region.values'].split(',')).toHaveLength(FIXED_AWS);
    // Accounts known only at deploy time: the accounts are unknown too, so accountid is injected.
    const stack = stackOf();
    const accounts = new CfnParameter(stack, 'Accounts', { type: 'List<String>' }).valueAsList;
    const destination = new InventoryBucket(stack, 'Central', { sourceAccounts: accounts });
    const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
    new InventoryDatabase(stack, 'Query', { sync });
    expect(tableOf(stack).Parameters['projection.accountid.type']).toBe('injected');
    expect(tableOf(stack, 'aws_application_all')).toBeDefined();
    expect(tableOf(stack).Parameters['projection.region.values'].split(',')).toHaveLength(FIXED_AWS);
  });

  test('a sync in a stack whose Region is known only at deploy time: the partition\'s fixed list', () => {
    const stack = new Stack(newApp(), 'Agnostic');
    const sync = new ResourceDataSync(stack, 'Inventory');
    new InventoryDatabase(stack, 'Query', { sync });
    expect(tableOf(stack).Parameters['projection.region.values'].split(',')).toHaveLength(FIXED_AWS);
  });

  test('a sync into a bucket made elsewhere: the sync\'s account and Region', () => {
    const stack = stackOf();
    const bucket = s3.Bucket.fromBucketName(stack, 'Theirs', 'their-inventory');
    const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromBucket(bucket) });
    new InventoryDatabase(stack, 'Query', { sync });
    expect(tableOf(stack).Parameters).toMatchObject({ 'projection.accountid.type': 'enum', 'projection.accountid.values': '111122223333', 'projection.region.values': 'us-east-1' });
  });

  test('a Region this aws-cdk-lib does not know: a warning that names regions, and the Region projected', () => {
    const stack = stackOf();
    const bucket = s3.Bucket.fromBucketName(stack, 'Theirs', 'their-inventory');
    new InventoryDatabase(stack, 'Query', { bucket, regions: ['us-east-1', 'ap-southeast-9'] });
    const found = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('unknownRegion'));
    expect(found.map(w => String(w.entry.data))).toEqual([expect.stringMatching(/^regions "ap-southeast-9" is a Region this version of aws-cdk-lib does not know/)]);
    expect(tableOf(stack).Parameters['projection.region.values']).toBe('us-east-1,ap-southeast-9');
  });

  test('a bucket made elsewhere, with no accounts given: its accounts are unknown, so accountid is injected, with _all views', () => {
    const stack = stackOf();
    const bucket = s3.Bucket.fromBucketName(stack, 'Theirs', 'their-inventory');
    new InventoryDatabase(stack, 'Query', { bucket, regions: ['us-east-1'] });
    expect(tableOf(stack).Parameters['projection.accountid.type']).toBe('injected');
    expect(tableOf(stack, 'aws_application_all')).toMatchObject({ TableType: 'VIRTUAL_VIEW' });
  });

  test('a bucket with its own KMS key: the grants decrypt with it, unless encryptionKey names another', () => {
    const decryptKeys = (other: boolean) => {
      const stack = stackOf();
      const key = new kms.Key(stack, 'BucketKey');
      const bucket = new s3.Bucket(stack, 'Theirs', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
      const otherKey = other ? new kms.Key(stack, 'Other') : undefined;
      const database = new InventoryDatabase(stack, 'Query', { bucket, regions: ['us-east-1'], encryptionKey: otherKey });
      database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
      const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
        .flatMap(p => p.Properties.PolicyDocument.Statement);
      const keys = statements.filter(s => [s.Action].flat().includes('kms:Decrypt')).flatMap(s => [s.Resource].flat())
        .map(r => r['Fn::GetAtt']?.[0]).filter((id: string) => id !== logicalId(database.resultsEncryptionKey));
      return { keys, bucketKey: logicalId(key), otherKey: otherKey && logicalId(otherKey) };
    };
    const own = decryptKeys(false);
    expect(own.keys).toEqual([own.bucketKey]);
    const other = decryptKeys(true);
    expect(other.keys).toEqual([other.otherKey]);
  });

  test('an organization\'s Regions known only at deploy time: the projection and the _all view\'s definition are built at deploy', () => {
    const stack = new Stack(newApp(), 'Org', { env: ENV });
    const regions = new CfnParameter(stack, 'Regions', { type: 'List<String>' }).valueAsList;
    const destination = new InventoryBucket(stack, 'Central', { organizationId: 'o-a1b2c3d4e5' });
    new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, regions });
    const table = tableOf(stack);
    expect(table.Parameters['projection.region.values']).toEqual({ 'Fn::Join': [',', { Ref: 'Regions' }] });
    const view = tableOf(stack, 'aws_application_all').ViewOriginalText;
    expect(view['Fn::Join'][0]).toBe('');
    expect(view['Fn::Join'][1][0]).toBe('/* Presto View: ');
    expect(view['Fn::Join'][1][2]).toBe(' */');
    expect(JSON.stringify(view['Fn::Join'][1][1]['Fn::Base64'])).toContain('{"Ref":"Regions"}');
  });

  test('two of sync, inventoryBucket and bucket; prefix or encryptionKey beside a sync or an InventoryBucket; a bad prefix: errors that name them', () => {
    const stack = stackOf();
    const sync = new ResourceDataSync(stack, 'Inventory');
    const bucket = s3.Bucket.fromBucketName(stack, 'Theirs', 'their-inventory');
    const destination = new InventoryBucket(stack, 'Central');
    new InventoryDatabase(stack, 'Two', { sync, bucket });
    new InventoryDatabase(stack, 'SyncPrefix', { sync, prefix: 'inventory' });
    new InventoryDatabase(stack, 'BucketKey', { inventoryBucket: destination, encryptionKey: new kms.Key(stack, 'Key') });
    new InventoryDatabase(stack, 'BadPrefix', { bucket, prefix: '/inventory/' });
    const message = synthErrors(stack);
    expect(message).toMatch(/\[Where\/Two\] sync and bucket of sync, inventoryBucket and bucket are given; give exactly one/);
    expect(message).toMatch(/\[Where\/SyncPrefix\] prefix and encryptionKey are only for a bucket; the sync gives its own\. Leave them out\./);
    expect(message).toMatch(/\[Where\/BucketKey\] prefix and encryptionKey are only for a bucket; the inventoryBucket gives its own/);
    expect(message).toMatch(/\[Where\/BadPrefix\] prefix "\/inventory\/" starts or ends with "\/"/);
    // A bucket's prefix is its own to give.
    expect(message).not.toMatch(/\[Where\/BadPrefix\] prefix and encryptionKey are only for a bucket/);
  });
});
