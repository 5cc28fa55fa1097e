import { Token } from 'aws-cdk-lib';
import {
  checkAccountIds, checkKeyRegion, checkKmsKeyArn, checkOrganizationalUnits, checkOrganizationId, checkPrefix, checkRegion, keyArnRegion,
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
