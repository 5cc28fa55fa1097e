import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { cfnLint } from './cfn-lint';
import { evaluatePolicy } from './iam/evaluate';
import { resolveTemplatePolicies } from './iam/template-policies';
import { schemaErrors } from './schema';
import { newApp, newStack, synthErrors } from './util';
import {
  InventoryBucket, OrganizationInventory, OrganizationInventoryProps, RegionConcurrency, ResourceDataSync, StackSetCallAs, SyncDestination,
} from '../src';

const CENTRAL = { account: '111122223333', region: 'us-east-1' };
const ORG = 'o-a1b2c3d4e5';
const BASE: OrganizationInventoryProps = {
  organizationId: ORG,
  organizationalUnits: ['r-ab12'],
  regions: ['us-east-1', 'eu-west-1'],
  bucketName: 'org-inventory-111122223333',
  prefix: 'inventory',
};

function organization(props: Partial<OrganizationInventoryProps> = {}) {
  const stack = newStack({ env: CENTRAL });
  const construct = new OrganizationInventory(stack, 'Organization', { ...BASE, ...props });
  return { stack, construct };
}

function stackSetOf(stack: Stack): any {
  return Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'))[0];
}

describe('the StackSet', () => {
  let stack: Stack;
  let stackSet: any;
  beforeEach(() => {
    stack = organization().stack;
    stackSet = stackSetOf(stack);
  });

  test('is service-managed, deploys automatically to the targets and Regions, and deletes syncs of accounts that leave', () => {
    expect(stackSet.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      OperationPreferences: { MaxConcurrentPercentage: 25, FailureTolerancePercentage: 25, ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE', RegionConcurrencyType: 'SEQUENTIAL' },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['us-east-1', 'eu-west-1'] }],
      Parameters: [{ ParameterKey: 'InventoryKmsKeyArn', ParameterValue: { 'Fn::GetAtt': [expect.stringMatching(/^OrganizationDestinationKey/), 'Arn'] } }],
    });
    // Created after the bucket policy that lets the members write.
    expect(stackSet.DependsOn).toEqual([expect.stringMatching(/^OrganizationDestinationBucketPolicy/)]);
  });

  test('inlines a member template with no file assets, well under the 51,200 bytes a StackSet takes', () => {
    const body: string = stackSet.Properties.TemplateBody;
    expect(Buffer.byteLength(body)).toBeLessThan(4000);
    const member = JSON.parse(body);
    expect(Object.values<any>(member.Resources).map(r => r.Type)).toEqual(['AWS::SSM::ResourceDataSync']);
    expect(body).not.toContain('BootstrapVersion');
    expect(body).not.toContain('AssetParameters');
    expect(body).not.toContain('CDKMetadata');
  });

  test('the member sync is the resource a ResourceDataSync in that account would be (same properties)', () => {
    const member = JSON.parse(stackSet.Properties.TemplateBody);
    const sync = Object.values<any>(member.Resources)[0];
    // The same sync, written in a member account's own stack with this library.
    const own = newStack({ env: { account: '444455556666', region: 'eu-west-1' } });
    new ResourceDataSync(own, 'Inventory', {
      destination: SyncDestination.fromBucketName('org-inventory-111122223333', { region: 'us-east-1', prefix: 'inventory', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
    });
    const expected = Object.values(Template.fromStack(own).findResources('AWS::SSM::ResourceDataSync'))[0];
    expect({ ...sync.Properties, SyncName: 'name', S3Destination: { ...sync.Properties.S3Destination, KMSKeyArn: 'key' } })
      .toEqual({ ...expected.Properties, SyncName: 'name', S3Destination: { ...expected.Properties.S3Destination, KMSKeyArn: 'key' } });
    expect(sync.Properties.S3Destination.KMSKeyArn).toEqual({ Ref: 'InventoryKmsKeyArn' });
    expect(sync.Properties.SyncName).toMatch(/^Member-StackSet[0-9A-F]{8}-Inventory-[0-9A-F]{8}-[0-9a-f]{8}$/);
  });

  test('cfn-lint and the registry schema find nothing in the central and the member templates', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-org-'));
    const central = Template.fromStack(stack).toJSON();
    const member = JSON.parse(stackSet.Properties.TemplateBody);
    const files = [['central.json', central], ['member.json', member]].map(([name, t]) => {
      const file = path.join(dir, name as string);
      fs.writeFileSync(file, JSON.stringify(t));
      return file;
    });
    expect(cfnLint(files).output).toBe('');
    expect(schemaErrors(central)).toEqual([]);
    expect(schemaErrors(member)).toEqual([]);
  });

  test('the central bucket lets a member account\'s sync write, and not an account outside the organization', () => {
    const policies = resolveTemplatePolicies(Template.fromStack(stack).toJSON(), CENTRAL);
    const bucketArn = 'arn:aws:s3:::org-inventory-111122223333';
    const keyArn = Object.keys(policies.keyPolicies)[0];
    const write = (account: string, org: string) => evaluatePolicy(policies.bucketPolicies[bucketArn], {
      principal: { service: 'ssm.amazonaws.com' },
      action: 's3:PutObject',
      resource: `${bucketArn}/inventory/AWS:Application/accountid=${account}/region=eu-west-1/resourcetype=ManagedInstanceInventory/i-1.json`,
      context: {
        'aws:SecureTransport': 'true',
        's3:TlsVersion': '1.2',
        'aws:SourceAccount': account,
        'aws:SourceOrgID': org,
        'aws:SourceArn': `arn:aws:ssm:eu-west-1:${account}:resource-data-sync/Member-Inventory`,
        's3:x-amz-acl': 'bucket-owner-full-control',
        's3:x-amz-server-side-encryption': 'aws:kms',
        's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn,
      },
    }).decision;
    expect(write('444455556666', ORG)).toBe('Allow');
    expect(write('999988887777', 'o-zzzzzzzzzz')).not.toBe('Allow');
  });

  test('the management account, which service-managed StackSets skip, gets a sync in the stack\'s Region and a warning for the others', () => {
    Template.fromStack(stack).resourceCountIs('AWS::SSM::ResourceDataSync', 1);
    Annotations.fromStack(stack).hasWarning('/Stack/Organization', Match.stringLikeRegexp('Service-managed StackSets do not deploy to the AWS Organizations management account.*each other Region: eu-west-1'));
  });
});

describe('options', () => {
  test('a delegated administrator, operation preferences, retained syncs, and inventory collection', () => {
    const { stack } = organization({
      callAs: StackSetCallAs.DELEGATED_ADMIN,
      managementAccountId: '999999999999',
      maxConcurrentPercentage: 50,
      failureTolerancePercentage: 0,
      regionConcurrency: RegionConcurrency.PARALLEL,
      regionOrder: ['eu-west-1', 'us-east-1'],
      retainSyncsOnAccountRemoval: true,
      inventoryCollection: { scheduleExpression: 'rate(12 hours)', parameters: { applications: ['Enabled'], files: [''] } },
    });
    const stackSet = stackSetOf(stack);
    expect(stackSet.Properties).toMatchObject({
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      OperationPreferences: { MaxConcurrentPercentage: 50, FailureTolerancePercentage: 0, RegionConcurrencyType: 'PARALLEL', RegionOrder: ['eu-west-1', 'us-east-1'] },
    });
    const member = JSON.parse(stackSet.Properties.TemplateBody);
    const association = Object.values<any>(member.Resources).find(r => r.Type === 'AWS::SSM::Association');
    expect(association.Properties).toEqual({
      Name: 'AWS-GatherSoftwareInventory',
      AssociationName: 'resource-data-sync-inventory-collection',
      ScheduleExpression: 'rate(12 hours)',
      Targets: [{ Key: 'InstanceIds', Values: ['*'] }],
      Parameters: { applications: ['Enabled'], files: [''] },
    });
    // From a delegated administrator no sync is made here; the warning says what to add.
    Template.fromStack(stack).resourceCountIs('AWS::SSM::ResourceDataSync', 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Organization', Match.stringLikeRegexp('for each Region: us-east-1, eu-west-1'));
  });

  test('an InventoryBucket of the app as the destination; S3-managed encryption needs no key parameter', () => {
    const stack = newStack({ env: CENTRAL });
    const destination = new InventoryBucket(stack, 'Central', { bucketName: 'org-inventory', organizationId: ORG, encryption: 'S3_MANAGED' as any });
    new OrganizationInventory(stack, 'Organization', { organizationId: ORG, organizationalUnits: ['ou-ab12-cdef3456'], regions: ['us-east-1'], destination });
    const stackSet = stackSetOf(stack);
    expect(stackSet.Properties.Parameters).toBeUndefined();
    const sync = Object.values<any>(JSON.parse(stackSet.Properties.TemplateBody).Resources)[0];
    expect(sync.Properties.S3Destination).toEqual({ BucketName: 'org-inventory', BucketRegion: 'us-east-1', SyncFormat: 'JsonSerDe' });
  });

  test('an environment-agnostic central stack passes the bucket\'s Region as a parameter', () => {
    const stack = newStack();
    new OrganizationInventory(stack, 'Organization', BASE);
    const stackSet = stackSetOf(stack);
    expect(stackSet.Properties.Parameters).toContainEqual({ ParameterKey: 'InventoryBucketRegion', ParameterValue: { Ref: 'AWS::Region' } });
    expect(JSON.parse(stackSet.Properties.TemplateBody).Parameters.InventoryBucketRegion).toBeDefined();
  });
});

describe('day two', () => {
  test('the template does not grow with the organization: it names targets, not accounts', () => {
    const one = stackSetOf(organization().stack);
    const many = stackSetOf(organization({ organizationalUnits: ['r-ab12'] }).stack);
    expect(many.Properties.TemplateBody).toBe(one.Properties.TemplateBody);
  });

  test('a change of prefix gives the member syncs a new name, so the StackSet replaces them cleanly', () => {
    const name = (prefix: string) => {
      const member = JSON.parse(stackSetOf(organization({ prefix }).stack).Properties.TemplateBody);
      return Object.values<any>(member.Resources)[0].Properties.SyncName;
    };
    expect(name('inventory')).not.toBe(name('inv2'));
    expect(name('inventory')).toBe(name('inventory'));
  });
});

describe('bad input is a clear error at synth', () => {
  test.each<[string, Partial<OrganizationInventoryProps>, string]>([
    ['an OU id', { organizationalUnits: ['ou-12345'] }, 'organizationalUnits "ou-12345" is neither an organizational unit id'],
    ['an account as a target', { organizationalUnits: ['111122223333'] }, 'organizationalUnits "111122223333" is neither an organizational unit id ("ou-ab12-cdef3456") nor a root id ("r-ab12"). Service-managed StackSets target OUs, not accounts'],
    ['an empty target', { organizationalUnits: [] }, 'organizationalUnits is empty; a StackSet needs at least one target'],
    ['a Region', { regions: ['us-east-1', 'moon-1'] }, 'regions[1] "moon-1" is not an AWS Region code'],
    ['no Regions', { regions: [] }, 'regions is empty'],
    ['an organization id', { organizationId: 'o-abc' }, 'organizationId "o-abc" is not an AWS Organizations id'],
    ['no bucket name', { bucketName: undefined }, 'bucketName is required: the member accounts name the central bucket'],
    ['a prefix (reported on the destination it makes)', { prefix: 'inv*' }, '/Destination] prefix "inv*" contains "*"'],
    ['DELEGATED_ADMIN from the management account', { callAs: StackSetCallAs.DELEGATED_ADMIN, managementAccountId: '111122223333' }, 'callAs is DELEGATED_ADMIN but the stack deploys to the management account 111122223333'],
    ['SELF from another account', { callAs: StackSetCallAs.SELF, managementAccountId: '999999999999' }, 'callAs is SELF but the stack deploys to 111122223333, not the management account 999999999999'],
    ['a percentage', { maxConcurrentPercentage: 0 }, 'maxConcurrentPercentage is 0; it must be a whole number from 1 to 100'],
    ['a Region order', { regionOrder: ['ap-south-1'] }, 'regionOrder lists "ap-south-1", which is not in regions'],
  ])('%s', (_, props, message) => {
    const { stack } = organization(props);
    expect(synthErrors(stack)).toContain(message.startsWith('/') ? `[Stack/Organization${message}` : `[Stack/Organization] ${message}`);
  });

  test('a destination that does not grant the organization', () => {
    const stack = newStack({ env: CENTRAL });
    const destination = new InventoryBucket(stack, 'Central', { bucketName: 'org-inventory' });
    new OrganizationInventory(stack, 'Organization', { organizationId: ORG, organizationalUnits: ['r-ab12'], regions: ['us-east-1'], destination });
    expect(synthErrors(stack)).toContain('[Stack/Organization] destination Stack/Central does not grant organization "o-a1b2c3d4e5"');
  });

  test('missing props from JavaScript', () => {
    const app = newApp();
    expect(() => new OrganizationInventory(new Stack(app, 'S'), 'Organization', undefined as any)).toThrow('OrganizationInventory needs props');
  });
});
