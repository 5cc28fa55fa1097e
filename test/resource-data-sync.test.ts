import { Aws, CfnOutput, CfnParameter, NestedStack, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { newApp, newStack, synthErrors } from './util';
import { DestinationEncryption, ResourceDataSync, ResourceDataSyncProps, SyncDestination, SyncSource, SyncType } from '../src';
import { resolvedMadeHere } from '../src/resource-data-sync';

const ACCOUNT_ARN_PATTERN = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:*:', { Ref: 'AWS::AccountId' }, ':resource-data-sync/*']],
};

describe('zero-config Inventory sync', () => {
  // Built before each test, not in the describe body: a construct that throws fails each test by name,
  // and mutation testing's per-test coverage sees which tests run the code (it counts code run in a
  // beforeAll, or in a describe body, as run by every test).
  let stack: Stack;
  let sync: ResourceDataSync;
  let template: Template;
  beforeEach(() => {
    stack = newStack();
    sync = new ResourceDataSync(stack, 'Inventory');
    template = Template.fromStack(stack);
  });

  test('makes exactly a key, a bucket, its policy and the sync', () => {
    expect(Object.keys(template.toJSON().Resources).map(id => template.toJSON().Resources[id].Type).sort()).toEqual([
      'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SSM::ResourceDataSync',
    ]);
  });

  test('the sync uses the nested S3Destination with JsonSerDe, the key and an explicit SyncType', () => {
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', {
      SyncName: Match.stringLikeRegexp('^Stack-Inventory-'),
      SyncType: 'SyncToDestination',
      S3Destination: {
        BucketName: { Ref: Match.stringLikeRegexp('^InventoryBucket') },
        BucketRegion: { Ref: 'AWS::Region' },
        KMSKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryKey'), 'Arn'] },
        SyncFormat: 'JsonSerDe',
        BucketPrefix: Match.absent(),
      },
      SyncSource: Match.absent(),
    });
  });

  test('never emits the legacy flat bucket properties', () => {
    const props = Object.values(template.findResources('AWS::SSM::ResourceDataSync'))[0].Properties;
    for (const flat of ['BucketName', 'BucketRegion', 'BucketPrefix', 'KMSKeyArn', 'SyncFormat']) {
      expect(props).not.toHaveProperty(flat);
    }
  });

  test('the sync is created after the bucket policy (DependsOn) and the key (GetAtt)', () => {
    const sync_ = Object.values(template.findResources('AWS::SSM::ResourceDataSync'))[0];
    const policyId = Object.keys(template.findResources('AWS::S3::BucketPolicy'))[0];
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    expect(sync_.DependsOn).toEqual([policyId]);
    expect(sync_.Properties.S3Destination.KMSKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('the key has rotation on, is retained, and lets ssm.amazonaws.com only GenerateDataKey for this account\'s syncs', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const statements = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    const ssmStatements = statements.filter((s: any) => s.Principal?.Service === 'ssm.amazonaws.com');
    expect(ssmStatements).toEqual([{
      Sid: 'SSMResourceDataSyncEncrypt',
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': ACCOUNT_ARN_PATTERN },
      },
    }]);
  });

  test('the bucket is SSE-KMS with Bucket Key, private, versioned with noncurrent expiry, owner enforced, retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryKey'), 'Arn'] },
            },
          }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })]),
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        ObjectLockEnabled: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the bucket policy denies non-TLS and TLS < 1.2, and allows ssm.amazonaws.com exactly what AWS documents', () => {
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    const allows = statements.filter((s: any) => s.Effect === 'Allow');
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryBucket'), 'Arn'] };
    expect(allows).toHaveLength(2);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
    ]));
    Template.fromJSON({ Resources: { P: { Type: 'X', Properties: { S: allows } } } }).hasResourceProperties('X', {
      S: [
        {
          Sid: 'SSMBucketPermissionsCheck',
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: bucketArn,
        },
        {
          Sid: 'SSMBucketDelivery',
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [bucketArn, '/*/accountid=', { Ref: 'AWS::AccountId' }, '/*']] },
          Condition: {
            StringEquals: {
              's3:x-amz-acl': 'bucket-owner-full-control',
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              's3:x-amz-server-side-encryption': 'aws:kms',
              's3:x-amz-server-side-encryption-aws-kms-key-id': { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryKey'), 'Arn'] },
            },
            ArnLike: { 'aws:SourceArn': ACCOUNT_ARN_PATTERN },
          },
        },
      ],
    });
  });

  test('exposes the bucket, the key, the type, and the name and ARN as tokens', () => {
    expect(sync.bucket).toBeDefined();
    expect(sync.encryptionKey).toBeDefined();
    expect(sync.syncType).toBe(SyncType.SYNC_TO_DESTINATION);
    expect(stack.resolve(sync.syncName)).toEqual({ Ref: expect.stringMatching(/^Inventory/) });
    expect(stack.resolve(sync.syncArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':resource-data-sync/', { Ref: expect.stringMatching(/^Inventory/) }]],
    });
    expect(stack.resolve(sync.resourceDataSyncRef.syncName)).toEqual(stack.resolve(sync.syncName));
  });

  test('gives the same name and ARN tokens on every read (they are made on first read)', () => {
    // A user may compare or use them as map keys; a new token on each read would break both.
    expect(sync.syncName).toBe(sync.syncName);
    expect(sync.syncArn).toBe(sync.syncArn);
    expect(sync.resourceDataSyncRef.syncName).toBe(sync.syncName);
  });

  test('emits no warning', () => {
    expect(stack.node.metadata.concat(...stack.node.findAll().map(c => c.node.metadata)).filter(m => m.type === 'aws:cdk:warning')).toEqual([]);
  });
});

describe('syncName', () => {
  test('is used as given', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { syncName: 'inventory' });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', { SyncName: 'inventory' });
  });

  test('is generated unique, at most 64 characters, when not given', () => {
    const stack = new Stack(newApp(), 'AStackWithAVeryLongNameThatGoesOnAndOnForMoreThanSixtyFourCharacters');
    new ResourceDataSync(stack, 'InventorySyncWithAnotherVeryLongConstructIdentifier');
    new ResourceDataSync(stack, 'InventorySyncWithAnotherVeryLongConstructIdentifier2');
    const names = Object.values(Template.fromStack(stack).findResources('AWS::SSM::ResourceDataSync')).map(r => r.Properties.SyncName);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
  });

  test.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
  ])('%s is an error naming the path, the property, the value and the fix', (_, name) => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { syncName: name });
    const errors = synthErrors(stack);
    expect(errors).toContain('[Stack/Inventory] syncName');
    expect(errors).toContain(`is ${name.length} characters long; a resource data sync name must be 1 to 64 characters`);
  });

  test('a token is not judged', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { syncName: Token.asString({ Ref: 'NameParameter' }) });
    expect(synthErrors(stack)).toBe('');
  });

  test('64 characters is accepted', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { syncName: 'x'.repeat(64) });
    expect(synthErrors(stack)).toBe('');
  });
});

describe('syncType against destination and source', () => {
  const source = () => SyncSource.singleAccount({ regions: ['us-east-1'] });

  test('SYNC_FROM_SOURCE without a source is an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { syncType: SyncType.SYNC_FROM_SOURCE });
    expect(synthErrors(stack)).toContain('[Stack/Sync] syncType is SYNC_FROM_SOURCE but no source is given');
  });

  test('a source with SYNC_TO_DESTINATION is an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { syncType: SyncType.SYNC_TO_DESTINATION, source: source() });
    expect(synthErrors(stack)).toContain('[Stack/Sync] source is given but syncType is SYNC_TO_DESTINATION');
  });

  test('a destination with SYNC_FROM_SOURCE is an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { syncType: SyncType.SYNC_FROM_SOURCE, source: source(), destination: SyncDestination.newBucket() });
    expect(synthErrors(stack)).toContain('[Stack/Sync] destination is given but the sync is SYNC_FROM_SOURCE');
  });

  test('a destination with a source is an error', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { source: source(), destination: SyncDestination.newBucket() });
    expect(synthErrors(stack)).toContain('[Stack/Sync] destination is given but the sync is a SyncFromSource sync (it has a source)');
  });

  test('an explicit type that agrees is accepted', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'A', { syncType: SyncType.SYNC_TO_DESTINATION });
    new ResourceDataSync(stack, 'B', { syncType: SyncType.SYNC_FROM_SOURCE, source: source() });
    expect(synthErrors(stack)).toBe('');
  });
});

describe('the 5-syncs-per-account-and-Region quota', () => {
  test('a sixth sync in one stack is an error that names it and says other syncs count too', () => {
    const stack = newStack();
    for (let i = 1; i <= 6; i++) new ResourceDataSync(stack, `Sync${i}`, { destination: SyncDestination.fromBucketName('my-bucket', { region: 'us-east-1' }) });
    const errors = synthErrors(stack);
    expect(errors).toContain('[Stack/Sync6] this is resource data sync 6 of 6 for stack Stack in this app; the service allows 5 per account and Region, and syncs made outside this app');
    expect(errors).not.toContain('[Stack/Sync5]');
  });

  test('five in one stack are accepted', () => {
    const stack = newStack();
    for (let i = 1; i <= 5; i++) new ResourceDataSync(stack, `Sync${i}`, { destination: SyncDestination.fromBucketName('my-bucket', { region: 'us-east-1' }) });
    expect(synthErrors(stack)).toBe('');
  });

  test('counts across stacks of the same account and Region', () => {
    const app = newApp();
    const env = { account: '111111111111', region: 'eu-west-1' };
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    for (let i = 1; i <= 3; i++) new ResourceDataSync(a, `Sync${i}`, { source: SyncSource.singleAccount({ regions: ['eu-west-1'] }) });
    for (let i = 1; i <= 3; i++) new ResourceDataSync(b, `Sync${i}`, { source: SyncSource.singleAccount({ regions: ['eu-west-1'] }) });
    expect(synthErrors(a)).toContain('[B/Sync3] this is resource data sync 6 of 6 for account 111111111111 and Region eu-west-1');
  });

  test('does not count syncs of other accounts or Regions together', () => {
    const app = newApp();
    const a = new Stack(app, 'A', { env: { account: '111111111111', region: 'eu-west-1' } });
    const b = new Stack(app, 'B', { env: { account: '111111111111', region: 'us-east-1' } });
    const c = new Stack(app, 'C', { env: { account: '222222222222', region: 'eu-west-1' } });
    for (const stack of [a, b, c]) {
      for (let i = 1; i <= 4; i++) new ResourceDataSync(stack, `Sync${i}`, { source: SyncSource.singleAccount({ regions: ['eu-west-1'] }) });
    }
    expect(synthErrors(a)).toBe('');
  });
});

test('every broken rule of a construct is reported in one synth', () => {
  const stack = newStack();
  new ResourceDataSync(stack, 'Sync', {
    syncName: 'x'.repeat(70),
    destination: SyncDestination.fromBucketName('Not_A_Bucket', { region: 'moon-1', prefix: '/inv/', kmsKeyArn: 'alias/mine' }),
  });
  const errors = synthErrors(stack);
  for (const expected of [
    '[Stack/Sync] syncName',
    '[Stack/Sync] destination bucketName "Not_A_Bucket" is not a valid S3 bucket name',
    '[Stack/Sync] destination region "moon-1" is not an AWS Region code',
    '[Stack/Sync] destination prefix "/inv/" starts or ends with "/"',
    '[Stack/Sync] destination kmsKeyArn "alias/mine" is not a KMS key ARN',
  ]) {
    expect(errors).toContain(expected);
  }
});

describe('fromSyncName', () => {
  test('gives the name and the ARN in the scope\'s account and Region', () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const imported = ResourceDataSync.fromSyncName(stack, 'Existing', 'inventory');
    expect(imported.syncName).toBe('inventory');
    expect(imported.resourceDataSyncRef.syncName).toBe('inventory');
    expect(stack.resolve(imported.syncArn)).toBe('arn:aws:ssm:eu-west-1:123456789012:resource-data-sync/inventory');
  });

  test('adds no resource', () => {
    const stack = newStack();
    ResourceDataSync.fromSyncName(stack, 'Existing', 'inventory');
    expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({});
  });
});

describe('grantRead', () => {
  test('reads the objects under the prefix, lists under it, and decrypts with the key', () => {
    const stack = newStack();
    const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ prefix: 'inv' }) });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    sync.grantRead(role);
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryBucket'), 'Arn'] };
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [bucketArn, '/inv/*']] } },
          { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['inv', 'inv/*'] } } },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryKey'), 'Arn'] } },
        ]),
      },
    });
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement).flatMap((s: any) => [s.Action].flat());
    expect(actions.sort()).toEqual(['kms:Decrypt', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket']);
  });

  test('without a prefix, reads every object of the bucket', () => {
    const stack = newStack();
    const sync = new ResourceDataSync(stack, 'Inventory');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    sync.grantRead(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InventoryBucket'), 'Arn'] } },
        ]),
      },
    });
  });

  test('on an Explorer sync is an error that says why', () => {
    const stack = newStack();
    const sync = new ResourceDataSync(stack, 'Ops', { source: SyncSource.singleAccount({ regions: ['us-east-1'] }) });
    expect(() => sync.grantRead(new iam.AccountRootPrincipal())).toThrow(/\[Stack\/Ops\] grantRead\(\) needs a SyncToDestination sync/);
  });
});

test('a stack in a known account and Region writes literal values into the policies', () => {
  const stack = newStack({ env: { account: '123456789012', region: 'eu-central-1' } });
  new ResourceDataSync(stack, 'Inventory');
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { BucketRegion: 'eu-central-1' } });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Sid: 'SSMBucketDelivery123456789012',
        Condition: Match.objectLike({ StringEquals: Match.objectLike({ 'aws:SourceAccount': '123456789012' }) }),
      })]),
    },
  });
});

describe('day two: a change that replaces the sync gets a new generated name', () => {
  const ENV = { account: '111122223333', region: 'us-east-1' };
  function nameWith(props: () => ResourceDataSyncProps, env = ENV): string {
    const stack = newStack({ env });
    new ResourceDataSync(stack, 'Inventory', props());
    return Object.values(Template.fromStack(stack).findResources('AWS::SSM::ResourceDataSync'))[0].Properties.SyncName;
  }
  /** The name of the sync with no props, built in each test that compares with it. */
  const base = () => nameWith(() => ({}));

  test('the generated name is the construct path and a hash, at most 64 characters', () => {
    expect(base()).toMatch(/^Stack-Inventory-[0-9A-F]{8}-[0-9a-f]{8}$/);
    expect(nameWith(() => ({}))).toBe(base());
  });

  test.each<[string, () => ResourceDataSyncProps]>([
    ['a prefix', () => ({ destination: SyncDestination.newBucket({ prefix: 'inventory' }) })],
    ['S3-managed encryption', () => ({ destination: SyncDestination.newBucket({ encryption: DestinationEncryption.S3_MANAGED }) })],
    ['a bucket name (the bucket is replaced under the same logical id)', () => ({ destination: SyncDestination.newBucket({ bucketName: 'inventory-111122223333' }) })],
    ['another bucket', () => ({ destination: SyncDestination.fromBucketName('other-bucket', { region: 'us-east-1' }) })],
    ['another key', () => ({ destination: SyncDestination.fromBucketName('other-bucket', { region: 'us-east-1', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }) })],
    ['a bucket in another Region', () => ({ destination: SyncDestination.fromBucketName('other-bucket', { region: 'eu-west-1' }) })],
  ])('%s changes it', (_, props) => {
    expect(nameWith(props)).not.toBe(base());
  });

  test('two destinations that differ only in the key get two names', () => {
    const arn = (id: string) => `arn:aws:kms:us-east-1:111122223333:key/${id}-12ab-34cd-56ef-1234567890ab`;
    const withKey = (id: string) => nameWith(() => ({ destination: SyncDestination.fromBucketName('b-1', { region: 'us-east-1', kmsKeyArn: arn(id) }) }));
    expect(withKey('1234abcd')).not.toBe(withKey('5678abcd'));
  });

  test('an Explorer sync: the account option changes it; Regions and OUs, which update in place, do not', () => {
    const single = nameWith(() => ({ source: SyncSource.singleAccount({ regions: ['us-east-1'] }) }));
    expect(nameWith(() => ({ source: SyncSource.singleAccount({ regions: ['us-east-1', 'eu-west-1'], includeFutureRegions: true }) }))).toBe(single);
    const org = nameWith(() => ({ source: SyncSource.entireOrganization({ regions: ['us-east-1'] }) }));
    expect(org).not.toBe(single);
    const ous = nameWith(() => ({ source: SyncSource.organizationalUnits(['ou-ab12-cdef3456'], { regions: ['us-east-1'] }) }));
    expect(ous).not.toBe(org);
    expect(nameWith(() => ({ source: SyncSource.organizationalUnits(['ou-ab12-cdef3456', 'ou-ab12-ghij7890'], { regions: ['eu-west-1'] }) }))).toBe(ous);
  });

  test('a generated name is a literal in another stack, account or Region that uses it', () => {
    const app = newApp();
    const stack = new Stack(app, 'Syncs', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const other = new Stack(app, 'Other', { env: { account: '444455556666', region: 'eu-west-1' } });
    new CfnOutput(other, 'Name', { value: sync.syncName });
    new CfnOutput(other, 'Arn', { value: sync.syncArn });
    const outputs = Template.fromStack(other).toJSON().Outputs;
    const name = Object.values(Template.fromStack(stack).findResources('AWS::SSM::ResourceDataSync'))[0].Properties.SyncName;
    expect(outputs.Name.Value).toBe(name);
    expect(outputs.Arn.Value).toBe(`arn:aws:ssm:us-east-1:111122223333:resource-data-sync/${name}`);
  });
});

describe('the generated name without a resolution pass (resolvedMadeHere)', () => {
  // The name hashes what stack.resolve gives for the destination; the fast path must give the same
  // JSON, key order included, or every deployed sync would be renamed (replaced) on upgrade.
  function compare(makeStack: () => Stack, destination: () => SyncDestination, expectFast: boolean) {
    const stack = makeStack();
    const scope = new Construct(stack, 'Inventory');
    const config = destination().bind(scope);
    const cfnBucket = config.bucket.node.defaultChild;
    const inputs = {
      s3Destination: config.s3Destination,
      bucketName: cfnBucket instanceof s3.CfnBucket ? cfnBucket.bucketName : undefined,
      organization: undefined,
    };
    const fast = resolvedMadeHere(scope, config, inputs);
    const full = Stack.of(scope).resolve(inputs);
    if (expectFast) expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
    else expect(fast).toBeUndefined();
  }
  const envStack = () => newStack({ env: { account: '111122223333', region: 'us-east-1' } });
  const nested = () => new NestedStack(newStack(), 'Nested');

  test.each<[string, () => Stack, () => SyncDestination]>([
    ['zero-config, environment-agnostic stack (the Region is a token)', newStack, () => SyncDestination.newBucket()],
    ['zero-config, stack with an environment', envStack, () => SyncDestination.newBucket()],
    ['zero-config in a nested stack', nested, () => SyncDestination.newBucket()],
    ['a prefix', envStack, () => SyncDestination.newBucket({ prefix: 'inventory/' })],
    ['a bucket name', envStack, () => SyncDestination.newBucket({ bucketName: 'inventory-111122223333' })],
    ['S3-managed encryption (no key)', newStack, () => SyncDestination.newBucket({ encryption: DestinationEncryption.S3_MANAGED })],
    ['a bucket name and a key ARN given as literals', envStack, () => SyncDestination.fromBucketName('other-bucket', { region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' })],
  ])('%s: the same JSON as stack.resolve', (_, makeStack, destination) => compare(makeStack, destination, true));

  test.each<[string, () => Stack, (stack: Stack) => SyncDestination]>([
    ['a bucket made elsewhere in the stack (its logical id may be overridden)', envStack, stack => SyncDestination.fromBucket(new s3.Bucket(stack, 'Elsewhere'))],
    ['a key made elsewhere in the stack', envStack, stack => SyncDestination.newBucket({ encryptionKey: new kms.Key(stack, 'OwnKey') })],
    ['a bucket name that is a parameter', envStack, stack => SyncDestination.newBucket({ bucketName: new CfnParameter(stack, 'Name').valueAsString })],
    ['a prefix with a token in it', envStack, () => SyncDestination.newBucket({ prefix: `inventory-${Aws.ACCOUNT_ID}/` })],
  ])('%s: left to stack.resolve', (_, makeStack, destination) => {
    const stack = makeStack();
    compare(() => stack, () => destination(stack), false);
  });

  test('a bucket below the sync but in a nested stack of its own: left to stack.resolve', () => {
    const stack = envStack();
    const scope = new Construct(stack, 'Inventory');
    const bucket = new s3.Bucket(new NestedStack(scope, 'Nested'), 'Bucket');
    const config = SyncDestination.fromBucket(bucket).bind(scope);
    expect(resolvedMadeHere(scope, config, { bucketName: config.s3Destination.bucketName })).toBeUndefined();
    // Its own stack's bucket, made under the sync, is known without a resolution pass.
    const own = SyncDestination.fromBucket(new s3.Bucket(scope, 'Own')).bind(scope);
    const ownId = stack.getLogicalId(own.bucket.node.defaultChild as s3.CfnBucket);
    expect(resolvedMadeHere(scope, own, { bucketName: own.s3Destination.bucketName })).toEqual({ bucketName: { Ref: ownId } });
  });
});

describe('sync names and the quota across the app', () => {
  const ENV = { account: '111122223333', region: 'us-east-1' };

  test('two syncs with one name in one account and Region, in one stack or two: an error that names both', () => {
    const app = newApp();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    const c = new Stack(app, 'C', { env: { ...ENV, region: 'eu-west-1' } });
    new ResourceDataSync(a, 'One', { syncName: 'inventory' });
    new ResourceDataSync(a, 'Two', { syncName: 'inventory', destination: SyncDestination.newBucket() });
    new ResourceDataSync(b, 'Three', { syncName: 'inventory' });
    new ResourceDataSync(c, 'Elsewhere', { syncName: 'inventory' });
    const errors = synthErrors(a);
    expect(errors).toContain('[A/Two] syncName "inventory" is also the name of A/One, in the same account 111122223333 and Region us-east-1');
    expect(errors).toContain('[B/Three] syncName "inventory" is also the name of A/One');
    expect(errors).not.toContain('[C/Elsewhere]');
    expect(errors).not.toContain('[A/One]');
  });

  test('syncs of a nested stack count with its parent\'s account and Region', () => {
    const stack = new Stack(newApp(), 'Parent', { env: ENV });
    for (let i = 0; i < 3; i++) new ResourceDataSync(stack, `Parent${i}`);
    const nested = new NestedStack(stack, 'Nested');
    for (let i = 0; i < 3; i++) new ResourceDataSync(nested, `Nested${i}`);
    expect(synthErrors(stack)).toContain('this is resource data sync 6 of 6 for account 111122223333 and Region us-east-1');
  });

  test('environment-agnostic stacks that deploy together: a warning naming the stacks past 5 syncs, and for a shared name', () => {
    const app = newApp();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    for (let i = 0; i < 3; i++) new ResourceDataSync(a, `Sync${i}`, { destination: SyncDestination.newBucket({ encryption: DestinationEncryption.S3_MANAGED }) });
    for (let i = 0; i < 2; i++) new ResourceDataSync(b, `Sync${i}`, { destination: SyncDestination.newBucket({ encryption: DestinationEncryption.S3_MANAGED }) });
    new ResourceDataSync(b, 'Named', { syncName: 'sync', source: SyncSource.singleAccount({ regions: ['us-east-1'] }) });
    new ResourceDataSync(a, 'AlsoNamed', { syncName: 'sync', source: SyncSource.singleAccount({ regions: ['us-east-1'] }) });
    expect(synthErrors(a)).toBe('');
    const warning = Annotations.fromStack(b).findWarning('/B/Named', Match.anyValue())[0]?.entry.data as string;
    expect(warning).toContain('the environment-agnostic stacks A, B deploy to the account and Region the CLI is pointed at');
    expect(warning).toContain('they hold 7 resource data syncs, and one account and Region allows 5');
    Annotations.fromStack(a).hasWarning('/A/AlsoNamed', Match.stringLikeRegexp('the syncName "sync" is also used by B/Named'));
  });
});

describe('JavaScript callers, whom no types protect', () => {
  test('a wrong syncType, a destination or source that is not one: clear errors, all together', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Sync', { syncType: 'Bogus' as SyncType, destination: {} as any });
    const errors = synthErrors(stack);
    expect(errors).toContain('[Stack/Sync] syncType "Bogus" is not one of "SyncToDestination", "SyncFromSource"');
    expect(errors).toContain('[Stack/Sync] destination is not a SyncDestination; make it with SyncDestination.newBucket or SyncDestination.fromBucket.');
  });

  test.each([
    ['fromBucketName without options', () => (SyncDestination.fromBucketName as any)('bucket'), 'SyncDestination.fromBucketName for "bucket" needs the options with region, the bucket\'s Region'],
    ['fromBucketName with options but no region', () => (SyncDestination.fromBucketName as any)('bucket', { prefix: 'inv' }), 'SyncDestination.fromBucketName for "bucket" needs the options with region, the bucket\'s Region'],
    ['fromBucket without a bucket', () => (SyncDestination.fromBucket as any)(), 'SyncDestination.fromBucket needs a bucket (an s3.Bucket, or one imported with Bucket.fromBucketName).'],
    ['fromBucket with a bucket name', () => (SyncDestination.fromBucket as any)('central-inventory'), 'SyncDestination.fromBucket needs a bucket (an s3.Bucket, or one imported with Bucket.fromBucketName).'],
    ['singleAccount without options', () => (SyncSource.singleAccount as any)(), 'SyncSource.singleAccount needs the options with regions, a list of Regions'],
    ['entireOrganization with a string', () => (SyncSource.entireOrganization as any)({ regions: 'us-east-1' }), 'SyncSource.entireOrganization needs the options with regions, a list of Regions'],
    ['organizationalUnits with a string', () => (SyncSource.organizationalUnits as any)('ou-ab12-cdef3456', { regions: ['us-east-1'] }), 'SyncSource.organizationalUnits needs a list of organizational unit ids first'],
  ])('%s throws a clear error, not a TypeError', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('imports from any account and Region', () => {
  test('fromSyncArn gives the name, the ARN and the environment', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
    const sync = ResourceDataSync.fromSyncArn(stack, 'Central', 'arn:aws:ssm:eu-west-1:444455556666:resource-data-sync/inventory');
    expect(sync.syncName).toBe('inventory');
    expect(sync.syncArn).toBe('arn:aws:ssm:eu-west-1:444455556666:resource-data-sync/inventory');
    expect(sync.env).toEqual({ account: '444455556666', region: 'eu-west-1' });
    expect(() => ResourceDataSync.fromSyncArn(stack, 'Bad', 'arn:aws:ssm:eu-west-1:444455556666:document/x')).toThrow('is not a resource data sync ARN');
  });

  test('fromSyncAttributes builds the ARN in the given account and Region, and checks them', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'us-east-1' } });
    const sync = ResourceDataSync.fromSyncAttributes(stack, 'Central', { syncName: 'inventory', account: '444455556666', region: 'eu-west-1' });
    expect(stack.resolve(sync.syncArn)).toBe('arn:aws:ssm:eu-west-1:444455556666:resource-data-sync/inventory');
    expect(() => ResourceDataSync.fromSyncAttributes(stack, 'Bad', { syncName: 'x', account: '4444' })).toThrow('[Stack/Bad] account[0] "4444" is not an AWS account id');
  });
});

describe('grants to other accounts and services', () => {
  const ENV = { account: '111122223333', region: 'us-east-1' };
  function grantedIn(grantee: (stack: Stack) => iam.IGrantable) {
    const stack = newStack({ env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ prefix: 'inv' }) });
    sync.grantRead(grantee(stack));
    const template = Template.fromStack(stack);
    const bucketStatements = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    const keyStatements = Object.values(template.findResources('AWS::KMS::Key')).flatMap(k => k.Properties.KeyPolicy.Statement);
    return { bucketStatements, keyStatements, template };
  }
  const reads = (statements: any[], principal: string) => statements.filter(s => JSON.stringify(s.Principal).includes(principal) && s.Effect === 'Allow');

  test('a role of another account is granted in the bucket policy and the key policy', () => {
    const { bucketStatements, keyStatements } = grantedIn(stack => iam.Role.fromRoleArn(stack, 'Reader', 'arn:aws:iam::444455556666:role/reader'));
    const granted = reads(bucketStatements, '444455556666');
    expect(granted.map(s => s.Action).flat().sort()).toEqual(['s3:GetBucketLocation', 's3:GetObject', 's3:ListBucket']);
    expect(granted.find(s => s.Action === 's3:ListBucket').Condition).toEqual({ StringLike: { 's3:prefix': ['inv', 'inv/*'] } });
    expect(granted.find(s => s.Action === 's3:GetObject').Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^InventoryBucket/), 'Arn'] }, '/inv/*']] });
    expect(reads(keyStatements, '444455556666').map(s => s.Action).flat()).toContain('kms:Decrypt');
  });

  test('an account principal is granted in the bucket policy; a service principal too, bound to the bucket\'s account', () => {
    expect(reads(grantedIn(() => new iam.AccountPrincipal('444455556666')).bucketStatements, '444455556666')).toHaveLength(3);
    const service = reads(grantedIn(() => new iam.ServicePrincipal('glue.amazonaws.com')).bucketStatements, 'glue.amazonaws.com');
    expect(service).toHaveLength(3);
    for (const s of service) expect(s.Condition.StringEquals['aws:SourceAccount']).toBe('111122223333');
  });

  test('a role of the bucket\'s account gets an identity policy only', () => {
    const { bucketStatements, template } = grantedIn(stack => new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(reads(bucketStatements, 'Reader')).toHaveLength(0);
    template.resourceCountIs('AWS::IAM::Policy', 1);
  });
});
