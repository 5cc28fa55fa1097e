import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DestinationDataSharingType, InventoryBucket, ResourceDataSync, ResourceDataSyncProps, SyncDestination, SyncSource,
} from '../../src';
import { MAX_INLINE_CODE, inlineHandlerCode } from '../../src/inline-code';
import { cfnLint } from '../cfn-lint';
import { schemaErrors } from '../schema';
import { newApp, synthErrors, testWithNag } from '../util';

const env = { account: '111122223333', region: 'us-east-1' };
const ORG = 'o-a1b2c3d4e5';
const DDS = DestinationDataSharingType.ORGANIZATION;
const CR = 'Custom::SSMResourceDataSync';

function stackWith(...props: ResourceDataSyncProps[]): Stack {
  const stack = new Stack(newApp(), 'Stack', { env });
  props.forEach((p, i) => new ResourceDataSync(stack, `Sync${i}`, p));
  return stack;
}

function syncName(props: ResourceDataSyncProps): string {
  const stack = stackWith(props);
  const template = Template.fromStack(stack).toJSON();
  const resource: any = Object.values(template.Resources).find((r: any) => r.Type === CR || r.Type === 'AWS::SSM::ResourceDataSync');
  return resource.Properties.SyncName;
}

describe('a sync that sets neither field', () => {
  test.each([
    ['Inventory', {}],
    ['Explorer', { source: SyncSource.singleAccount({ regions: ['us-east-1'], includeFutureRegions: true }) }],
  ])('%s: the CloudFormation resource, no custom resource, no function', (_, props) => {
    const template = Template.fromStack(stackWith(props));
    template.resourceCountIs('AWS::SSM::ResourceDataSync', 1);
    template.resourceCountIs(CR, 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });
});

describe('destinationDataSharing', () => {
  let stack: Stack;
  let template: Template;
  let sync: ResourceDataSync;
  beforeEach(() => {
    stack = stackWith({ destinationDataSharing: DDS, destination: SyncDestination.newBucket({ organizationId: ORG, prefix: 'inventory' }) });
    template = Template.fromStack(stack);
    sync = stack.node.findChild('Sync0') as ResourceDataSync;
  });

  test('makes the sync through the API: the custom resource with the API request, no AWS::SSM::ResourceDataSync', () => {
    template.resourceCountIs('AWS::SSM::ResourceDataSync', 0);
    template.hasResourceProperties(CR, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResourceDataSyncApiHandlerFunction'), 'Arn'] },
      ServiceTimeout: '900',
      SyncName: Match.stringLikeRegexp('^Stack-Sync0-[0-9A-F]{8}-[0-9a-f]{8}$'),
      SyncType: 'SyncToDestination',
      S3Destination: {
        BucketName: { Ref: Match.stringLikeRegexp('^Sync0Bucket') },
        Prefix: 'inventory',
        SyncFormat: 'JsonSerDe',
        Region: 'us-east-1',
        AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Sync0Key'), 'Arn'] },
        DestinationDataSharing: { DestinationDataSharingType: 'Organization' },
      },
      SyncSource: Match.absent(),
    });
  });

  test('depends on the bucket policy, like the CloudFormation resource', () => {
    const [resource] = Object.values(template.findResources(CR));
    expect(resource.DependsOn).toEqual([expect.stringMatching(/^Sync0BucketPolicy/)]);
  });

  test('syncName and syncArn come from the custom resource (its physical id is the name)', () => {
    const [logicalId] = Object.keys(template.findResources(CR));
    expect(stack.resolve(sync.syncName)).toEqual({ Ref: logicalId });
    expect(JSON.stringify(stack.resolve(sync.syncArn))).toContain(`{"Ref":"${logicalId}"}`);
  });

  test('the handler: inline code (no asset) on Node.js 24, at most 4096 characters', () => {
    const code = inlineHandlerCode(path.join(__dirname, '..', '..', 'src', 'api-sync'));
    expect(code.length).toBeLessThanOrEqual(MAX_INLINE_CODE);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { ZipFile: code }, Timeout: 840 });
  });

  test('least privilege: create, update, delete on this account\'s and Region\'s syncs; list (no resource type); its own log group', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^ResourceDataSyncApiHandlerRole') } }))[0];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ResourceDataSyncApiHandlerLogs/), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['ssm:CreateResourceDataSync', 'ssm:DeleteResourceDataSync', 'ssm:UpdateResourceDataSync'],
        Resource: 'arn:aws:ssm:us-east-1:111122223333:resource-data-sync/*',
      },
      { Effect: 'Allow', Action: 'ssm:ListResourceDataSync', Resource: '*' },
      // Only its own stack's status: whether an Update is CloudFormation's rollback.
      { Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } },
    ]);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  test('cfn-lint passes, and the remaining AWS::SSM::ResourceDataSync resources (none) meet the registry schema', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-api-'));
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template.toJSON()));
    // W3005: aws-cdk-lib's lambda.Function depends on its role (and the role's policy) explicitly,
    // so that the policy exists before the function runs; cfn-lint calls the role part redundant.
    expect(cfnLint([file], ['--ignore-checks', 'W3005']).output).toBe('');
    expect(schemaErrors(template.toJSON())).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

test('enableAllOpsDataSources, true or false: the API path with the flag as a boolean; OUs as the API\'s objects', () => {
  for (const flag of [true, false]) {
    const template = Template.fromStack(stackWith({ source: SyncSource.organizationalUnits(['ou-ab12-cdef3456'], { regions: ['us-east-1'], enableAllOpsDataSources: flag }) }));
    template.resourceCountIs('AWS::SSM::ResourceDataSync', 0);
    template.hasResourceProperties(CR, {
      SyncType: 'SyncFromSource',
      S3Destination: Match.absent(),
      SyncSource: {
        SourceType: 'AwsOrganizations',
        AwsOrganizationsSource: { OrganizationSourceType: 'OrganizationalUnits', OrganizationalUnits: [{ OrganizationalUnitId: 'ou-ab12-cdef3456' }] },
        SourceRegions: ['us-east-1'],
        EnableAllOpsDataSources: flag,
      },
    });
  }
});

test('one handler (function, role, log group) serves all API syncs of a stack', () => {
  const template = Template.fromStack(stackWith(
    { source: SyncSource.singleAccount({ regions: ['us-east-1'], enableAllOpsDataSources: true }) },
    { source: SyncSource.entireOrganization({ regions: ['us-east-1'], enableAllOpsDataSources: true }) },
  ));
  template.resourceCountIs(CR, 2);
  template.resourceCountIs('AWS::Lambda::Function', 1);
  template.resourceCountIs('AWS::Logs::LogGroup', 1);
});

describe('names: every switch that creates a new sync gets a new name', () => {
  const source = (enableAllOpsDataSources?: boolean, regions = ['us-east-1']) => ({ source: SyncSource.singleAccount({ regions, enableAllOpsDataSources }) });
  test('CloudFormation to API (and back) changes the name', () => {
    expect(syncName(source(true))).not.toBe(syncName(source()));
  });
  test('the flag and the Regions change in place: same name', () => {
    expect(syncName(source(true))).toBe(syncName(source(false)));
    expect(syncName(source(true))).toBe(syncName(source(true, ['us-east-1', 'eu-west-1'])));
  });
  test('destination data sharing on or off changes the name', () => {
    const destination = () => SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' });
    expect(syncName({ destination: destination(), destinationDataSharing: DDS })).not.toBe(syncName({ destination: destination() }));
  });
});

test('asset-free: the API sync synthesizes with the BootstraplessSynthesizer (a StackSet member template) and no file asset', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rds-api-member-')) });
  const stack = new Stack(app, 'Member', { synthesizer: new BootstraplessSynthesizer() });
  new ResourceDataSync(stack, 'Inventory', {
    destinationDataSharing: DDS, destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1', prefix: 'inventory' }),
  });
  const assembly = app.synth();
  const artifact = assembly.getStackByName('Member');
  expect(artifact.assets).toEqual([]);
  expect(Object.values(artifact.template.Resources).map((r: any) => r.Type)).toContain(CR);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

/** cdk-nag's findings on the handler, each acknowledged with its reason (listed in the README). */
const API_HANDLER_ACKNOWLEDGMENTS = [
  { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ssm:ListResourceDataSync has no resource type: it takes only "*".' },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:aws:ssm:us-east-1:111122223333:resource-data-sync/*]',
    reason: 'Create/Update/Delete are held to the resource data syncs of the stack\'s account and Region: a replacement deletes the old sync '
      + '(another name) after the policy was updated for the new one, and a user-given name may be anything.',
  },
];

testWithNag('cdk-nag: IAM5 (wildcards with reasons) only, acknowledged; the runtime is the newest (no L1)', () => {
  const stack = stackWith({ destinationDataSharing: DDS, destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) });
  const findings = () => new AwsSolutionsChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.locations?.[0] ?? ''}`));
  expect(findings().map(f => f.split(/[[ ]/)[0]).sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-IAM5']);
  for (const acknowledgment of API_HANDLER_ACKNOWLEDGMENTS) Validations.of(stack.node.findChild('ResourceDataSyncApiHandler')).acknowledge(acknowledgment);
  expect(findings()).toEqual([]);
});

describe('rules: each is a clear error at synth', () => {
  test('destinationDataSharing must be a DestinationDataSharingType', () => {
    expect(synthErrors(stackWith({ destination: SyncDestination.newBucket({ organizationId: ORG }), destinationDataSharing: 'Org' as any })))
      .toMatch(/destinationDataSharing "Org" is not one of "Organization". Use DestinationDataSharingType.ORGANIZATION/);
  });

  test('destinationDataSharing only on a SyncToDestination sync', () => {
    expect(synthErrors(stackWith({ source: SyncSource.singleAccount({ regions: ['us-east-1'] }), destinationDataSharing: DDS })))
      .toMatch(/\[Stack\/Sync0\] destinationDataSharing is given but the sync is a SyncFromSource \(Explorer\) sync/);
  });

  test('destinationDataSharing needs a bucket policy that grants the organization', () => {
    expect(synthErrors(stackWith({ destinationDataSharing: DDS }))).toMatch(/does not grant the organization, so the first sync would fail. Use an InventoryBucket \(or SyncDestination\.newBucket\) with the property organizationId \(o-\.\.\.\), which adds/);
    const stack = new Stack(newApp(), 'Stack', { env });
    new ResourceDataSync(stack, 'Sync', { destinationDataSharing: DDS, destination: SyncDestination.fromBucket(new s3.Bucket(stack, 'Mine')) });
    expect(synthErrors(stack)).toMatch(/bucket policy of Stack\/Mine does not grant the organization/);
    const ok = new Stack(newApp(), 'Stack', { env });
    new ResourceDataSync(ok, 'Sync', { destinationDataSharing: DDS, destination: SyncDestination.fromInventoryBucket(new InventoryBucket(ok, 'Central', { organizationId: ORG })) });
    expect(synthErrors(ok)).toBe('');
  });

  test('a bucket not in this app: a warning with the statements AWS documents', () => {
    const stack = stackWith({ destinationDataSharing: DDS, destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) });
    Annotations.fromStack(stack).hasWarning('/Stack/Sync0', Match.stringLikeRegexp('aws:SourceOrgID.*organizationBucketPolicyNotManaged'));
  });

  test('one organizations-based sync per account and Region', () => {
    const destination = () => SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' });
    const props = () => ({ destination: destination(), destinationDataSharing: DDS });
    expect(synthErrors(stackWith(props(), props())))
      .toMatch(/\[Stack\/Sync1\] destinationDataSharing: Stack\/Sync0 is already an organizations-based sync for account 111122223333 and Region us-east-1/);
  });

  test('enableAllOpsDataSources must be a boolean', () => {
    expect(synthErrors(stackWith({ source: SyncSource.singleAccount({ regions: ['us-east-1'], enableAllOpsDataSources: 'false' as any }) })))
      .toMatch(/source enableAllOpsDataSources "false" is not a boolean/);
  });

  test('enableAllOpsDataSources needs OU ids known at synth time (the API takes one object per OU)', () => {
    const ous = Token.asList({ Ref: 'Ous' });
    expect(synthErrors(stackWith({ source: SyncSource.organizationalUnits(ous, { regions: ['us-east-1'], enableAllOpsDataSources: true }) })))
      .toMatch(/source organizationalUnits is a token list/);
  });
});
