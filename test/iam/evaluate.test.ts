import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ContextValue, evaluatePolicy, IamRequest, SUPPORTED_OPERATORS } from './evaluate';
import { resolveTemplatePolicies, resolveValue } from './template-policies';
import { committedSnapshotTemplates } from '../snapshots';
import { newApp } from '../util';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
const SSM = { service: 'ssm.amazonaws.com' };

const request = (overrides: Partial<IamRequest> = {}): IamRequest => ({
  principal: { aws: READER },
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::bucket/key',
  ...overrides,
});

const allow = (statement: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', ...statement }],
});

const decide = (statement: Record<string, unknown>, overrides: Partial<IamRequest> = {}) =>
  evaluatePolicy(allow(statement), request(overrides)).decision;

/** Whether one Condition block matches a request with `context`. */
const conditionHolds = (condition: Record<string, unknown>, context: Record<string, ContextValue> = {}) =>
  decide({ Condition: condition }, { context }) === 'Allow';

describe('decisions', () => {
  test('an explicit deny overrides an allow, and both sids are reported', () => {
    const policy = {
      Statement: [
        { Sid: 'AllowAll', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' },
      ],
    };
    expect(evaluatePolicy(policy, request())).toEqual({ decision: 'ExplicitDeny', matchedSids: ['AllowAll', '#1'] });
    expect(evaluatePolicy(policy, request({ action: 's3:PutObject' }))).toEqual({ decision: 'Allow', matchedSids: ['AllowAll'] });
  });

  test('nothing matching is an implicit deny', () => {
    expect(evaluatePolicy(allow({ Action: 's3:PutObject' }), request())).toEqual({ decision: 'ImplicitDeny', matchedSids: [] });
  });

  test('a single statement object (not a list) is accepted', () => {
    expect(evaluatePolicy({ Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' } }, request()).decision).toBe('Allow');
  });
});

describe('Action and Resource', () => {
  test.each([
    ['s3:GetObject', 'Allow'],
    ['S3:getobject', 'Allow'], // actions compare case-insensitively
    ['s3:Get*', 'Allow'],
    ['s3:*', 'Allow'],
    ['*', 'Allow'],
    ['s3:GetObjec?', 'Allow'],
    ['s3:Get?', 'ImplicitDeny'],
    ['s3:Put*', 'ImplicitDeny'],
    [['s3:PutObject', 's3:GetObject'], 'Allow'],
  ])('Action %j -> %s', (action, decision) => {
    expect(decide({ Action: action })).toBe(decision);
  });

  test.each([
    ['s3:Put*', 'Allow'],
    ['s3:Get*', 'ImplicitDeny'],
  ])('NotAction %j -> %s', (notAction, decision) => {
    expect(evaluatePolicy({ Statement: [{ Effect: 'Allow', Principal: '*', NotAction: notAction, Resource: '*' }] }, request()).decision).toBe(decision);
  });

  const deep = 'arn:aws:s3:::bucket/inventory/AWS:Application/accountid=111122223333/region=us-east-1/i-1.json';
  test.each([
    ['arn:aws:s3:::bucket/*', deep, 'Allow'], // * spans '/' and ':'
    ['arn:aws:s3:::bucket/inventory/*/region=us-east-1/*', deep, 'Allow'],
    ['arn:aws:s3:::bucket/inventory/*/region=eu-west-1/*', deep, 'ImplicitDeny'],
    ['arn:aws:s3:::*', deep, 'Allow'],
    ['arn:aws:s3:::Bucket/*', deep, 'ImplicitDeny'], // resources compare case-sensitively
    ['arn:aws:s3:::bucket', deep, 'ImplicitDeny'],
    ['arn:aws:s3:::bucket/k?y', 'arn:aws:s3:::bucket/key', 'Allow'],
    ['arn:aws:s3:::bucket/k?y', 'arn:aws:s3:::bucket/kexy', 'ImplicitDeny'],
    ['arn:aws:s3:::bucket/a.b', 'arn:aws:s3:::bucket/aXb', 'ImplicitDeny'], // regex characters are literal
  ])('Resource %s on %s -> %s', (pattern, resource, decision) => {
    expect(decide({ Resource: pattern }, { resource })).toBe(decision);
  });

  test.each([
    ['arn:aws:s3:::other/*', 'Allow'],
    ['arn:aws:s3:::bucket/*', 'ImplicitDeny'],
  ])('NotResource %s -> %s', (notResource, decision) => {
    expect(evaluatePolicy({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', NotResource: notResource }] }, request()).decision).toBe(decision);
  });
});

describe('Principal', () => {
  test.each<[unknown, IamRequest['principal'], string]>([
    ['*', SSM, 'Allow'],
    ['*', { aws: READER }, 'Allow'],
    [{ AWS: '*' }, { aws: READER }, 'Allow'],
    [{ Service: 'ssm.amazonaws.com' }, SSM, 'Allow'],
    [{ Service: ['s3.amazonaws.com', 'ssm.amazonaws.com'] }, SSM, 'Allow'],
    [{ Service: 's3.amazonaws.com' }, SSM, 'ImplicitDeny'],
    [{ Service: 'ssm.amazonaws.com' }, { aws: READER }, 'ImplicitDeny'],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, SSM, 'ImplicitDeny'],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { aws: READER }, 'Allow'], // the account root stands for the whole account
    [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { aws: ACCOUNT }, 'Allow'],
    [{ AWS: ACCOUNT }, { aws: READER }, 'Allow'],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { aws: `arn:aws:iam::${OTHER}:role/reader` }, 'ImplicitDeny'],
    [{ AWS: ACCOUNT }, { aws: OTHER }, 'ImplicitDeny'],
    [{ AWS: READER }, { aws: READER }, 'Allow'], // a role ARN is only itself
    [{ AWS: READER }, { aws: `arn:aws:iam::${ACCOUNT}:role/writer` }, 'ImplicitDeny'],
    [{ AWS: READER }, { aws: ACCOUNT }, 'ImplicitDeny'],
    [{ AWS: READER }, { aws: `arn:aws:iam::${ACCOUNT}:root` }, 'ImplicitDeny'],
    [{ AWS: [`arn:aws:iam::${OTHER}:root`, READER] }, { aws: READER }, 'Allow'],
  ])('Principal %j, caller %j -> %s', (principal, caller, decision) => {
    expect(decide({ Principal: principal }, { principal: caller })).toBe(decision);
  });
});

describe('Condition operators', () => {
  const ARN_PATTERN = `arn:aws:ssm:*:${ACCOUNT}:resource-data-sync/*`;
  test.each<[string, Record<string, unknown>, Record<string, ContextValue>, boolean]>([
    // StringEquals: one of several values (OR), keys compare case-insensitively
    ['StringEquals', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, { 'aws:SourceAccount': ACCOUNT }, true],
    ['StringEquals other value', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, { 'aws:SourceAccount': OTHER }, false],
    ['StringEquals values OR', { StringEquals: { 'aws:SourceAccount': [OTHER, ACCOUNT] } }, { 'aws:SourceAccount': ACCOUNT }, true],
    ['StringEquals key case', { StringEquals: { 'AWS:SOURCEACCOUNT': ACCOUNT } }, { 'aws:sourceaccount': ACCOUNT }, true],
    ['StringEquals is case-sensitive', { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, { 's3:x-amz-server-side-encryption': 'AWS:KMS' }, false],
    ['StringEquals missing key', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, {}, false],
    // StringNotEquals: the request value is none of the values (NOR); a missing key matches
    ['StringNotEquals', { StringNotEquals: { 's3:x-amz-acl': ['public-read', 'public-read-write'] } }, { 's3:x-amz-acl': 'private' }, true],
    ['StringNotEquals one of them', { StringNotEquals: { 's3:x-amz-acl': ['public-read', 'bucket-owner-full-control'] } },
      { 's3:x-amz-acl': 'bucket-owner-full-control' }, false],
    ['StringNotEquals missing key', { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }, {}, true],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, { 's3:x-amz-server-side-encryption': 'AWS:KMS' }, true],
    ['StringEqualsIgnoreCase other', { StringEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, false],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, true],
    ['StringNotEqualsIgnoreCase same', { StringNotEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, { 's3:x-amz-server-side-encryption': 'AWS:kms' }, false],
    // StringLike / StringNotLike: * spans '/', ? is one character
    ['StringLike', { StringLike: { 's3:prefix': 'inventory/*' } }, { 's3:prefix': 'inventory/AWS:Application/x' }, true],
    ['StringLike other', { StringLike: { 's3:prefix': 'inventory/*' } }, { 's3:prefix': 'other/inventory/x' }, false],
    ['StringLike ?', { StringLike: { 's3:TlsVersion': '1.?' } }, { 's3:TlsVersion': '1.2' }, true],
    ['StringLike ? is one character', { StringLike: { 's3:TlsVersion': '1.?' } }, { 's3:TlsVersion': '1.23' }, false],
    ['StringLike missing key', { StringLike: { 's3:prefix': '*' } }, {}, false],
    ['StringNotLike', { StringNotLike: { 's3:prefix': 'inventory/*' } }, { 's3:prefix': 'other/x' }, true],
    ['StringNotLike like', { StringNotLike: { 's3:prefix': ['x/*', 'inventory/*'] } }, { 's3:prefix': 'inventory/x' }, false],
    ['StringNotLike missing key', { StringNotLike: { 's3:prefix': 'inventory/*' } }, {}, true],
    // ArnLike / ArnEquals: per segment
    ['ArnLike', { ArnLike: { 'aws:SourceArn': ARN_PATTERN } }, { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${ACCOUNT}:resource-data-sync/x` }, true],
    ['ArnLike other account', { ArnLike: { 'aws:SourceArn': ARN_PATTERN } }, { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${OTHER}:resource-data-sync/x` }, false],
    // with a plain wildcard the region * would swallow 'eu-west-1:444455556666' and match; per segment it does not
    ['ArnLike * stays in its segment', { ArnLike: { 'aws:SourceArn': `arn:aws:ssm:*:${ACCOUNT}:*` } },
      { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${OTHER}:${ACCOUNT}:x` }, false],
    ['ArnLike resource part keeps : and /', { ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/*` } },
      { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/ssm:stream` }, true],
    ['ArnLike ?', { ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:us-east-?:*:*' } }, { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` }, true],
    ['ArnLike ? one character', { ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:us-east-?:*:*' } }, { 'aws:SourceArn': `arn:aws:ssm:us-east-12:${ACCOUNT}:x` }, false],
    ['ArnLike request not an ARN', { ArnLike: { 'aws:SourceArn': 'arn:*:*:*:*:*' } }, { 'aws:SourceArn': 'not:an:arn' }, false],
    ['ArnLike is case-sensitive', { ArnLike: { 'aws:SourceArn': ARN_PATTERN } }, { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${ACCOUNT}:Resource-data-sync/x` }, false],
    ['ArnLike missing key', { ArnLike: { 'aws:SourceArn': ARN_PATTERN } }, {}, false],
    ['ArnEquals', { ArnEquals: { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` } }, { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` }, true],
    ['ArnEquals other', { ArnEquals: { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` } }, { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:y` }, false],
    ['ArnNotEquals', { ArnNotEquals: { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` } }, { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:y` }, true],
    ['ArnNotEquals same', { ArnNotEquals: { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` } }, { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` }, false],
    ['ArnNotEquals missing key', { ArnNotEquals: { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:x` } }, {}, true],
    ['ArnNotLike', { ArnNotLike: { 'aws:SourceArn': ARN_PATTERN } }, { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${OTHER}:resource-data-sync/x` }, true],
    ['ArnNotLike like', { ArnNotLike: { 'aws:SourceArn': ARN_PATTERN } }, { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${ACCOUNT}:resource-data-sync/x` }, false],
    ['ArnNotLike missing key', { ArnNotLike: { 'aws:SourceArn': ARN_PATTERN } }, {}, true],
    // Bool
    ['Bool', { Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'false' }, true],
    ['Bool other', { Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'true' }, false],
    ['Bool JSON boolean', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }, true],
    ['Bool missing key', { Bool: { 'aws:SecureTransport': 'false' } }, {}, false],
    // Numeric
    ['NumericEquals', { NumericEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.20' }, true],
    ['NumericEquals other', { NumericEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.3' }, false],
    ['NumericEquals not a number', { NumericEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': 'TLSv1.2' }, false],
    ['NumericNotEquals', { NumericNotEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.3' }, true],
    ['NumericNotEquals same', { NumericNotEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.2' }, false],
    ['NumericNotEquals missing key', { NumericNotEquals: { 's3:TlsVersion': '1.2' } }, {}, true],
    ['NumericLessThan', { NumericLessThan: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.0' }, true],
    ['NumericLessThan equal', { NumericLessThan: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.2' }, false],
    ['NumericLessThan missing key', { NumericLessThan: { 's3:TlsVersion': '1.2' } }, {}, false],
    ['NumericLessThanEquals', { NumericLessThanEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.2' }, true],
    ['NumericLessThanEquals greater', { NumericLessThanEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.3' }, false],
    ['NumericGreaterThan', { NumericGreaterThan: { 's3:max-keys': 10 } }, { 's3:max-keys': '11' }, true],
    ['NumericGreaterThan equal', { NumericGreaterThan: { 's3:max-keys': 10 } }, { 's3:max-keys': '10' }, false],
    ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.2' }, true],
    ['NumericGreaterThanEquals less', { NumericGreaterThanEquals: { 's3:TlsVersion': '1.2' } }, { 's3:TlsVersion': '1.1' }, false],
    // Null
    ['Null true, missing', { Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } }, {}, true],
    ['Null true, present', { Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } },
      { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'k' }, false],
    ['Null false, present', { Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' } },
      { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'k' }, true],
    ['Null false, missing', { Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' } }, {}, false],
    // IfExists
    ['StringEqualsIfExists missing key', { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, {}, true],
    ['StringEqualsIfExists present, equal', { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      { 's3:x-amz-server-side-encryption': 'aws:kms' }, true],
    ['StringEqualsIfExists present, other', { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      { 's3:x-amz-server-side-encryption': 'AES256' }, false],
    ['ArnLikeIfExists missing key', { ArnLikeIfExists: { 'aws:SourceArn': ARN_PATTERN } }, {}, true],
    ['StringNotEqualsIfExists present, equal', { StringNotEqualsIfExists: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': 'public-read' }, false],
    ['NumericLessThanIfExists missing key', { NumericLessThanIfExists: { 's3:TlsVersion': '1.2' } }, {}, true],
    ['BoolIfExists present, other', { BoolIfExists: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'true' }, false],
    // ForAnyValue / ForAllValues on multivalued keys
    ['ForAnyValue one in', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['b', 'c'] }, true],
    ['ForAnyValue none in', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['c'] }, false],
    ['ForAnyValue single string', { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'a*' } }, { 'aws:TagKeys': 'abc' }, true],
    ['ForAnyValue missing key', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } }, {}, false],
    ['ForAnyValue empty set', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': [] }, false],
    ['ForAnyValue IfExists missing key', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'a' } }, {}, true],
    ['ForAnyValue:StringNotEquals one outside', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'z'] }, true],
    ['ForAnyValue:StringNotEquals all inside', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'b'] }, false],
    ['ForAllValues all in', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b', 'c'] } }, { 'aws:TagKeys': ['a', 'b'] }, true],
    ['ForAllValues one out', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b', 'c'] } }, { 'aws:TagKeys': ['a', 'z'] }, false],
    ['ForAllValues missing key', { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } }, {}, true],
    ['ForAllValues empty set', { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': [] }, true],
    ['ForAllValues:StringNotLike none like', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'secret*' } }, { 'aws:TagKeys': ['a', 'b'] }, true],
    ['ForAllValues:StringNotLike one like', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'secret*' } }, { 'aws:TagKeys': ['a', 'secret-b'] }, false],
    // combining: operators AND, keys AND
    ['two keys, both hold', { StringEquals: { 'aws:SourceAccount': ACCOUNT, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      { 'aws:SourceAccount': ACCOUNT, 's3:x-amz-acl': 'bucket-owner-full-control' }, true],
    ['two keys, one fails', { StringEquals: { 'aws:SourceAccount': ACCOUNT, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      { 'aws:SourceAccount': ACCOUNT, 's3:x-amz-acl': 'private' }, false],
    ['two operators, both hold', { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': ARN_PATTERN } },
      { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT}:resource-data-sync/x` }, true],
    ['two operators, one fails', { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': ARN_PATTERN } },
      { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:ssm:us-east-1:${OTHER}:resource-data-sync/x` }, false],
  ])('%s', (_name, condition, context, holds) => {
    expect(conditionHolds(condition, context)).toBe(holds);
  });

  test('every supported operator has a case above', () => {
    expect([...SUPPORTED_OPERATORS].sort()).toEqual([
      'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Bool', 'Null',
      'NumericEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericNotEquals',
      'StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike',
    ]);
  });

  test.each([
    'DateGreaterThan', 'IpAddress', 'BinaryEquals', 'StringEqualsFoo', 'NullIfExists', 'ForAnyValue:Null', 'ForSomeValues:StringEquals',
  ])('unsupported operator %s throws', operator => {
    expect(() => conditionHolds({ [operator]: { 'aws:SourceAccount': 'x' } }, { 'aws:SourceAccount': 'x' })).toThrow(/unsupported condition operator/);
  });

  test('an unsupported operator or value throws whatever the request, even when something else already fails', () => {
    expect(() => conditionHolds({ StringEquals: { k: 'a' }, DateLessThan: { k: 'b' } }, { k: 'b' })).toThrow(/unsupported/);
    expect(() => conditionHolds({ ArnLike: { 'aws:SourceArn': 'not-an-arn' } }, {})).toThrow(/not an ARN/);
    const policy = { Statement: [{ Effect: 'Deny', Principal: { Service: 's3.amazonaws.com' }, Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] };
    expect(() => evaluatePolicy(policy, request())).toThrow(/unsupported condition operator IpAddress/);
  });

  test.each<[string, Record<string, unknown>, Record<string, ContextValue>, RegExp]>([
    ['a multivalued key without a set prefix', { StringEquals: { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': ['a'] }, /ForAnyValue/],
    ['a non-numeric Numeric value', { NumericLessThan: { 's3:TlsVersion': 'x' } }, { 's3:TlsVersion': '1.2' }, /not a number/],
    ['a non-boolean Bool value', { Bool: { 'aws:SecureTransport': 'yes' } }, { 'aws:SecureTransport': 'true' }, /not a boolean/],
    ['a non-ARN ArnLike value', { ArnLike: { 'aws:SourceArn': 'arn:aws:ssm' } }, { 'aws:SourceArn': 'arn:aws:ssm:::x' }, /not an ARN/],
    ['a policy variable', { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } }, { 'aws:SourceAccount': ACCOUNT }, /policy variable/],
    ['an unresolved intrinsic', { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }, { 'aws:SourceAccount': ACCOUNT }, /unresolved/],
    ['a context key given twice', { StringEquals: { k: 'a' } }, { k: 'a', K: 'a' }, /twice/],
  ])('%s throws', (_name, condition, context, error) => {
    expect(() => conditionHolds(condition, context)).toThrow(error);
  });
});

describe('policy shape', () => {
  test.each<[string, unknown, RegExp]>([
    ['NotPrincipal', { Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: READER }, Action: '*', Resource: '*' }] }, /unsupported.*NotPrincipal/],
    ['an unknown statement element', allow({ Foo: 'x' }), /unsupported statement element Foo/],
    ['an unknown policy element', { Statement: [], Extra: 1 }, /unsupported policy element Extra/],
    ['no Statement', { Version: '2012-10-17' }, /no Statement/],
    ['a Federated principal', allow({ Principal: { Federated: 'cognito-identity.amazonaws.com' } }), /unsupported principal type Federated/],
    ['no Principal', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, /needs a Principal/],
    ['an invalid Effect', allow({ Effect: 'allow' }), /invalid Effect/],
    ['both Action and NotAction', allow({ NotAction: 's3:PutObject' }), /exactly one of Action and NotAction/],
    ['neither Resource nor NotResource', { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*' }] }, /exactly one of Resource and NotResource/],
    ['a policy that is not an object', 'policy', /must be an object/],
  ])('%s throws', (_name, policy, error) => {
    expect(() => evaluatePolicy(policy, request())).toThrow(error);
  });
});

describe('resolveTemplatePolicies', () => {
  const env = { account: ACCOUNT, region: 'us-east-1' };

  function synthesize() {
    const stack = new Stack(newApp(), 'Stack');
    const bucket = new s3.Bucket(stack, 'B', { enforceSSL: true, bucketName: 'my-bucket' });
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'SsmWrite',
      principals: [new iam.ServicePrincipal('ssm.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('inventory/*')],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account, 's3:x-amz-acl': 'bucket-owner-full-control' },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ssm:*:${stack.account}:resource-data-sync/*` },
      },
    }));
    const key = new kms.Key(stack, 'K');
    new s3.Bucket(stack, 'Unnamed', { encryptionKey: key, enforceSSL: true });
    return { stack, template: Template.fromStack(stack).toJSON() };
  }

  const { template } = synthesize();
  const resolved = resolveTemplatePolicies(template, env);
  const keyId = Object.keys(template.Resources).find(id => template.Resources[id].Type === 'AWS::KMS::Key')!;
  const unnamedId = Object.keys(template.Resources).find(id => id.startsWith('Unnamed') && template.Resources[id].Type === 'AWS::S3::Bucket')!;
  const put = (context: Record<string, ContextValue>, principal: IamRequest['principal'] = SSM): IamRequest => ({
    principal,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::my-bucket/inventory/AWS:Application/accountid=${ACCOUNT}/region=us-east-1/i-1.json`,
    context,
  });
  const tls = {
    'aws:SecureTransport': 'true',
    'aws:SourceAccount': ACCOUNT,
    'aws:SourceArn': `arn:aws:ssm:eu-west-1:${ACCOUNT}:resource-data-sync/sync`,
    's3:x-amz-acl': 'bucket-owner-full-control',
  };

  test('finds the bucket and key policies under their ARNs, and names every resource', () => {
    expect(Object.keys(resolved.bucketPolicies).sort()).toEqual(['arn:aws:s3:::my-bucket', `arn:aws:s3:::${unnamedId.toLowerCase()}`]);
    expect(Object.keys(resolved.keyPolicies)).toEqual([`arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`]);
    expect(resolved.resources[keyId]).toEqual({ ref: keyId, arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}` });
    expect(Object.values(resolved.resources)).toContainEqual({ ref: 'my-bucket', arn: 'arn:aws:s3:::my-bucket' });
    expect(JSON.stringify(resolved)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  });

  test('a matching TLS request is allowed, the same over plain HTTP is explicitly denied', () => {
    const policy = resolved.bucketPolicies['arn:aws:s3:::my-bucket'];
    expect(evaluatePolicy(policy, put(tls))).toEqual({ decision: 'Allow', matchedSids: ['SsmWrite'] });
    const http = evaluatePolicy(policy, put({ ...tls, 'aws:SecureTransport': 'false' }));
    expect(http.decision).toBe('ExplicitDeny');
    expect(http.matchedSids).toEqual(['#0', 'SsmWrite']);
  });

  test('the allow is bound to the account, the sync ARN, the ACL and the prefix', () => {
    const policy = resolved.bucketPolicies['arn:aws:s3:::my-bucket'];
    expect(evaluatePolicy(policy, put({ ...tls, 'aws:SourceAccount': OTHER })).decision).toBe('ImplicitDeny');
    expect(evaluatePolicy(policy, put({ ...tls, 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${OTHER}:resource-data-sync/sync` })).decision).toBe('ImplicitDeny');
    expect(evaluatePolicy(policy, put({ ...tls, 's3:x-amz-acl': 'private' })).decision).toBe('ImplicitDeny');
    expect(evaluatePolicy(policy, { ...put(tls), resource: 'arn:aws:s3:::my-bucket/other/x' }).decision).toBe('ImplicitDeny');
    expect(evaluatePolicy(policy, put(tls, { aws: READER })).decision).toBe('ImplicitDeny');
  });

  test('the key policy delegates to the account, not to other accounts', () => {
    const policy = resolved.keyPolicies[`arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`];
    const decrypt = (aws: string): IamRequest => ({ principal: { aws }, action: 'kms:Decrypt', resource: resolved.resources[keyId].arn! });
    expect(evaluatePolicy(policy, decrypt(READER)).decision).toBe('Allow');
    expect(evaluatePolicy(policy, decrypt(`arn:aws:iam::${OTHER}:role/reader`)).decision).toBe('ImplicitDeny');
  });

  test('the partition comes from the env', () => {
    const cn = resolveTemplatePolicies(template, { ...env, partition: 'aws-cn' });
    expect(Object.keys(cn.bucketPolicies)).toContain('arn:aws-cn:s3:::my-bucket');
    expect(Object.keys(cn.keyPolicies)).toEqual([`arn:aws-cn:kms:us-east-1:${ACCOUNT}:key/${keyId}`]);
  });

  test('every policy of every committed snapshot resolves and evaluates', () => {
    const templates = Object.entries(committedSnapshotTemplates());
    expect(templates.length).toBeGreaterThan(0);
    let evaluated = 0;
    for (const [, t] of templates) {
      const r = resolveTemplatePolicies(t, env);
      for (const policy of [...Object.values(r.bucketPolicies), ...Object.values(r.keyPolicies)]) {
        expect(['Allow', 'ExplicitDeny', 'ImplicitDeny']).toContain(evaluatePolicy(policy, put(tls)).decision);
        evaluated++;
      }
    }
    expect(evaluated).toBeGreaterThan(10);
  });
});

describe('resolveValue', () => {
  const env = { account: ACCOUNT, region: 'eu-west-1' };
  const template = {
    Parameters: { Prefix: { Type: 'String', Default: 'inventory' }, NoDefault: { Type: 'String' } },
    Resources: {
      Bucket1: { Type: 'AWS::S3::Bucket' },
      Role1: { Type: 'AWS::IAM::Role' },
      Sync1: { Type: 'AWS::SSM::ResourceDataSync' },
    },
  };

  test.each<[string, unknown, unknown]>([
    ['pseudo parameters', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::StackName' }],
      ['aws', ACCOUNT, 'eu-west-1', 'amazonaws.com', 'Stack']],
    ['AWS::NoValue is dropped', { a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }] }, { b: [1] }],
    ['a parameter default', { Ref: 'Prefix' }, 'inventory'],
    ['a bucket without a name', [{ Ref: 'Bucket1' }, { 'Fn::GetAtt': ['Bucket1', 'Arn'] }], ['bucket1', 'arn:aws:s3:::bucket1']],
    ['a role', { 'Fn::GetAtt': 'Role1.Arn' }, `arn:aws:iam::${ACCOUNT}:role/Role1`],
    ['another resource', { Ref: 'Sync1' }, 'Sync1'],
    ['Fn::Join', { 'Fn::Join': ['/', ['a', { Ref: 'Prefix' }]] }, 'a/inventory'],
    ['Fn::Sub string', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket1}/${Prefix}/${!Literal} ${Role1.Arn}' },
      `arn:aws:s3:::bucket1/inventory/\${Literal} arn:aws:iam::${ACCOUNT}:role/Role1`],
    ['Fn::Sub with variables', { 'Fn::Sub': ['${A}-${AWS::Region}', { A: { Ref: 'Prefix' } }] }, 'inventory-eu-west-1'],
    ['Fn::Select and Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }, 'b'],
  ])('%s', (_name, value, expected) => {
    expect(resolveValue(template, value, env)).toEqual(expected);
  });

  test.each<[string, unknown, RegExp]>([
    ['Fn::If', { 'Fn::If': ['C', 'a', 'b'] }, /unsupported intrinsic Fn::If/],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'x' }, /unsupported intrinsic/],
    ['a parameter without a default', { Ref: 'NoDefault' }, /no Default/],
    ['an unknown logical id', { Ref: 'Nope' }, /no resource or parameter Nope/],
    ['an unsupported attribute', { 'Fn::GetAtt': ['Bucket1', 'DomainName'] }, /unsupported Fn::GetAtt/],
    ['AWS::NoValue at the top', { Ref: 'AWS::NoValue' }, /NoValue/],
    ['Fn::Select out of range', { 'Fn::Select': [3, ['a']] }, /out of range/],
  ])('%s throws', (_name, value, error) => {
    expect(() => resolveValue(template, value, env)).toThrow(error);
  });
});
