import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListResourceDataSyncCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DestinationDataSharingType, DestinationEncryption, InventoryBucket, ResourceDataSync, SyncDestination, SyncSource, SyncSourceOptions,
} from '../../src';
import { validate } from '../botocore';
import { loadInlineHandler } from '../inline-handler';
import { newApp } from '../util';

/*
 * Every request the custom resource's handler sends to SSM, for every combination of the props that
 * make an API sync, validates against the SSM API model of botocore (PyPI, pinned in .projenrc.ts,
 * installed into .venv/ by `npx projen tools`): its ParamValidator, plus the model's maximums,
 * patterns and enums. The requests are captured from the handler (run from the inline text) under a
 * mocked SSM client, fed with the custom resource's properties as CloudFormation delivers them.
 */
const env = { account: '111122223333', region: 'us-east-1' };
const ORG = 'o-a1b2c3d4e5';
const KEY_ARN = 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DDS = DestinationDataSharingType.ORGANIZATION;

type Make = (stack: Stack) => void;
const destinations: Array<[string, Make]> = [
  ['newBucket with organizationId', s => new ResourceDataSync(s, 'Sync', { destinationDataSharing: DDS, destination: SyncDestination.newBucket({ organizationId: ORG }) })],
  ['newBucket, S3-managed, prefix', s => new ResourceDataSync(s, 'Sync', {
    destinationDataSharing: DDS, destination: SyncDestination.newBucket({ organizationId: ORG, prefix: 'inventory', encryption: DestinationEncryption.S3_MANAGED }),
  })],
  ['InventoryBucket with a name and prefix', s => new ResourceDataSync(s, 'Sync', {
    destinationDataSharing: DDS,
    destination: SyncDestination.fromInventoryBucket(new InventoryBucket(s, 'Central', { organizationId: ORG, bucketName: 'central-inventory-111122223333', prefix: 'inv/org' })),
  })],
  ['fromBucketName in another Region with a key', s => new ResourceDataSync(s, 'Sync', {
    destinationDataSharing: DDS, syncName: 'org-inventory', destination: SyncDestination.fromBucketName('central-inventory', { region: 'eu-west-1', prefix: 'inventory', kmsKeyArn: KEY_ARN }),
  })],
  ['fromBucketName, nothing else', s => new ResourceDataSync(s, 'Sync', { destinationDataSharing: DDS, destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) })],
];
const sourceKinds: Array<[string, (o: SyncSourceOptions) => SyncSource]> = [
  ['singleAccount', o => SyncSource.singleAccount(o)],
  ['entireOrganization', o => SyncSource.entireOrganization(o)],
  ['organizationalUnits', o => SyncSource.organizationalUnits(['ou-ab12-cdef3456', 'ou-ab12-99999999'], o)],
];
const sources: Array<[string, Make]> = sourceKinds.flatMap(([kind, make]) => [true, false].flatMap(enableAllOpsDataSources => [undefined, true].map(
  includeFutureRegions =>
    [`${kind}, enableAllOpsDataSources ${enableAllOpsDataSources}, includeFutureRegions ${includeFutureRegions}`,
      (s: Stack) => new ResourceDataSync(s, 'Sync', { source: make({ regions: ['us-east-1', 'us-west-2'], includeFutureRegions, enableAllOpsDataSources }) })] as [string, Make])));

/** Plausible literal values for what the template leaves to CloudFormation. */
const RESOLVED: { [key: string]: string } = {
  ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:handler',
  BucketName: 'stack-syncdestinationbucket-1a2b3c4d5e6f',
  AWSKMSKeyARN: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

/** The properties as the handler receives them: intrinsics resolved, booleans and numbers as strings. */
function delivered(value: any, key = ''): any {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(v => delivered(v));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      if (!RESOLVED[key]) throw new Error(`no value for the intrinsic at ${key}: ${JSON.stringify(value)}`);
      return RESOLVED[key];
    }
    return Object.fromEntries(keys.map(k => [k, delivered(value[k], k)]));
  }
  return value;
}

function customResourceProperties(make: Make): any {
  const stack = new Stack(newApp(), 'Stack', { env });
  make(stack);
  const resources = Object.values(Template.fromStack(stack).findResources('Custom::SSMResourceDataSync'));
  expect(resources).toHaveLength(1);
  return delivered((resources[0] as any).Properties);
}

const ssm = mockClient(SSMClient);
// A forward update, not a rollback (the handler asks when a replacement's name is taken).
mockClient(CloudFormationClient).on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 's', CreationTime: new Date(), StackStatus: 'UPDATE_IN_PROGRESS' }] });
const handler = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'api-sync'));
handler.delay = 0;
handler.respond = async (_e: any, status: string, _id: string, reason: string) => {
  if (status !== 'SUCCESS') throw new Error(reason);
};

test('every request for every combination of props is valid for botocore\'s SSM model', async () => {
  const requests: Array<{ operation: string; params: any }> = [];
  const cases = [...destinations, ...sources];
  for (const [label, make] of cases) {
    ssm.reset();
    const props = customResourceProperties(make);
    let name = props.SyncName;
    // The sync as listed: its request (the handler compares what UpdateResourceDataSync cannot change).
    ssm.on(ListResourceDataSyncCommand).callsFake(() => ({ ResourceDataSyncItems: [{ ...handler.request(props), SyncName: name, LastStatus: 'Successful' }] }));
    const base = { ResponseURL: 'https://example', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' };
    await handler.handler({ ...base, RequestType: 'Create', ResourceProperties: props });
    // In place for a source (Regions, flag); by replacement under a new name for a destination.
    const next = props.SyncSource
      ? { ...props, SyncSource: { ...props.SyncSource, SourceRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], EnableAllOpsDataSources: 'true' } }
      : { ...props, SyncName: name = `${props.SyncName.slice(0, 55)}-replaced` };
    await handler.handler({ ...base, RequestType: 'Update', ResourceProperties: next, OldResourceProperties: props, PhysicalResourceId: props.SyncName });
    await handler.handler({ ...base, RequestType: 'Delete', ResourceProperties: next, PhysicalResourceId: name });
    for (const call of ssm.calls()) {
      const command = call.args[0] as any;
      requests.push({ operation: command.constructor.name.replace(/Command$/, ''), params: command.input, label } as any);
    }
  }
  const report = validate(requests);
  expect(report.botocore).toBe('1.43.11');
  const invalid = report.results
    .map((r: any, i: number) => ({ ...r, label: (requests[i] as any).label, params: requests[i].params }))
    .filter((r: any) => r.problems.length > 0);
  expect(invalid).toEqual([]);
  const operations = requests.reduce((counts: any, r) => ({ ...counts, [r.operation]: (counts[r.operation] ?? 0) + 1 }), {});
  // 17 combinations: each created, updated (5 replacements, 12 in place) and deleted.
  expect(cases).toHaveLength(17);
  expect(operations).toEqual({
    CreateResourceDataSync: 17 + 5,
    UpdateResourceDataSync: 12,
    DeleteResourceDataSync: 17,
    // One poll after each create; one look-up before each update in place (what cannot change must not have).
    ListResourceDataSync: 17 + 5 + 12,
  });
  // The requests carry the fields CloudFormation lacks, as booleans and the API's shapes.
  const creates = requests.filter(r => r.operation === 'CreateResourceDataSync').map(r => r.params);
  expect(creates.filter(c => c.S3Destination?.DestinationDataSharing?.DestinationDataSharingType === 'Organization')).toHaveLength(10);
  expect(creates.filter(c => typeof c.SyncSource?.EnableAllOpsDataSources === 'boolean')).toHaveLength(12);
  expect(creates.filter(c => c.SyncSource?.AwsOrganizationsSource?.OrganizationalUnits)[0].SyncSource.AwsOrganizationsSource.OrganizationalUnits)
    .toEqual([{ OrganizationalUnitId: 'ou-ab12-cdef3456' }, { OrganizationalUnitId: 'ou-ab12-99999999' }]);
});

test('the validator rejects what the model forbids (so a pass means something)', () => {
  const report = validate([
    { operation: 'CreateResourceDataSync', params: { SyncName: 'x', S3Destination: { BucketName: 'b', SyncFormat: 'JsonSerDe', Region: 'us-east-1', Prefix: '' } } },
    { operation: 'CreateResourceDataSync', params: { SyncName: 'x'.repeat(65), SyncType: 'SyncFromSource', SyncSource: { SourceType: 'SingleAccountMultiRegions', SourceRegions: ['us-east-1'], EnableAllOpsDataSources: 'true' } } },
    { operation: 'CreateResourceDataSync', params: { SyncName: 'x', SyncType: 'SyncFromSource', SyncSource: { SourceType: 'AwsOrganizations', SourceRegions: ['us-east-1'], AwsOrganizationsSource: { OrganizationSourceType: 'OrganizationalUnits', OrganizationalUnits: ['ou-ab12-cdef3456'] } } } },
    { operation: 'CreateResourceDataSync', params: { SyncName: 'x', S3Destination: { BucketName: 'b', SyncFormat: 'Parquet', Region: 'us-east-1', AWSKMSKeyARN: 'alias/x' } } },
    { operation: 'UpdateResourceDataSync', params: { SyncName: 'x', SyncSource: { SourceType: 'SingleAccountMultiRegions', SourceRegions: ['us-east-1'] } } },
    { operation: 'ListResourceDataSync', params: { MaxResults: 51 } },
  ]);
  const problems = report.results.map((r: any) => r.problems.join(' '));
  expect(problems[0]).toMatch(/Prefix.*length/i);
  expect(problems[1]).toMatch(/EnableAllOpsDataSources/);
  expect(problems[1]).toMatch(/65 characters/);
  expect(problems[2]).toMatch(/OrganizationalUnits/);
  expect(problems[3]).toMatch(/Parquet/);
  expect(problems[3]).toMatch(/alias/);
  expect(problems[4]).toMatch(/SyncType/);
  expect(problems[5]).toMatch(/MaxResults/);
});
