import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ResourceDataSync, SyncSource } from '../src';
import {
  checkAccountIds, checkBucketName, checkKeyRegion, checkKmsKeyArn, checkMetricNamespace, checkOrganizationalUnits, checkOrganizationId,
  checkPrefix, checkRegion, checkRemovalPolicy, checkScheduleAndStaleness, checkSyncName, checkWholeDays, partitionOfRegion,
  validSchedule, warnUnknownRegions,
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
])('key ARN %j: a key ARN with a Region (%j) is valid, anything else a problem', (arn, region) => {
  expect(checkKmsKeyArn(arn, 'key')).toHaveLength(region ? 0 : 1);
});

test('tokens are never judged', () => {
  const t = Token.asString({ Ref: 'X' });
  expect([
    ...checkRegion(t, 'r'), ...checkPrefix(t, 'p'), ...checkKmsKeyArn(t, 'k'), ...checkOrganizationId(t, 'o'),
    ...checkOrganizationalUnits(Token.asList({ Ref: 'L' }), 'ous'), ...checkAccountIds(Token.asList({ Ref: 'L' }), 'a'),
    ...checkKeyRegion(t, 'us-east-1', 'k'), ...checkKeyRegion('us-east-1', t, 'k'), ...checkBucketName(t, 'b'),
    ...checkMetricNamespace(t, 'ResourceDataSync'),
    // The same token twice is not a duplicate to judge either.
    ...checkAccountIds([t, t], 'a'),
  ]).toEqual([]);
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

test.each([
  ['us-east-10', true], ['us-east-100', false], [' us-east-1', false], ['1us-east-1', false],
])('Region %j valid: %s (one or two digits, nothing before the code)', (region, valid) => {
  expect(checkRegion(region, 'r')).toHaveLength(valid ? 0 : 1);
});

test.each([
  ['xou-ab12-cdef3456', false], ['ou-ab12-cdef3456/', false],
])('OU %j, with more than the id, valid: %s', (ou, valid) => {
  expect(checkOrganizationalUnits([ou], 'ous')).toHaveLength(valid ? 0 : 1);
});

test('an account id is exactly 12 digits, not 12 digits inside a longer number', () => {
  expect(checkAccountIds(['1111222233334'], 'accounts')).toEqual(['accounts[0] "1111222233334" is not an AWS account id; give the 12 digits, for example "111122223333".']);
  expect(checkOrganizationId('xo-abcdefghij', 'org')).toHaveLength(1);
});

test.each([
  ['x1234abcd-12ab-34cd-56ef-1234567890ab'], ['1234abcd-12ab-34cd-56ef-1234567890abc'], [`mrk-${'a'.repeat(32)}0`],
])('key id %j, a key id with more around it, is not a KMS key id', keyId => {
  expect(checkKmsKeyArn(`arn:aws:kms:us-east-1:111122223333:key/${keyId}`, 'key')).toEqual([
    expect.stringContaining(`has the key id ${JSON.stringify(keyId)}; a KMS key id is a UUID`),
  ]);
});

test('a key ARN of another service, or a name that only contains "alias/", is not a KMS key, and not called an alias', () => {
  const uuid = '1234abcd-12ab-34cd-56ef-1234567890ab';
  for (const arn of [`arn:aws:payment-cryptography:us-east-1:111122223333:key/${uuid}`, 'arn:aws:iam::111122223333:role/alias/admin']) {
    expect(checkKmsKeyArn(arn, 'key')).toEqual([expect.stringContaining(`key ${JSON.stringify(arn)} is not a KMS key ARN. Give the key's full ARN`)]);
  }
  expect(checkKmsKeyArn('alias/mine', 'key')).toEqual([expect.stringContaining('It is an alias: give the ARN of the key the alias points to.')]);
});

test('a key ARN with a malformed Region says it is the key\'s Region', () => {
  expect(checkKmsKeyArn('arn:aws:kms:useast1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'key'))
    .toEqual([expect.stringContaining('key Region "useast1" is not an AWS Region code')]);
});

test('a key in another Region than the bucket is an error; a bucket of unknown Region is not judged', () => {
  expect(checkKeyRegion('us-east-1', 'eu-west-1', 'key')).toEqual([expect.stringContaining('Use a key in eu-west-1.')]);
  expect(checkKeyRegion('us-east-1', 'us-east-1', 'key')).toEqual([]);
  expect(checkKeyRegion('us-east-1', undefined, 'key')).toEqual([]);
  expect(checkKeyRegion(undefined, 'us-east-1', 'key')).toEqual([]);
});

test('a prefix with a "/" at either end: the message suggests it without them, and "inventory" for "/" alone', () => {
  expect(checkPrefix('//inventory/AWS:Application//', 'prefix')).toEqual([expect.stringContaining('Use "inventory/AWS:Application".')]);
  expect(checkPrefix('/', 'prefix')).toEqual([expect.stringContaining('Use "inventory".')]);
});

test('a prefix with several unsafe characters names each once', () => {
  expect(checkPrefix('a* b*', 'prefix')).toEqual([expect.stringContaining('prefix "a* b*" contains "*", " ";')]);
});

test('duplicates are named each once, in the order given', () => {
  expect(checkAccountIds(['111122223333', '444455556666', '111122223333', '444455556666'], 'accounts'))
    .toEqual(['accounts lists "111122223333", "444455556666" more than once. List each value once.']);
});

test('a bucket name S3 rejects: the message gives each of S3\'s reasons', () => {
  expect(checkBucketName('AB', 'bucketName')).toEqual([expect.stringContaining(
    'Bucket name must be at least 3 and no more than 63 characters; Bucket name must only contain lowercase characters')]);
});

test('a sync name built from tokens is not judged by the length of its token text', () => {
  const name = `${Aws.STACK_NAME}-${Aws.ACCOUNT_ID}-${Aws.REGION}-inventory`;
  expect(name.length).toBeGreaterThan(64);
  expect(checkSyncName(name)).toEqual([]);
  expect(checkSyncName('a'.repeat(64))).toEqual([]);
  expect(checkSyncName('a'.repeat(65))).toEqual([expect.stringContaining('Give a shorter name, or leave syncName out to have one generated.')]);
});

test('organizational units: none, or more than 1000, is an error that says what to do', () => {
  const ous = (n: number) => Array.from({ length: n }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`);
  expect(checkOrganizationalUnits([], 'ous')).toEqual([expect.stringContaining('has 0 entries; a sync takes 1 to 1000 organizational units. Name at least one, or use SyncSource.entireOrganization().')]);
  expect(checkOrganizationalUnits(ous(1000), 'ous')).toEqual([]);
  expect(checkOrganizationalUnits(ous(1001), 'ous')).toEqual([expect.stringContaining('has 1001 entries; a sync takes 1 to 1000 organizational units. Split them over several syncs, or use SyncSource.entireOrganization().')]);
});

test('an expiration of a fraction of an hour is an error, not a crash', () => {
  expect(checkWholeDays(Duration.minutes(90), 'expiration')).toEqual([expect.stringContaining('S3 lifecycle rules count whole days, at least 1')]);
});

test('unknown Regions: one warning, with its id, naming them all; a malformed Region or a token is an error or nothing, not a warning', () => {
  const stack = new Stack(undefined, 'Stack');
  warnUnknownRegions(stack, ['us-east-1', 'xx-middle-9', 'yy-west-8'], 'regions');
  warnUnknownRegions(stack, ['useast1', 'US-EAST-1', Aws.REGION], 'other');
  warnUnknownRegions(stack, Token.asList({ Ref: 'Regions' }), 'other');
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => w.entry.data);
  expect(warnings).toEqual([
    'regions "xx-middle-9", "yy-west-8" are Regions this version of aws-cdk-lib does not know. Check the spelling; if it is a new Region, acknowledge this warning. [ack: cdk-ssm-resource-data-sync:unknownRegion]',
  ]);
});

test('a Region given as undefined or a token has no partition', () => {
  expect(partitionOfRegion(undefined)).toBeUndefined();
  expect(partitionOfRegion(Aws.REGION)).toBeUndefined();
});

test.each([
  [Duration.minutes(1), true], [Duration.days(1), true], [Duration.minutes(1441), false],
  [Duration.seconds(0), false], [Duration.seconds(30), false], [Duration.seconds(90), false],
])('schedule %s valid: %s (whole minutes, 1 minute to 1 day)', (schedule, valid) => {
  expect(validSchedule(schedule)).toBe(valid);
  expect(checkScheduleAndStaleness(schedule, Duration.days(2), 'a sync')).toHaveLength(valid ? 0 : 1);
});

test('staleAfter must be longer than the schedule, not equal to it', () => {
  expect(checkScheduleAndStaleness(Duration.hours(1), Duration.hours(1), 'a sync')).toEqual([expect.stringContaining('Make staleAfter longer')]);
  expect(checkScheduleAndStaleness(Duration.hours(1), Duration.minutes(61), 'a sync')).toEqual([]);
});

test('a schedule or staleAfter from a token is not judged', () => {
  const minutes = Token.asNumber({ Ref: 'Minutes' });
  expect(validSchedule(Duration.minutes(minutes))).toBe(true);
  expect(checkScheduleAndStaleness(Duration.minutes(minutes), Duration.hours(48), 'a sync')).toEqual([]);
  expect(checkScheduleAndStaleness(Duration.hours(1), Duration.minutes(minutes), 'a sync')).toEqual([]);
});

test.each([
  ['a', true], ['a'.repeat(255), true], [' Ops Data~', true], ['', false], ['a'.repeat(256), false], ['ée', false], ['eé', false], ['AWS/SSM', false], ['my:ns', false], [Token.asString({ Ref: 'Ns' }), true],
])('metric namespace %j valid: %s', (namespace, valid) => {
  expect(checkMetricNamespace(namespace, 'Fallback')).toHaveLength(valid ? 0 : 1);
});
