import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, CfnParameter, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cfnLint } from './cfn-lint';
import { evaluatePolicy, IamRequest } from './iam/evaluate';
import { resolveTemplatePolicies, resolveValue } from './iam/template-policies';
import { USE_CASES } from './use-cases';
import { newApp, newStack, synthErrors } from './util';
import { InventoryBucket, ResourceDataSync, SyncDestination } from '../src';
import { describeStatements, estimatePolicySize, hash, resolvedPolicySize, upperBound, withUniqueSids } from '../src/policies';

/*
 * The synthesized bucket and key policies, evaluated request by request (test/iam/evaluate.ts):
 * what a sync may write, and everything else that must be denied.
 */

const ENV = { account: '111122223333', region: 'us-east-1' };
const OTHER = '999988887777';

/** What Systems Manager sends when a sync of `account` writes `key`, as the policies see it. */
interface PutOptions { kmsKeyArn?: string; acl?: boolean; secure?: boolean; sourceArn?: string; orgId?: string }
function put(bucketArn: string, key: string, account: string, options: PutOptions = {}): IamRequest {
  return {
    principal: { service: 'ssm.amazonaws.com' },
    action: 's3:PutObject',
    resource: `${bucketArn}/${key}`,
    context: {
      'aws:SecureTransport': options.secure === false ? 'false' : 'true',
      's3:TlsVersion': '1.2',
      'aws:SourceAccount': account,
      'aws:SourceArn': options.sourceArn ?? `arn:aws:ssm:us-east-1:${account}:resource-data-sync/inventory`,
      ...(options.orgId ? { 'aws:SourceOrgID': options.orgId } : {}),
      ...(options.acl === false ? {} : { 's3:x-amz-acl': 'bucket-owner-full-control' }),
      ...(options.kmsKeyArn ? { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': options.kmsKeyArn } : {}),
    },
  };
}

function generateDataKey(keyArn: string, account: string, sourceArn?: string): IamRequest {
  return {
    principal: { service: 'ssm.amazonaws.com' },
    action: 'kms:GenerateDataKey',
    resource: keyArn,
    context: { 'aws:SourceAccount': account, 'aws:SourceArn': sourceArn ?? `arn:aws:ssm:us-east-1:${account}:resource-data-sync/inventory` },
  };
}

/** Each sync of a template with its resolved destination, and the policies of its bucket and key. */
function syncsOf(stack: Stack) {
  const template = Template.fromStack(stack).toJSON();
  const known = !Token.isUnresolved(stack.account);
  const env = { account: known ? stack.account : ENV.account, region: known ? stack.region : ENV.region };
  const policies = resolveTemplatePolicies(template, env);
  return Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::SSM::ResourceDataSync' && r.Properties.S3Destination).map(r => {
    const destination = resolveValue(template, r.Properties.S3Destination, env) as any;
    const bucketArn = `arn:aws:s3:::${destination.BucketName}`;
    return {
      account: env.account,
      bucketArn,
      prefix: destination.BucketPrefix ? `${destination.BucketPrefix}/` : '',
      kmsKeyArn: destination.KMSKeyArn as string | undefined,
      bucketPolicy: policies.bucketPolicies[bucketArn],
      keyPolicy: destination.KMSKeyArn ? policies.keyPolicies[destination.KMSKeyArn] : undefined,
    };
  });
}

const decision = (policy: unknown, request: IamRequest) => evaluatePolicy(policy, request).decision;

/** Its own write is allowed and every other request denied, for one sync of a template. */
function expectOnlyItsOwnWrites(s: ReturnType<typeof syncsOf>[number]): void {
  const own = `${s.prefix}AWS:Application/accountid=${s.account}/region=us-east-1/resourcetype=ManagedInstanceInventory/i-0123456789abcdef0.json`;
  const key = { kmsKeyArn: s.kmsKeyArn };
  expect(decision(s.bucketPolicy, put(s.bucketArn, own, s.account, key))).toBe('Allow');
  // Another account's folder, another account's sync, no ACL, plain HTTP, a wrong key, a nested account path.
  const others = `${s.prefix}AWS:Application/accountid=${OTHER}/region=us-east-1/resourcetype=ManagedInstanceInventory/i-1.json`;
  expect(decision(s.bucketPolicy, put(s.bucketArn, others, s.account, key))).not.toBe('Allow');
  expect(decision(s.bucketPolicy, put(s.bucketArn, others, OTHER, key))).not.toBe('Allow');
  expect(decision(s.bucketPolicy, put(s.bucketArn, own, s.account, { ...key, acl: false }))).not.toBe('Allow');
  expect(decision(s.bucketPolicy, put(s.bucketArn, own, s.account, { ...key, secure: false }))).toBe('ExplicitDeny');
  expect(decision(s.bucketPolicy, put(s.bucketArn, `${s.prefix}AWS:Application/accountid=${OTHER}/AWS:Application/accountid=${s.account}/region=us-east-1/i-1.json`, s.account, key))).toBe('ExplicitDeny');
  if (s.kmsKeyArn) {
    expect(decision(s.bucketPolicy, put(s.bucketArn, own, s.account, { kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000' }))).not.toBe('Allow');
    expect(decision(s.bucketPolicy, put(s.bucketArn, own, s.account, {}))).not.toBe('Allow');
  }
  // Another Systems Manager feature of the same account (not a resource data sync).
  expect(decision(s.bucketPolicy, put(s.bucketArn, own, s.account, { ...key, sourceArn: `arn:aws:ssm:us-east-1:${s.account}:association/abc` }))).not.toBe('Allow');
  // The service may check the bucket's ACL, and may not read the data.
  expect(decision(s.bucketPolicy, { principal: { service: 'ssm.amazonaws.com' }, action: 's3:GetBucketAcl', resource: s.bucketArn, context: { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.2' } })).toBe('Allow');
  expect(decision(s.bucketPolicy, { principal: { service: 'ssm.amazonaws.com' }, action: 's3:GetObject', resource: `${s.bucketArn}/${own}`, context: { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.2', 'aws:SourceAccount': s.account } })).not.toBe('Allow');
  if (s.keyPolicy) {
    expect(decision(s.keyPolicy, generateDataKey(s.kmsKeyArn!, s.account))).toBe('Allow');
    expect(decision(s.keyPolicy, generateDataKey(s.kmsKeyArn!, OTHER))).not.toBe('Allow');
    expect(decision(s.keyPolicy, { ...generateDataKey(s.kmsKeyArn!, s.account), action: 'kms:Decrypt' })).not.toBe('Allow');
  }
}

// Each use case is built in its test: a stack that fails to build fails that test, not the file.
test.each(Object.entries(USE_CASES))('%s: each sync\'s own write is allowed and every other request denied', (_, build) => {
  const all = syncsOf(build());
  const syncs = all.filter(s => s.bucketPolicy !== undefined);
  if (syncs.length === 0) {
    // Explorer, or a bucket of another account: no bucket policy of its own to evaluate.
    expect(all.map(s => s.bucketPolicy)).toEqual(all.map(() => undefined));
  }
  syncs.forEach(expectOnlyItsOwnWrites);
});

describe('listed accounts', () => {
  function central(accounts: string[], prefix = 'inv') {
    const stack = newStack({ env: ENV });
    const bucket = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory', prefix, sourceAccounts: accounts });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(bucket) });
    return stack;
  }
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(200000000000 + i));

  test('no listed account can write into another account\'s folder, even with a prefix that ends in accountid=<other>', () => {
    const [s] = syncsOf(central(['444455556666', '777788889999']));
    const intoOther = 'inv/AWS:Application/accountid=777788889999/AWS:Application/accountid=444455556666/region=us-east-1/resourcetype=ManagedInstanceInventory/i-1.json';
    const result = evaluatePolicy(s.bucketPolicy, put(s.bucketArn, intoOther, '444455556666', { kmsKeyArn: s.kmsKeyArn }));
    expect(result.decision).toBe('ExplicitDeny');
    expect(result.matchedSids).toContain('SSMBucketDeliveryDenyOtherAccountPaths');
    // Without the Deny, the account's own Allow would have matched: IAM's * spans "/".
    expect(result.matchedSids).toContain('SSMBucketDelivery444455556666');
  });

  test.each([1, 19, 20, 34, 35, 100, 1000])('%i accounts and the stack\'s own: both policies stay under their limits, and each account writes only under its own path', n => {
    const listed = accounts(n);
    const stack = central(listed);
    const template = Template.fromStack(stack).toJSON();
    const policies = resolveTemplatePolicies(template, ENV);
    const bucketPolicy = policies.bucketPolicies['arn:aws:s3:::central-inventory'] as any;
    const keyPolicy = Object.values(policies.keyPolicies)[0] as any;
    expect(JSON.stringify(bucketPolicy).length).toBeLessThan(20 * 1024);
    expect(JSON.stringify(keyPolicy).length).toBeLessThan(32 * 1024);
    const [s] = syncsOf(stack);
    for (const account of [listed[0], listed[n - 1], ENV.account]) {
      const own = `inv/AWS:Network/accountid=${account}/region=eu-west-1/resourcetype=ManagedInstanceInventory/i-1.json`;
      expect(decision(bucketPolicy, put(s.bucketArn, own, account, { kmsKeyArn: s.kmsKeyArn }))).toBe('Allow');
      expect(decision(bucketPolicy, put(s.bucketArn, own.replace(account, OTHER), account, { kmsKeyArn: s.kmsKeyArn }))).not.toBe('Allow');
      expect(decision(keyPolicy, generateDataKey(s.kmsKeyArn!, account))).toBe('Allow');
    }
    expect(decision(bucketPolicy, put(s.bucketArn, `inv/AWS:Network/accountid=${OTHER}/x.json`, OTHER, { kmsKeyArn: s.kmsKeyArn }))).not.toBe('Allow');
    expect(decision(keyPolicy, generateDataKey(s.kmsKeyArn!, OTHER))).not.toBe('Allow');
    // Up to 20 writing accounts: one statement each (AWS's form), in both policies; past that, one compact statement.
    const delivery = bucketPolicy.Statement.filter((x: any) => x.Effect === 'Allow' && x.Action === 's3:PutObject');
    expect(delivery).toHaveLength(n + 1 > 20 ? 1 : n + 1);
    const encrypt = keyPolicy.Statement.filter((x: any) => x.Principal?.Service === 'ssm.amazonaws.com');
    expect(encrypt).toHaveLength(n + 1 > 20 ? 1 : n + 1);
    // The Sids every earlier version wrote (a changed Sid rewrites the deployed policies).
    if (n + 1 > 20) {
      expect([delivery[0].Sid, encrypt[0].Sid]).toEqual(['SSMBucketDeliveryEachListedAccount', 'SSMResourceDataSyncEncryptEachListedAccount']);
    } else {
      expect(delivery.map((x: any) => x.Sid)).toContain(`SSMBucketDelivery${listed[n - 1]}`);
    }
  });

  test('too many accounts for S3\'s 20 KB: a synth error with the estimated size and the alternatives', () => {
    const stack = central(accounts(1500));
    const errors = synthErrors(stack);
    expect(errors).toMatch(/\[Stack\/Central\] the bucket policy would be about 2\d KB with 1501 writing accounts; the limit is 20 KB\. Grant the whole organization instead \(organizationId\)/);
  });

  test('at S3\'s 20 KB, the size check follows the deployed policy: one over the limit is an error, one 2 % under it synthesizes', () => {
    const LIMIT = 20 * 1024;
    /** The bucket policy as deployed (JSON without white space, every reference resolved), validation skipped. */
    const deployedSize = (n: number) => {
      const stack = central(accounts(n));
      const template = (stack.node.root as App).synth({ skipValidation: true, force: true }).getStackByName(stack.stackName).template;
      return JSON.stringify(resolveTemplatePolicies(template, ENV).bucketPolicies['arn:aws:s3:::central-inventory']).length;
    };
    // The compact form grows by the same bytes for each account: find the counts at the limit.
    const [low, high] = [1000, 1100];
    const perAccount = (deployedSize(high) - deployedSize(low)) / (high - low);
    const sizeOf = (n: number) => deployedSize(low) + (n - low) * perAccount;
    const over = low + Math.floor((LIMIT - sizeOf(low)) / perAccount) + 1;
    const under = low + Math.floor((0.98 * LIMIT - sizeOf(low)) / perAccount);
    expect(deployedSize(over)).toBeGreaterThan(LIMIT);
    expect(deployedSize(over - 1)).toBeLessThanOrEqual(LIMIT);
    expect(synthErrors(central(accounts(over)))).toContain(`the bucket policy would be about 20 KB with ${over + 1} writing accounts; the limit is 20 KB.`);
    expect(deployedSize(under)).toBeLessThanOrEqual(0.98 * LIMIT);
    expect(synthErrors(central(accounts(under)))).toBe('');
  });
});

describe('accounts known only at deploy time (a token list)', () => {
  test('each account of the list, as resolved at deploy, may write its inventory and encrypt it; no other account, and no other feature', () => {
    const stack = newStack({ env: ENV });
    const listed = new CfnParameter(stack, 'Writers', { type: 'String', default: '444455556666,777788889999' });
    const bucket = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory', prefix: 'inv', sourceAccounts: Fn.split(',', listed.valueAsString) });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(bucket) });
    const [s] = syncsOf(stack);
    const member = (account: string, region = 'eu-west-1') => ({ kmsKeyArn: s.kmsKeyArn, sourceArn: `arn:aws:ssm:${region}:${account}:resource-data-sync/inventory` });
    for (const account of ['444455556666', '777788889999', ENV.account]) {
      const own = `inv/AWS:Application/accountid=${account}/region=eu-west-1/resourcetype=ManagedInstanceInventory/i-1.json`;
      expect(decision(s.bucketPolicy, put(s.bucketArn, own, account, member(account)))).toBe('Allow');
      expect(decision(s.keyPolicy, generateDataKey(s.kmsKeyArn!, account, member(account).sourceArn))).toBe('Allow');
      expect(decision(s.bucketPolicy, put(s.bucketArn, own, account, { ...member(account), sourceArn: `arn:aws:ssm:eu-west-1:${account}:association/x` }))).not.toBe('Allow');
    }
    const outsider = `inv/AWS:Application/accountid=${OTHER}/region=eu-west-1/i-1.json`;
    expect(decision(s.bucketPolicy, put(s.bucketArn, outsider, OTHER, member(OTHER)))).not.toBe('Allow');
    expect(decision(s.keyPolicy, generateDataKey(s.kmsKeyArn!, OTHER, member(OTHER).sourceArn))).not.toBe('Allow');
  });
});

describe('the partition of the destination\'s Region', () => {
  test.each([
    ['us-east-1', 'aws'], ['cn-north-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'], ['us-isob-east-1', 'aws-iso-b'],
    ['us-isof-south-1', 'aws-iso-f'], ['eu-isoe-west-1', 'aws-iso-e'], ['eusc-de-east-1', 'aws-eusc'],
    // Regions newer than aws-cdk-lib: their partition from the prefix.
    ['us-gov-east-9', 'aws-us-gov'], ['eusc-fr-west-9', 'aws-eusc'],
  ])('a central bucket in %s: syncs of partition %s may write, a sync ARN of another partition may not', (region, partition) => {
    const env = { account: ENV.account, region };
    const stack = new Stack(newApp(), 'Stack', { env });
    const bucket = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory' });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(bucket) });
    const template = Template.fromStack(stack).toJSON();
    const policies = resolveTemplatePolicies(template, { ...env, partition });
    const bucketArn = `arn:${partition}:s3:::central-inventory`;
    const [keyArn, keyPolicy] = Object.entries(policies.keyPolicies)[0];
    const own = `AWS:Application/accountid=${ENV.account}/region=${region}/i-1.json`;
    const syncArn = (p: string) => `arn:${p}:ssm:${region}:${ENV.account}:resource-data-sync/inventory`;
    expect(decision(policies.bucketPolicies[bucketArn], put(bucketArn, own, ENV.account, { kmsKeyArn: keyArn, sourceArn: syncArn(partition) }))).toBe('Allow');
    expect(decision(keyPolicy, generateDataKey(keyArn, ENV.account, syncArn(partition)))).toBe('Allow');
    const other = partition === 'aws' ? 'aws-cn' : 'aws';
    expect(decision(policies.bucketPolicies[bucketArn], put(bucketArn, own, ENV.account, { kmsKeyArn: keyArn, sourceArn: syncArn(other) }))).not.toBe('Allow');
    expect(decision(keyPolicy, generateDataKey(keyArn, ENV.account, syncArn(other)))).not.toBe('Allow');
  });
});

describe('the Systems Manager principal', () => {
  // The library writes ssm.amazonaws.com as a literal (no token to resolve per statement); it must be
  // what aws-cdk-lib's own ServicePrincipal writes for the stack, in every partition and Region.
  test.each<[string, string | undefined]>([
    ['us-east-1', 'us-east-1'], ['cn-north-1', 'cn-north-1'], ['us-gov-west-1', 'us-gov-west-1'], ['us-iso-east-1', 'us-iso-east-1'],
    ['af-south-1 (opt-in)', 'af-south-1'], ['eusc-de-east-1', 'eusc-de-east-1'], ['an environment-agnostic stack', undefined],
  ])('in %s: the same as new ServicePrincipal()', (_, region) => {
    const stack = new Stack(newApp(), 'Stack', region ? { env: { account: ENV.account, region } } : undefined);
    new ResourceDataSync(stack, 'Inventory');
    const byCdk = stack.resolve(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('ssm.amazonaws.com')], actions: ['s3:GetBucketAcl'], resources: ['*'] }).toStatementJson()).Principal.Service;
    const template = Template.fromStack(stack).toJSON();
    const services = Object.values<any>(template.Resources)
      .flatMap(r => (r.Properties.PolicyDocument ?? r.Properties.KeyPolicy)?.Statement ?? [])
      .filter((statement: any) => statement.Principal?.Service)
      .map((statement: any) => statement.Principal.Service);
    expect(services.length).toBeGreaterThanOrEqual(3); // the bucket check, the bucket delivery, the key
    expect(new Set(services)).toEqual(new Set([byCdk]));
  });
});

describe('an organization', () => {
  test('writes from any member\'s resource data sync are allowed; other Systems Manager features and other organizations are not', () => {
    const stack = newStack({ env: ENV });
    const bucket = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory', organizationId: 'o-a1b2c3d4e5' });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(bucket) });
    const [s] = syncsOf(stack);
    const key = `AWS:Application/accountid=${OTHER}/region=us-east-1/resourcetype=ManagedInstanceInventory/i-1.json`;
    const member = { kmsKeyArn: s.kmsKeyArn, orgId: 'o-a1b2c3d4e5' };
    expect(decision(s.bucketPolicy, put(s.bucketArn, key, OTHER, member))).toBe('Allow');
    expect(decision(s.bucketPolicy, put(s.bucketArn, key, OTHER, { ...member, orgId: 'o-zzzzzzzzzz' }))).not.toBe('Allow');
    expect(decision(s.bucketPolicy, put(s.bucketArn, key, OTHER, { ...member, sourceArn: `arn:aws:ssm:us-east-1:${OTHER}:association/x` }))).not.toBe('Allow');
    expect(decision(s.bucketPolicy, put(s.bucketArn, `AWS:Application/accountid=${ENV.account}/AWS:Application/accountid=${OTHER}/i-1.json`, OTHER, member))).toBe('ExplicitDeny');
    const orgKey = { ...generateDataKey(s.kmsKeyArn!, OTHER), context: { 'aws:SourceOrgID': 'o-a1b2c3d4e5', 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${OTHER}:resource-data-sync/x` } };
    expect(decision(s.keyPolicy, orgKey)).toBe('Allow');
    expect(decision(s.keyPolicy, { ...orgKey, context: { ...orgKey.context, 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${OTHER}:opsitem/x` } })).not.toBe('Allow');
  });
});

describe('unique Sids', () => {
  function sids(document: any): string[] {
    return document.Statement.map((s: any) => s.Sid).filter(Boolean);
  }

  test('two prefixes on one bucket, and account ids given as separate tokens: every Sid in each policy is unique, and cfn-lint agrees', () => {
    const stack = newStack({ env: ENV });
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    new ResourceDataSync(stack, 'A', { destination: SyncDestination.fromBucket(bucket, { prefix: 'a' }) });
    new ResourceDataSync(stack, 'B', { destination: SyncDestination.fromBucket(bucket, { prefix: 'b' }) });
    const central = new InventoryBucket(stack, 'Central', { sourceAccounts: [Token.asString({ Ref: 'AccountOne' }), Token.asString({ Ref: 'AccountTwo' })] });
    new ResourceDataSync(stack, 'C', { destination: SyncDestination.fromInventoryBucket(central) });
    const template = Template.fromStack(stack).toJSON();
    template.Parameters = { ...template.Parameters, AccountOne: { Type: 'String' }, AccountTwo: { Type: 'String' } };
    const documents = Object.values<any>(template.Resources).flatMap(r => [r.Properties?.PolicyDocument, r.Properties?.KeyPolicy].filter(Boolean));
    expect(documents.length).toBe(4);
    for (const document of documents) {
      const all = sids(document);
      expect(new Set(all).size).toBe(all.length);
    }
    // The statements for both prefixes are there.
    const bucketPolicy = JSON.stringify(documents[1]);
    expect(bucketPolicy).toContain('/a/*/accountid=111122223333/*');
    expect(bucketPolicy).toContain('/b/*/accountid=111122223333/*');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rds-sids-')), 'template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    expect(cfnLint([file]).output).toBe('');
  });
});

test('hashed Sid suffixes do not move between versions (a changed Sid rewrites a deployed bucket policy)', () => {
  // Two syncs with different prefixes on one bucket: the second statement of each Sid gets a suffix,
  // hashed from its resolved content. These are the suffixes every earlier version wrote.
  const stack = new Stack(newApp(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  const bucket = new s3.Bucket(stack, 'B');
  new ResourceDataSync(stack, 'One', { destination: SyncDestination.fromBucket(bucket, { prefix: 'one' }) });
  new ResourceDataSync(stack, 'Two', { destination: SyncDestination.fromBucket(bucket, { prefix: 'two' }) });
  const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'));
  expect(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid).filter(Boolean)).toEqual([
    'SSMBucketPermissionsCheck', 'SSMBucketDelivery111111111111', 'SSMBucketDeliveryDenyOtherAccountPaths',
    'SSMBucketDelivery1111111111117CD15F3C', 'SSMBucketDeliveryDenyOtherAccountPaths70D5D09D',
  ]);
});

describe('unique Sids, statement by statement (withUniqueSids)', () => {
  const statement = (sid: string | undefined, action: string) => new iam.PolicyStatement({ sid, actions: [action], resources: ['*'] });
  /** The content a Sid suffix is hashed from: the resolved statement with an empty Sid. */
  const contentOf = (stack: Stack, s: iam.PolicyStatement) => JSON.stringify(stack.resolve(s.copy({ sid: '' }).toStatementJson()));

  test('a statement already in the policy is left out, recognised without resolving it; a different one under a taken Sid gets its content\'s hash', () => {
    const stack = newStack({ env: ENV });
    const owner = new s3.Bucket(stack, 'B');
    const added = withUniqueSids(owner, [statement('S', 's3:GetObject'), statement('S', 's3:PutObject')]);
    expect(added.map(s => s.sid)).toEqual(['S', 'S8F9DF4F6']);
    expect(withUniqueSids(owner, [statement('S', 's3:GetObject'), statement('S', 's3:PutObject')])).toEqual([]);
    const resolve = jest.spyOn(stack, 'resolve');
    expect(withUniqueSids(owner, [statement('S', 's3:GetObject')])).toEqual([]);
    expect(resolve).not.toHaveBeenCalled();
    // Another owner's policy has Sids of its own.
    expect(withUniqueSids(new s3.Bucket(stack, 'Other'), [statement('S', 's3:PutObject')]).map(s => s.sid)).toEqual(['S']);
  });

  test('a hashed Sid already taken by another statement: the next suffix is hashed from the content and 1, and stays the same between versions', () => {
    const stack = newStack({ env: ENV });
    const owner = new s3.Bucket(stack, 'B');
    const putObject = statement('S', 's3:PutObject');
    const taken = `S${hash(contentOf(stack, putObject)).slice(0, 8)}`;
    expect(taken).toBe('S8F9DF4F6');
    const added = withUniqueSids(owner, [statement(taken, 's3:DeleteObject'), statement('S', 's3:GetObject'), putObject]);
    expect(added.map(s => s.sid)).toEqual([taken, 'S', 'S5DFDC103']);
    expect(hash(`${contentOf(stack, putObject)}1`).slice(0, 8)).toBe('5DFDC103');
  });

  test('statements without a Sid: the first keeps none, a different one gets "Statement" and its hash, the same one again is left out', () => {
    const stack = newStack({ env: ENV });
    const owner = new s3.Bucket(stack, 'B');
    const added = withUniqueSids(owner, [statement(undefined, 's3:GetObject'), statement(undefined, 's3:PutObject'), statement(undefined, 's3:GetObject')]);
    expect(added.map(s => s.sid)).toEqual([undefined, 'Statement8F9DF4F6']);
  });
});

describe('the size bound and the pasteable statements', () => {
  test('a document without tokens: the bound is its exact size, and nothing is resolved for it', () => {
    const stack = newStack();
    const resolve = jest.spyOn(stack, 'resolve');
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::central/inv/*' }] };
    expect(upperBound(stack, document)).toBe(Buffer.byteLength(JSON.stringify(document)));
    expect(resolve).not.toHaveBeenCalled();
    expect(estimatePolicySize(stack, document)).toBe(resolvedPolicySize(stack, document));
  });

  test('a reference to a resource attribute counts as 2.5 reference sizes, without resolving anything', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const resolve = jest.spyOn(stack, 'resolve');
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: bucket.arnForObjects('inv/*') }] };
    expect(upperBound(stack, document)).toBe(Buffer.byteLength(JSON.stringify(document)) + 200);
    expect(resolve).not.toHaveBeenCalled();
  });

  test('a reference in a condition key counts too (a key that resolves to more than its token\'s marker)', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { [`${bucket.bucketName}:sub`]: 'x' } } }] };
    expect(upperBound(stack, document)).toBe(Buffer.byteLength(JSON.stringify(document)) + 200);
  });

  test('an object written through its toJSON is judged by what it writes', () => {
    const stack = newStack();
    const accounts = Lazy.any({ produce: () => ['111122223333'] });
    const writesToken = { Statement: [{ Effect: 'Allow', Condition: { toJSON: () => ({ StringEquals: { 'aws:SourceAccount': accounts } }) } }] };
    expect(upperBound(stack, writesToken)).toBeUndefined();
    const writesText = { Statement: [{ Effect: 'Allow', Condition: { toJSON: () => ({ StringEquals: { 'aws:SourceAccount': '111122223333' } }) } }] };
    expect(upperBound(stack, writesText)).toBe(Buffer.byteLength(JSON.stringify(writesText)));
    // null is written as it is (it is no object to walk), a plain number too.
    const plainValues = { Statement: [{ Effect: 'Allow', Sid: null, Condition: { NumericLessThan: { 's3:max-keys': 10 } } }] };
    expect(upperBound(stack, plainValues)).toBe(Buffer.byteLength(JSON.stringify(plainValues)));
    const writesNumber = { Statement: [{ Effect: 'Allow', Condition: { toJSON: () => ({ NumericLessThan: { 's3:max-keys': Token.asNumber(Lazy.any({ produce: () => 10 })) } }) } }] };
    expect(upperBound(stack, writesNumber)).toBeUndefined();
  });

  test('another string token counts as its resolved JSON plus a reference size per intrinsic in it, and never below the resolved size', () => {
    const stack = newStack();
    const block = Fn.select(0, Fn.cidr('10.0.0.0/16', 2, '8')); // {"Fn::Select":[0,{"Fn::Cidr":[...]}]}: two intrinsics, three arrays, four plain values
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::central/${block}/*` }] };
    const tokenJson = Buffer.byteLength(JSON.stringify(stack.resolve([block])));
    expect(upperBound(stack, document)).toBe(Buffer.byteLength(JSON.stringify(document)) + tokenJson + 2 * 80);
    expect(upperBound(stack, document)!).toBeGreaterThanOrEqual(resolvedPolicySize(stack, document));
  });

  test('a whole-value token or a number token may stand for anything: no bound, and the estimate resolves the document', () => {
    const stack = newStack();
    const accounts = Array.from({ length: 200 }, (_, i) => String(100000000000 + i));
    const lazyAccounts = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: ['*'],
        principals: [new iam.ServicePrincipal('ssm.amazonaws.com')],
        conditions: { StringEquals: { 'aws:SourceAccount': Lazy.any({ produce: () => accounts }) } },
      })],
    });
    expect(upperBound(stack, lazyAccounts)).toBeUndefined();
    expect(estimatePolicySize(stack, lazyAccounts)).toBe(resolvedPolicySize(stack, lazyAccounts));
    expect(estimatePolicySize(stack, lazyAccounts)).toBeGreaterThan(accounts.length * 12);
    const resolvable = { Statement: [{ Resource: { resolve: () => accounts.map(a => `arn:aws:s3:::central/accountid=${a}/*`) } }] };
    expect(upperBound(stack, resolvable)).toBeUndefined();
    const numbered = { Statement: [{ Condition: { NumericLessThan: { 's3:max-keys': Token.asNumber(Lazy.any({ produce: () => 10 })) } } }] };
    expect(upperBound(stack, numbered)).toBeUndefined();
  });

  test('a token list (Token.asList) stands for any number of values: no bound, and a list of 1,500 object ARNs over S3\'s 20 KB is a synth error', () => {
    const stack = newStack();
    const arns = Array.from({ length: 1500 }, (_, i) => `arn:aws:s3:::central/readers/${100000000000 + i}/*`);
    const statement = () => new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: Token.asList(Lazy.list({ produce: () => arns })),
      principals: [new iam.AnyPrincipal()],
    });
    // In the document, the list is one short element: '#{Token[TOKEN.n]}'.
    const document = new iam.PolicyDocument({ statements: [statement()] });
    expect(upperBound(stack, document)).toBeUndefined();
    expect(estimatePolicySize(stack, document)).toBe(resolvedPolicySize(stack, document));
    expect(estimatePolicySize(stack, document)).toBeGreaterThan(20 * 1024);

    const central = new InventoryBucket(stack, 'Central');
    central.bucket.addToResourcePolicy(statement());
    expect(synthErrors(stack)).toMatch(/\[Stack\/Central\] the bucket policy would be about \d\d KB/);
  });

  test('a user statement with a whole-value token over S3\'s 20 KB (a Lazy list of accounts in a condition): a synth error', () => {
    const stack = newStack();
    const central = new InventoryBucket(stack, 'Central');
    const readers = Array.from({ length: 1500 }, (_, i) => String(100000000000 + i));
    central.bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [central.bucket.arnForObjects('*')],
      principals: [new iam.AnyPrincipal()],
      conditions: { StringEquals: { 'aws:PrincipalAccount': Lazy.any({ produce: () => readers }) } },
    }));
    expect(synthErrors(stack)).toMatch(/\[Stack\/Central\] the bucket policy would be about 2\d KB/);
  });

  test('no document: size 0', () => {
    const stack = newStack();
    expect(estimatePolicySize(stack, undefined)).toBe(0);
  });

  test('statements to paste: pseudo parameters, references and other intrinsics become what a person fills in', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
    const param = new CfnParameter(stack, 'Folder');
    const key = new kms.Key(stack, 'Key');
    const statement = new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [
        `arn:${Aws.PARTITION}:s3:::central/${Aws.REGION}/${Aws.ACCOUNT_ID}/${Aws.URL_SUFFIX}/${param.valueAsString}/*`,
        key.keyArn,
        Fn.importValue('SharedBucketArn'),
      ],
    });
    const pasted = JSON.parse(describeStatements(stack, [statement]));
    expect(pasted[0].Resource).toEqual([
      'arn:aws:s3:::central/<the Region of the stack that deploys the sync>/<the account id of the stack that deploys the sync>/amazonaws.com/<the value of Folder>/*',
      `<the Arn of ${stack.getLogicalId(key.node.defaultChild as kms.CfnKey)}>`,
      '<a value computed at deploy time: "SharedBucketArn">',
    ]);
  });
});
