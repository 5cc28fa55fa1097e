import { App, Annotations as CoreAnnotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { newApp, newStack, synthErrors } from './util';
import { DestinationEncryption, InventoryBucket, ResourceDataSync, SyncDestination } from '../src';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function bucketPolicyAllows(template: Template): any[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement)
    .filter((s: any) => s.Effect === 'Allow');
}

function keyPolicySsm(template: Template): any[] {
  return Object.values(template.findResources('AWS::KMS::Key'))
    .flatMap(k => k.Properties.KeyPolicy.Statement)
    .filter((s: any) => s.Principal?.Service === 'ssm.amazonaws.com');
}

describe('SyncDestination.newBucket options', () => {
  test('prefix: the sync writes under it and the policy allows only under it', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ prefix: 'inventory' }) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { BucketPrefix: 'inventory' } });
    const delivery = bucketPolicyAllows(template).find(s => s.Action === 's3:PutObject');
    expect(delivery.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^InventoryBucket/), 'Arn'] }, '/inventory/*/accountid=', { Ref: 'AWS::AccountId' }, '/*']],
    });
  });

  test('S3_MANAGED: no key, no KMSKeyArn, no encryption conditions, no Bucket Key', () => {
    const stack = newStack();
    const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ encryption: DestinationEncryption.S3_MANAGED }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { KMSKeyArn: Match.absent() } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const delivery = bucketPolicyAllows(template).find(s => s.Action === 's3:PutObject');
    expect(Object.keys(delivery.Condition.StringEquals).sort()).toEqual(['aws:SourceAccount', 's3:x-amz-acl']);
    expect(sync.encryptionKey).toBeUndefined();
  });

  test('encryptionKey: the given key encrypts the bucket and gets the statement; no new key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey');
    const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ encryptionKey: key }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { KMSKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } } });
    expect(keyPolicySsm(template)).toHaveLength(1);
    expect(sync.encryptionKey).toBe(key);
  });

  test('encryptionKey with S3_MANAGED is an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', {
      destination: SyncDestination.newBucket({ encryption: DestinationEncryption.S3_MANAGED, encryptionKey: new kms.Key(stack, 'K') }),
    });
    expect(synthErrors(stack)).toContain('[Stack/Inventory] destination encryption is S3_MANAGED but an encryptionKey is given');
  });

  test('removalPolicy DESTROY applies to the bucket and the key', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ removalPolicy: RemovalPolicy.DESTROY }) });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('noncurrentVersionExpiration, serverAccessLogsBucket and bucketName are applied', () => {
    const stack = newStack();
    const logs = new s3.Bucket(stack, 'Logs');
    new ResourceDataSync(stack, 'Inventory', {
      destination: SyncDestination.newBucket({
        noncurrentVersionExpiration: Duration.days(30),
        serverAccessLogsBucket: logs,
        bucketName: 'central-inventory-bucket',
      }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'central-inventory-bucket',
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^Logs') } },
    });
  });

  test('an invalid bucketName is an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ bucketName: 'Central_Inventory' }) });
    expect(synthErrors(stack)).toContain('[Stack/Inventory] destination bucketName "Central_Inventory" is not a valid S3 bucket name');
  });
});

describe('one destination shared by several syncs', () => {
  test('one newBucket() given to two syncs is an error that names both and points at InventoryBucket', () => {
    const stack = newStack();
    const destination = SyncDestination.newBucket({ prefix: 'inv' });
    new ResourceDataSync(stack, 'A', { destination });
    new ResourceDataSync(stack, 'B', { destination });
    const errors = synthErrors(stack);
    expect(errors).toContain('[Stack/B] this sync is given the SyncDestination.newBucket() that already made the bucket of Stack/A');
    expect(errors).toContain('To share a bucket, make it an InventoryBucket and give each sync SyncDestination.fromInventoryBucket with it.');
  });

  test('one newBucket() object used in two apps (a test fixture) makes a bucket in each, with no cross-app state', () => {
    const destination = SyncDestination.newBucket({ prefix: 'inv' });
    for (let i = 0; i < 2; i++) {
      const stack = newStack();
      new ResourceDataSync(stack, 'A', { destination });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::S3::Bucket', 1);
      expect(Object.keys(template.findResources('AWS::S3::Bucket'))[0]).toMatch(/^ABucket/);
    }
  });

  test('an InventoryBucket: one bucket, one key, one policy and no duplicated statement', () => {
    const stack = newStack();
    const central = new InventoryBucket(stack, 'Central', { prefix: 'inv' });
    const destination = SyncDestination.fromInventoryBucket(central);
    const a = new ResourceDataSync(stack, 'A', { destination });
    const b = new ResourceDataSync(stack, 'B', { destination });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    template.resourceCountIs('AWS::SSM::ResourceDataSync', 2);
    expect(bucketPolicyAllows(template)).toHaveLength(2);
    expect(keyPolicySsm(template)).toHaveLength(1);
    expect(a.bucket).toBe(b.bucket);
    // Both syncs wait for the policy.
    const policyId = Object.keys(template.findResources('AWS::S3::BucketPolicy'))[0];
    for (const sync of Object.values(template.findResources('AWS::SSM::ResourceDataSync'))) {
      expect(sync.DependsOn).toContain(policyId);
    }
  });
});

describe('SyncDestination.fromBucket', () => {
  test('a bucket and key in the app get the statements; the sync depends on both', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket, { prefix: 'inventory', encryptionKey: key }) });
    const template = Template.fromStack(stack);
    expect(bucketPolicyAllows(template).map(s => s.Sid)).toEqual(['SSMBucketPermissionsCheck', 'SSMBucketDelivery']);
    expect(keyPolicySsm(template).map(s => s.Action)).toEqual(['kms:GenerateDataKey']);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', {
      S3Destination: { BucketPrefix: 'inventory', KMSKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    const sync = Object.values(template.findResources('AWS::SSM::ResourceDataSync'))[0];
    expect(sync.DependsOn).toEqual([Object.keys(template.findResources('AWS::S3::BucketPolicy'))[0]]);
    expect(sync.Properties.S3Destination.KMSKeyArn).toEqual({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('the bucket\'s own encryption key is used when no key is given', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS });
    const sync = new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
    expect(sync.encryptionKey).toBe(bucket.encryptionKey);
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      S3Destination: { KMSKeyArn: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) },
    });
  });

  test('a bucket in another stack of the same environment gets the statements in its own stack', () => {
    const app = newApp();
    const data = new Stack(app, 'Data');
    const bucket = new s3.Bucket(data, 'Bucket');
    const ops = new Stack(app, 'Ops');
    new ResourceDataSync(ops, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
    expect(bucketPolicyAllows(Template.fromStack(data))).toHaveLength(2);
    expect(ops.dependencies).toContain(data);
  });

  test('an imported bucket gets no policy and a warning that shows the exact statements', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'their-bucket');
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket, { prefix: 'inv' }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Sync', Match.stringLikeRegexp('^The destination bucket "their-bucket" is not defined in this app'));
    const warning = Annotations.fromStack(stack).findWarning('/Stack/Sync', Match.anyValue())[0].entry.data as string;
    expect(warning).toContain('[ack: cdk-ssm-resource-data-sync:bucketPolicyNotManaged]');
    const statements = JSON.parse(warning.slice(warning.indexOf('['), warning.lastIndexOf(']') + 1).replace(/ \[ack: [^\]]*\]$/, ''));
    expect(statements.map((s: any) => s.Sid)).toEqual(['SSMBucketPermissionsCheck', 'SSMBucketDelivery', 'SSMBucketDeliveryDenyOtherAccountPaths']);
    // JSON a person can paste: no intrinsics; what only the deploy knows is a placeholder that says what to fill in.
    expect(statements[0].Resource).toBe('arn:<partition, such as aws>:s3:::their-bucket');
    expect(statements[1].Resource).toBe('arn:<partition, such as aws>:s3:::their-bucket/inv/*/accountid=<the account id of the stack that deploys the sync>/*');
    expect(warning).not.toContain('Fn::');
  });

  test('in a known environment the warning prints literal policy JSON, even without the recommended feature flags', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'cn-north-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'their-bucket');
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket, { prefix: 'inv' }) });
    const warning = Annotations.fromStack(stack).findWarning('/Stack/Sync', Match.stringLikeRegexp('bucket policy cannot be changed'))[0].entry.data as string;
    const statements = JSON.parse(warning.slice(warning.indexOf('['), warning.lastIndexOf(']') + 1).replace(/ \[ack: [^\]]*\]$/, ''));
    expect(statements[1]).toEqual({
      Sid: 'SSMBucketDelivery111122223333',
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: 'arn:aws-cn:s3:::their-bucket/inv/*/accountid=111122223333/*',
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': '111122223333' },
        ArnLike: { 'aws:SourceArn': 'arn:aws-cn:ssm:*:111122223333:resource-data-sync/*' },
      },
    });
  });

  test('an imported key gets a warning with the key statement', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket, { encryptionKey: key }) });
    Annotations.fromStack(stack).hasWarning('/Stack/Sync', Match.stringLikeRegexp(`The KMS key "${KEY_ARN}" is not defined in this app[\\s\\S]*kms:GenerateDataKey`));
    expect(bucketPolicyAllows(Template.fromStack(stack))).toHaveLength(2);
  });

  test('a bucket with Object Lock is an error', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Locked', { objectLockEnabled: true });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
    expect(synthErrors(stack)).toContain('[Stack/Sync] destination bucket Stack/Locked has Object Lock enabled');
  });

  test('a bucket given an Object Lock configuration on its CfnBucket alone (an escape hatch, without ObjectLockEnabled) is an error too', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Locked');
    (bucket.node.defaultChild as s3.CfnBucket).objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'GOVERNANCE', days: 1 } },
    };
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
    expect(synthErrors(stack)).toContain('[Stack/Sync] destination bucket Stack/Locked has Object Lock enabled');
  });

  test('a bucket without a KMS key: no KMSKeyArn, no key statement and no warning', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(new s3.Bucket(stack, 'Bucket')) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { KMSKeyArn: Match.absent() } });
    expect(bucketPolicyAllows(template)).toHaveLength(2);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a bucket imported with its Region: the sync writes to that Region, with no warning that the stack\'s Region is assumed', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'eu-west-1' } });
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Imported', { bucketName: 'their-bucket', region: 'us-west-2' });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { BucketName: 'their-bucket', BucketRegion: 'us-west-2' } });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Sync', Match.anyValue()).map(w => w.entry.data as string);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('[ack: cdk-ssm-resource-data-sync:bucketPolicyNotManaged]');
  });

  test('a key in another Region than the bucket is an error', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'eu-west-1' } });
    const bucket = new s3.Bucket(stack, 'Bucket');
    new ResourceDataSync(stack, 'Sync', {
      destination: SyncDestination.fromBucket(bucket, { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) }),
    });
    expect(synthErrors(stack)).toContain('[Stack/Sync] destination encryption key is in Region "us-east-1" but the bucket is in "eu-west-1"');
  });

  test('the bucket\'s Region is its stack\'s Region', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'ap-southeast-2' } });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(new s3.Bucket(stack, 'Bucket')) });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { BucketRegion: 'ap-southeast-2' } });
  });
});

describe('SyncDestination.fromBucketName', () => {
  test('writes to the named bucket in its Region, changes no policy, and warns with the statements', () => {
    const stack = newStack({ env: { account: '444455556666', region: 'eu-west-1' } });
    const sync = new ResourceDataSync(stack, 'Sync', {
      destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1', prefix: 'inv', kmsKeyArn: KEY_ARN }),
    });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.toJSON().Resources)).toHaveLength(1);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', {
      S3Destination: { BucketName: 'central-inventory', BucketRegion: 'us-east-1', BucketPrefix: 'inv', KMSKeyArn: KEY_ARN, SyncFormat: 'JsonSerDe' },
    });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Sync', Match.anyValue()).map(w => w.entry.data as string);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"Resource": "arn:aws:s3:::central-inventory/inv/*/accountid=444455556666/*"');
    expect(warnings[0]).toContain('"aws:SourceArn": "arn:aws:ssm:*:444455556666:resource-data-sync/*"');
    expect(warnings[0]).toContain(`"s3:x-amz-server-side-encryption-aws-kms-key-id": "${KEY_ARN}"`);
    expect(warnings[1]).toContain('"Action": "kms:GenerateDataKey"');
    expect(sync.bucket?.bucketName).toBe('central-inventory');
    expect(sync.encryptionKey?.keyArn).toBe(KEY_ARN);
  });

  test.each([
    [{ region: 'US-EAST-1' }, 'destination region "US-EAST-1" is not an AWS Region code'],
    [{ region: 'us-east-1', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:alias/inventory' }, 'destination kmsKeyArn "arn:aws:kms:us-east-1:111122223333:alias/inventory" is not a KMS key ARN'],
    [{ region: 'us-east-1', kmsKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'destination kmsKeyArn "1234abcd-12ab-34cd-56ef-1234567890ab" is not a KMS key ARN'],
    [{ region: 'eu-west-1', kmsKeyArn: KEY_ARN }, 'destination encryption key is in Region "us-east-1" but the bucket is in "eu-west-1"'],
    [{ region: 'us-east-1', prefix: '' }, 'destination prefix "" is 0 characters long'],
    [{ region: 'us-east-1', prefix: 'x'.repeat(257) }, `destination prefix "${'x'.repeat(257)}" is 257 characters long; a bucket prefix must be 1 to 256 characters`],
    [{ region: 'us-east-1', prefix: 'inv/' }, 'destination prefix "inv/" starts or ends with "/"'],
  ])('%j is an error: %s', (options, message) => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucketName('central-inventory', options) });
    expect(synthErrors(stack)).toContain(`[Stack/Sync] ${message}`);
  });

  test('a key ARN in the bucket\'s Region (fromBucketName with region and kmsKeyArn) synthesizes with no error, in the sync\'s Region or another', () => {
    for (const env of [{ account: '111122223333', region: 'us-east-1' }, { account: '111122223333', region: 'eu-west-1' }]) {
      const stack = new Stack(newApp(), 'Stack', { env });
      const sync = new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1', kmsKeyArn: KEY_ARN }) });
      expect(synthErrors(stack)).toBe('');
      expect(sync.encryptionKey?.keyArn).toBe(KEY_ARN);
    }
  });

  test('an invalid bucket name is an error that says why', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucketName('my..bucket', { region: 'us-east-1' }) });
    expect(synthErrors(stack)).toContain('[Stack/Sync] destination bucketName "my..bucket" is not a valid S3 bucket name (Bucket name must not have dash next to period, or period next to dash, or consecutive periods');
  });

  test('tokens are not judged', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', {
      destination: SyncDestination.fromBucketName(Token.asString({ Ref: 'B' }), {
        region: Token.asString({ Ref: 'R' }),
        prefix: Token.asString({ Ref: 'P' }),
        kmsKeyArn: Token.asString({ Ref: 'K' }),
      }),
    });
    expect(synthErrors(stack)).toBe('');
  });

  test('without kmsKeyArn: no KMSKeyArn and only the bucket policy warning, no key policy warning', () => {
    const stack = newStack({ env: { account: '444455556666', region: 'eu-west-1' } });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { KMSKeyArn: Match.absent() } });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Sync', Match.anyValue()).map(w => w.entry.data as string);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('[ack: cdk-ssm-resource-data-sync:bucketPolicyNotManaged]');
  });

  test('a well-formed Region this aws-cdk-lib does not know is a warning, not an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucketName('central-inventory', { region: 'xx-middle-9' }) });
    Annotations.fromStack(stack).hasWarning('/Stack/Sync', Match.stringLikeRegexp(
      '^destination region "xx-middle-9" is a Region this version of aws-cdk-lib does not know\\. Check the spelling; if it is a new Region, acknowledge this warning\\..*\\[ack: cdk-ssm-resource-data-sync:unknownRegion\\]$'));
    expect(synthErrors(stack)).toBe('');
  });
});

describe('a central bucket', () => {
  const env = { account: '111122223333', region: 'us-east-1' };

  test('sourceAccounts: each account writes only under its own path, bound to its own syncs', () => {
    const stack = newStack({ env });
    new ResourceDataSync(stack, 'Inventory', {
      destination: SyncDestination.newBucket({ prefix: 'inv', sourceAccounts: ['444455556666', '777788889999'] }),
    });
    const template = Template.fromStack(stack);
    const puts = bucketPolicyAllows(template).filter(s => s.Action === 's3:PutObject');
    expect(puts.map(s => s.Sid)).toEqual(['SSMBucketDelivery444455556666', 'SSMBucketDelivery777788889999', 'SSMBucketDelivery111122223333']);
    for (const account of ['444455556666', '777788889999', '111122223333']) {
      const put = puts.find(s => s.Sid === `SSMBucketDelivery${account}`);
      expect(put.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^InventoryBucket/), 'Arn'] }, `/inv/*/accountid=${account}/*`]] });
      expect(put.Condition.StringEquals['aws:SourceAccount']).toBe(account);
      expect(put.Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:ssm:*:${account}:resource-data-sync/*`);
    }
    expect(keyPolicySsm(template).map(s => s.Condition.StringEquals['aws:SourceAccount'])).toEqual(['444455556666', '777788889999', '111122223333']);
  });

  test('organizationId: PutObject and PutObjectTagging under every account path with aws:SourceOrgID, and the key for the organization', () => {
    const stack = newStack({ env });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ prefix: 'inv', organizationId: 'o-a1b2c3d4e5' }) });
    const template = Template.fromStack(stack);
    const allows = bucketPolicyAllows(template);
    const orgKeys = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^InventoryBucket/), 'Arn'] }, '/inv/*/accountid=*/*']] };
    expect(allows.find(s => s.Sid === 'SSMBucketDeliveryOrganization')).toEqual({
      Sid: 'SSMBucketDeliveryOrganization',
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: orgKeys,
      Condition: {
        StringEquals: {
          's3:x-amz-acl': 'bucket-owner-full-control',
          'aws:SourceOrgID': 'o-a1b2c3d4e5',
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': { 'Fn::GetAtt': [expect.stringMatching(/^InventoryKey/), 'Arn'] },
        },
        ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:*:resource-data-sync/*' },
      },
    });
    expect(allows.find(s => s.Sid === 'SSMBucketDeliveryTaggingOrganization')).toEqual({
      Sid: 'SSMBucketDeliveryTaggingOrganization',
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 's3:PutObjectTagging',
      Resource: orgKeys,
      Condition: { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:*:resource-data-sync/*' } },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('aws:PrincipalOrgID');
    expect(keyPolicySsm(template).find(s => s.Sid === 'SSMResourceDataSyncEncryptOrganization')).toEqual({
      Sid: 'SSMResourceDataSyncEncryptOrganization',
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:*:resource-data-sync/*' } },
    });
  });

  test('a token list of accounts gets the walkthrough form: one statement with the list', () => {
    const stack = newStack({ env });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ sourceAccounts: Token.asList({ Ref: 'Accounts' }) }) });
    const template = Template.fromStack(stack);
    const listed = bucketPolicyAllows(template).find(s => s.Sid === 'SSMBucketDeliveryListedAccounts');
    expect(listed.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'Accounts' });
    expect(keyPolicySsm(template).find(s => s.Sid === 'SSMResourceDataSyncEncryptListedAccounts').Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'Accounts' });
  });

  test.each([
    [{ sourceAccounts: ['4444555566'] }, 'destination sourceAccounts[0] "4444555566" is not an AWS account id'],
    [{ sourceAccounts: ['444455556666', '444455556666'] }, 'destination sourceAccounts lists "444455556666" more than once'],
    [{ organizationId: 'o-abc' }, 'destination organizationId "o-abc" is not an AWS Organizations id'],
  ])('%j is an error', (options, message) => {
    const stack = newStack({ env });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket(options) });
    expect(synthErrors(stack)).toContain(`[Stack/Inventory] ${message}`);
  });

  test('syncs in two stacks of one environment share one bucket, one key and one policy', () => {
    const app = newApp();
    const central = new Stack(app, 'Central', { env });
    const other = new Stack(app, 'Other', { env });
    const destination = SyncDestination.fromInventoryBucket(new InventoryBucket(central, 'Destination', { bucketName: 'central-inventory-111122223333' }));
    new ResourceDataSync(central, 'Inventory', { destination });
    new ResourceDataSync(other, 'Inventory', { destination });
    const template = Template.fromStack(central);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(bucketPolicyAllows(template)).toHaveLength(2);
    expect(keyPolicySsm(template)).toHaveLength(1);
    Template.fromStack(other).resourceCountIs('AWS::S3::Bucket', 0);
    Template.fromStack(other).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      S3Destination: { BucketName: { 'Fn::ImportValue': Match.stringLikeRegexp('^Central:') }, BucketRegion: 'us-east-1' },
    });
  });

  test('bucket and key are retained when the stack is deleted, unless the user opts out', () => {
    const stack = newStack({ env });
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ organizationId: 'o-a1b2c3d4e5' }) });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

test('a bucket imported without a Region: a warning that the stack\'s Region is assumed, and how to give another', () => {
  const stack = newStack({ env: { account: '111122223333', region: 'eu-west-1' } });
  const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'their-bucket');
  new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
  Annotations.fromStack(stack).hasWarning('/Stack/Sync', Match.stringLikeRegexp(
    'is imported, and the sync takes it to be in its stack\'s Region \\(eu-west-1\\)\\. If it is in another Region, import it with Bucket\\.fromBucketAttributes and the attributes bucketName and region, or use SyncDestination\\.fromBucketName and the option region\\.'));
  Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { BucketRegion: 'eu-west-1' } });
});

test('the warning that an imported bucket\'s Region is assumed can be acknowledged by its id', () => {
  const stack = newStack({ env: { account: '111122223333', region: 'eu-west-1' } });
  const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'their-bucket');
  const sync = new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromBucket(bucket) });
  CoreAnnotations.of(sync).acknowledgeWarning('cdk-ssm-resource-data-sync:bucketRegionAssumed', 'the bucket is in the stack\'s Region');
  const warnings = Annotations.fromStack(stack).findWarning('/Stack/Sync', Match.anyValue()).map(w => w.entry.data as string);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('[ack: cdk-ssm-resource-data-sync:bucketPolicyNotManaged]');
});

test('a bucket named by fromBucketName that is a KMS-encrypted destination of the same app, without kmsKeyArn, warns (its policy would deny the writes)', () => {
  const app = newApp();
  const central = new Stack(app, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
  new InventoryBucket(central, 'Bucket', { bucketName: 'central-inventory-111111111111', sourceAccounts: ['222222222222'] });
  const member = new Stack(app, 'Member', { env: { account: '222222222222', region: 'us-east-1' } });
  new ResourceDataSync(member, 'NoKey', { destination: SyncDestination.fromBucketName('central-inventory-111111111111', { region: 'us-east-1' }) });
  new ResourceDataSync(member, 'WithKey', {
    destination: SyncDestination.fromBucketName('central-inventory-111111111111', { region: 'us-east-1', kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
  });
  new ResourceDataSync(member, 'Elsewhere', { destination: SyncDestination.fromBucketName('some-other-bucket', { region: 'us-east-1' }) });
  const warnings = Annotations.fromStack(member).findWarning('*', Match.stringLikeRegexp('cdk-ssm-resource-data-sync:destinationKeyMissing'));
  expect(warnings.map(w => w.id)).toEqual(['/Member/NoKey']);
  expect(warnings[0].entry.data).toMatch(/destination bucket "central-inventory-111111111111", named here with fromBucketName .* is Central\/Bucket\/Bucket of this app, whose own policy lets this account write but only with its KMS key.*Give kmsKeyArn/);
});

test('a bucket named by fromBucketName that is an S3-managed destination of the same app needs no kmsKeyArn: no warning about a missing key', () => {
  const app = newApp();
  const central = new Stack(app, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
  new InventoryBucket(central, 'Bucket', { bucketName: 'central-inventory-111111111111', sourceAccounts: ['222222222222'], encryption: DestinationEncryption.S3_MANAGED });
  const member = new Stack(app, 'Member', { env: { account: '222222222222', region: 'us-east-1' } });
  new ResourceDataSync(member, 'Sync', { destination: SyncDestination.fromBucketName('central-inventory-111111111111', { region: 'us-east-1' }) });
  expect(synthErrors(member)).toBe('');
  Annotations.fromStack(member).hasNoWarning('/Member/Sync', Match.stringLikeRegexp('cdk-ssm-resource-data-sync:destinationKeyMissing'));
});
