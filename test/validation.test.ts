import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ResourceDataSync, SyncSource } from '../src';
import {
  checkAccountIds, checkKeyRegion, checkKmsKeyArn, checkOrganizationalUnits, checkOrganizationId, checkPrefix, checkRegion, checkRemovalPolicy,
  checkWholeDays, keyArnRegion, partitionOfRegion,
} from '../src/validation';

// The boundaries of each rule, value by value. The construct tests show the messages in context.
test.each([
  ['us-east-1', true], ['us-gov-west-1', true], ['cn-northwest-1', true], ['eusc-de-east-1', true], ['ap-southeast-5', true],
  ['US-EAST-1', false], ['us-east', false], ['useast1', false], ['us-east-1a', false], ['', false],
])('Region %j valid: %s', (region, valid) => {
  expect(checkRegion(region, 'r')).toHaveLength(valid ? 0 : 1);
});

test.each([
  ['ou-ab12-cdef3456', true], [`ou-${'a'.repeat(32)}-${'b'.repeat(32)}`, true],
  ['ou-ab1-cdef3456', false], ['ou-ab12-cdef345', false], [`ou-${'a'.repeat(33)}-cdef3456`, false], ['ou-12345', false], ['OU-ab12-cdef3456', false],
])('OU %j valid: %s', (ou, valid) => {
  expect(checkOrganizationalUnits([ou], 'ous')).toHaveLength(valid ? 0 : 1);
});

test.each([
  ['o-abcdefghij', true], [`o-${'a'.repeat(32)}`, true], ['o-abcdefghi', false], [`o-${'a'.repeat(33)}`, false], ['o-ABCDEFGHIJ', false],
])('organization id %j valid: %s', (id, valid) => {
  expect(checkOrganizationId(id, 'org')).toHaveLength(valid ? 0 : 1);
});

test.each([
  [['111122223333'], 0], [['11112222333'], 1], [['111122223333', '111122223333'], 1], [['x11122223333', '1'], 2],
])('accounts %j: %d problems', (accounts, count) => {
  expect(checkAccountIds(accounts, 'accounts')).toHaveLength(count);
});

test.each([
  ['a', 0], ['a'.repeat(256), 0], ['a/b/c', 0], ['', 1], ['a'.repeat(257), 1], ['/a', 1], ['a/', 1], ['/', 1],
])('prefix %j: %d problems', (prefix, count) => {
  expect(checkPrefix(prefix, 'prefix')).toHaveLength(count);
});

test.each([
  ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'us-east-1'],
  ['arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab', 'cn-north-1'],
  ['arn:aws:kms:us-east-1:111122223333:alias/mine', undefined],
  ['arn:aws:kms::111122223333:key/abc', undefined],
  ['1234abcd-12ab-34cd-56ef-1234567890ab', undefined],
])('key ARN %j is in Region %j', (arn, region) => {
  expect(keyArnRegion(arn)).toBe(region);
  expect(checkKmsKeyArn(arn, 'key')).toHaveLength(region ? 0 : 1);
});

test('tokens are never judged', () => {
  const t = Token.asString({ Ref: 'X' });
  expect([
    ...checkRegion(t, 'r'), ...checkPrefix(t, 'p'), ...checkKmsKeyArn(t, 'k'), ...checkOrganizationId(t, 'o'),
    ...checkOrganizationalUnits(Token.asList({ Ref: 'L' }), 'ous'), ...checkAccountIds(Token.asList({ Ref: 'L' }), 'a'),
    ...checkKeyRegion(t, 'us-east-1', 'k'), ...checkKeyRegion('us-east-1', t, 'k'),
  ]).toEqual([]);
  expect(keyArnRegion(t)).toBeUndefined();
});

test.each([
  ['inventory/*', 1], ['inv?', 1], ['my inventory', 1], ['inv\u0007', 1], ['inv\tx', 1],
  ['inventory/AWS:Application/accountid=444455556666', 1], ['inventory-2026.v1/x_y', 0],
])('prefix %j, which could widen the policy or reach another account\'s folder: %d problems', (prefix, count) => {
  expect(checkPrefix(prefix, 'prefix')).toHaveLength(count);
});

test.each([
  ['arn:aws:kms:us-east-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'has the account "11112222333"; an account id is 12 digits'],
  ['arn:aws:kms:us-east-1:111122223333:key/not-a-key-id', 'has the key id "not-a-key-id"; a KMS key id is a UUID'],
  ['arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'is in partition "aws" but its Region "cn-north-1" is in "aws-cn"'],
  ['arn:aws:kms:us-east-1:111122223333:alias/mine', 'It is an alias: give the ARN of the key the alias points to'],
  ['', 'is an empty string. Leave it out for no KMS key'],
])('key ARN %j: one problem that says %j', (arn, message) => {
  const problems = checkKmsKeyArn(arn, 'key');
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(message);
});

test.each([
  ['us-east-1', 'aws'], ['cn-northwest-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'], ['us-isob-east-1', 'aws-iso-b'],
  ['us-isof-south-1', 'aws-iso-f'], ['eu-isoe-west-1', 'aws-iso-e'], ['eusc-de-east-1', 'aws-eusc'], ['ap-southeast-9', 'aws'], ['cn-south-9', 'aws-cn'],
  ['us-gov-east-9', 'aws-us-gov'], ['us-iso-west-9', 'aws-iso'], ['us-isob-west-9', 'aws-iso-b'], ['us-isof-east-9', 'aws-iso-f'], ['eu-isoe-north-9', 'aws-iso-e'],
  ['eusc-fr-west-9', 'aws-eusc'], ['nowhere', undefined],
])('Region %j is in partition %j, also for Regions newer than aws-cdk-lib', (region, partition) => {
  expect(partitionOfRegion(region)).toBe(partition);
});

test.each([
  [RemovalPolicy.RETAIN, 0], [RemovalPolicy.DESTROY, 0], [RemovalPolicy.SNAPSHOT, 1], ['keep' as RemovalPolicy, 1],
])('removal policy %j: %d problems', (policy, count) => {
  expect(checkRemovalPolicy(policy, 'removalPolicy')).toHaveLength(count);
});

test.each([
  [Duration.days(1), 0], [Duration.days(90), 0], [Duration.hours(48), 0], [Duration.days(0), 1], [Duration.hours(12), 1], [Duration.hours(36), 1],
])('noncurrent expiration %s: %d problems', (duration, count) => {
  expect(checkWholeDays(duration, 'expiration')).toHaveLength(count);
});

test('a well-formed Region unknown to aws-cdk-lib is a warning, not an error', () => {
  const stack = new Stack(undefined, 'Stack');
  const sync = new ResourceDataSync(stack, 'OpsData', { source: SyncSource.singleAccount({ regions: ['us-east-1', 'xx-middle-9'] }) });
  expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toHaveLength(0);
  Annotations.fromStack(stack).hasWarning(`/${sync.node.path}`, Match.stringLikeRegexp('source regions "xx-middle-9" is a Region this version of aws-cdk-lib does not know'));
  expect(checkRegion('xx-middle-9', 'r')).toHaveLength(0);
});

test('the partition of every Region aws-cdk-lib knows, from its prefix, is the one aws-cdk-lib gives', () => {
  const known = RegionInfo.regions.filter(r => r.partition !== undefined);
  expect(known.length).toBeGreaterThan(30);
  expect(known.filter(r => partitionOfRegion(r.name) !== r.partition).map(r => `${r.name}: ${r.partition}`)).toEqual([]);
  // Each partition the table has is covered, not only the commercial one.
  expect(new Set(known.map(r => partitionOfRegion(r.name)))).toEqual(new Set(known.map(r => r.partition)));
});
