import { Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { newStack, synthErrors } from './util';
import { ResourceDataSync, SyncSource, SyncType } from '../src';

function syncOf(source: SyncSource) {
  const stack = newStack();
  const sync = new ResourceDataSync(stack, 'OpsData', { source });
  return { stack, sync };
}

describe('SyncSource factories', () => {
  test('singleAccount: SingleAccountMultiRegions, no organization block, no destination, no bucket', () => {
    const { stack, sync } = syncOf(SyncSource.singleAccount({ regions: ['us-east-1', 'eu-west-1'], includeFutureRegions: true }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', {
      SyncType: 'SyncFromSource',
      SyncSource: {
        SourceType: 'SingleAccountMultiRegions',
        SourceRegions: ['us-east-1', 'eu-west-1'],
        IncludeFutureRegions: true,
        AwsOrganizationsSource: Match.absent(),
      },
      S3Destination: Match.absent(),
    });
    expect(Object.keys(template.toJSON().Resources)).toHaveLength(1);
    expect(sync.syncType).toBe(SyncType.SYNC_FROM_SOURCE);
    expect(sync.bucket).toBeUndefined();
    expect(sync.encryptionKey).toBeUndefined();
  });

  test('includeFutureRegions is left out unless given', () => {
    const { stack } = syncOf(SyncSource.singleAccount({ regions: ['us-east-1'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      SyncSource: { IncludeFutureRegions: Match.absent() },
    });
  });

  test('entireOrganization: AwsOrganizations / EntireOrganization without OUs', () => {
    const { stack } = syncOf(SyncSource.entireOrganization({ regions: ['us-east-1'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      SyncSource: {
        SourceType: 'AwsOrganizations',
        AwsOrganizationsSource: { OrganizationSourceType: 'EntireOrganization', OrganizationalUnits: Match.absent() },
        SourceRegions: ['us-east-1'],
      },
    });
  });

  test('organizationalUnits: the OU ids as a list of strings (CloudFormation\'s shape)', () => {
    const { stack } = syncOf(SyncSource.organizationalUnits(['ou-ab12-cdef3456', 'ou-ab12-ghij7890'], { regions: ['us-east-1'] }));
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      SyncSource: {
        SourceType: 'AwsOrganizations',
        AwsOrganizationsSource: { OrganizationSourceType: 'OrganizationalUnits', OrganizationalUnits: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'] },
      },
    });
  });
});

describe('source rules', () => {
  test.each([
    ['no Region', SyncSource.singleAccount({ regions: [] }), 'source regions is empty; a source needs at least one Region'],
    ['a bad Region code', SyncSource.singleAccount({ regions: ['us-east-1', 'Europe'] }), 'source regions[1] "Europe" is not an AWS Region code'],
    ['a duplicate Region', SyncSource.entireOrganization({ regions: ['us-east-1', 'us-east-1'] }), 'source regions lists "us-east-1" more than once'],
    ['no OU', SyncSource.organizationalUnits([], { regions: ['us-east-1'] }), 'source organizationalUnits has 0 entries; a sync takes 1 to 1000 organizational units'],
    ['1001 OUs', SyncSource.organizationalUnits(Array.from({ length: 1001 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`), { regions: ['us-east-1'] }),
      'source organizationalUnits has 1001 entries; a sync takes 1 to 1000 organizational units'],
    ['a malformed OU (the CloudFormation docs\' own example)', SyncSource.organizationalUnits(['ou-12345'], { regions: ['us-east-1'] }),
      'source organizationalUnits[0] "ou-12345" is not an organizational unit id'],
    ['an upper-case OU', SyncSource.organizationalUnits(['ou-AB12-cdef3456'], { regions: ['us-east-1'] }), 'source organizationalUnits[0] "ou-AB12-cdef3456" is not an organizational unit id'],
    ['a duplicate OU', SyncSource.organizationalUnits(['ou-ab12-cdef3456', 'ou-ab12-cdef3456'], { regions: ['us-east-1'] }),
      'source organizationalUnits lists "ou-ab12-cdef3456" more than once'],
  ])('%s is an error', (_, source, message) => {
    const { stack } = syncOf(source);
    expect(synthErrors(stack)).toContain(`[Stack/OpsData] ${message}`);
  });

  test('1000 OUs are accepted', () => {
    const { stack } = syncOf(SyncSource.organizationalUnits(Array.from({ length: 1000 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`), { regions: ['us-east-1'] }));
    expect(synthErrors(stack)).toBe('');
  });

  test('tokens are not judged: a token list, or tokens inside a list', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'A', { source: SyncSource.singleAccount({ regions: Token.asList({ Ref: 'Regions' }) }) });
    new ResourceDataSync(stack, 'B', { source: SyncSource.organizationalUnits(Token.asList({ Ref: 'Ous' }), { regions: [Token.asString({ Ref: 'R' })] }) });
    new ResourceDataSync(stack, 'C', { source: SyncSource.organizationalUnits([Token.asString({ Ref: 'Ou' })], { regions: ['us-east-1'] }) });
    expect(synthErrors(stack)).toBe('');
  });
});

test('an organization source in an opt-in Region warns: only the management account can create it there', () => {
  const WARN = 'cdk-ssm-resource-data-sync:organizationSourceOptInRegion';
  const stackIn = (region: string) => {
    const stack = newStack({ env: { account: '111122223333', region } });
    new ResourceDataSync(stack, 'OpsData', { source: SyncSource.entireOrganization({ regions: [region] }) });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`only the AWS Organizations management account .* not a delegated administrator.*\\[ack: ${WARN}\\]`));
  };
  expect(stackIn('af-south-1')).toHaveLength(1);
  expect(stackIn('us-east-1')).toHaveLength(0);
});
