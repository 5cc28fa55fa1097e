import * as cdk from 'aws-cdk-lib';
import { App, Aspects, CfnResource, Duration, Fn, Lazy, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { newApp, newStack, synthErrors } from './util';
import { DestinationEncryption, InventoryBucket, InventoryDatabase, OrganizationInventory, ResourceDataSync, SyncDestination } from '../src';
import { estimatePolicySize, resolvedPolicySize, upperBound } from '../src/policies';

const ENV = { account: '111122223333', region: 'us-east-1' };
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Logical ids of the bucket, key and bucket policy, and the sorted statements of the bucket policy. */
function destinationOf(stack: Stack) {
  const template = Template.fromStack(stack);
  const ids = (type: string) => Object.keys(template.findResources(type)).sort();
  const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement).map(s => JSON.stringify(s)).sort();
  return { buckets: ids('AWS::S3::Bucket'), keys: ids('AWS::KMS::Key'), policies: ids('AWS::S3::BucketPolicy'), statements };
}

describe('day two: logical ids never depend on which sync uses the bucket or comes first', () => {
  function app(syncs: string[]) {
    const stack = newStack({ env: ENV });
    const central = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory', prefix: 'inv' });
    const destination = SyncDestination.fromInventoryBucket(central);
    for (const id of syncs) new ResourceDataSync(stack, id, { syncName: id.toLowerCase(), destination });
    return destinationOf(stack);
  }

  test('swapping two syncs, or removing the first, keeps the bucket, key and policy', () => {
    const first = app(['A', 'B']);
    expect(first.buckets).toHaveLength(1);
    expect(first.buckets[0]).toMatch(/^CentralBucket/);
    expect(first.keys[0]).toMatch(/^CentralKey/);
    expect(app(['B', 'A'])).toEqual(first);
    expect(app(['B'])).toEqual(first);
    expect(app([])).toEqual(first);
  });

  test('newBucket() keeps its bucket and key under the sync, as before (no replacement on upgrade)', () => {
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket() });
    const { buckets, keys } = destinationOf(stack);
    expect(buckets[0]).toMatch(/^InventoryBucket[0-9A-F]{8}$/);
    expect(keys[0]).toMatch(/^InventoryKey[0-9A-F]{8}$/);
  });
});

describe('writers', () => {
  const putSids = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Action === 's3:PutObject').map((s: any) => s.Sid);

  test('its own account, sourceAccounts, addSourceAccounts() and the account of every sync of the app', () => {
    const app = newApp();
    const stack = new Stack(app, 'Central', { env: ENV });
    const central = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory', sourceAccounts: ['444455556666'] });
    central.addSourceAccounts('777788889999');
    const member = new Stack(app, 'Member', { env: { account: '222233334444', region: 'eu-west-1' } });
    new ResourceDataSync(member, 'Inventory', {
      destination: SyncDestination.fromInventoryBucket(new InventoryBucket(stack, 'S3Managed', { bucketName: 'central-s3-managed', encryption: DestinationEncryption.S3_MANAGED })),
    });
    new ResourceDataSync(member, 'ToCentral', {
      destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1', kmsKeyArn: KEY_ARN }),
    });
    expect(putSids(stack)).toEqual(expect.arrayContaining([
      'SSMBucketDelivery444455556666', 'SSMBucketDelivery111122223333', 'SSMBucketDelivery777788889999', 'SSMBucketDelivery222233334444',
    ]));
    // The member's sync names the central bucket and its Region, with no cross-stack reference.
    Template.fromStack(member).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      S3Destination: { BucketName: 'central-s3-managed', BucketRegion: 'us-east-1' },
    });
  });

  test('addSourceAccounts() checks the ids', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central').addSourceAccounts('1234');
    expect(synthErrors(stack)).toContain('[Stack/Central] addSourceAccounts()[0] "1234" is not an AWS account id');
  });
});

describe('the bucket and key', () => {
  test('the key made with the bucket says what it encrypts and for which construct, with rotation on', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central');
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket() });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 2);
    for (const path of ['Stack/Central', 'Stack/Inventory']) {
      template.hasResourceProperties('AWS::KMS::Key', { Description: `Encrypts the AWS Systems Manager resource data sync data of ${path}`, EnableKeyRotation: true });
    }
  });

  test('noncurrent versions expire under one lifecycle rule with a stable id, ExpireNoncurrentVersions (the id a user finds it by, and overrides it with)', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central', { noncurrentVersionExpiration: Duration.days(30) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [{ Id: 'ExpireNoncurrentVersions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
      },
    });
  });

  test('an invalid bucket name is reported with the other problems rather than thrown at once, and is deferred, not dropped: synthesized without validation, the bucket has the name as given', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central', { bucketName: 'Central_Inventory', prefix: '/inv' });
    const errors = synthErrors(stack);
    expect(errors).toContain('[Stack/Central] bucketName "Central_Inventory" is not a valid S3 bucket name');
    expect(errors).toContain('[Stack/Central] prefix "/inv"');
    const template = (stack.node.root as App).synth({ skipValidation: true, force: true }).getStackByName(stack.stackName).template;
    const buckets = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::S3::Bucket');
    expect(buckets.map(b => b.Properties.BucketName)).toEqual(['Central_Inventory']);
  });

  test('grantRead() lets a role of the bucket\'s account read the synced data: the objects under the prefix, the listing of the prefix, the bucket\'s location, and decrypt with the key', () => {
    const stack = newStack({ env: ENV });
    const central = new InventoryBucket(stack, 'Central', { prefix: 'inv' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = central.grantRead(role);
    expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^CentralBucket/), 'Arn'] };
    expect(statements).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/inv/*']] } },
      { Action: 's3:GetBucketLocation', Effect: 'Allow', Resource: bucketArn },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['inv', 'inv/*'] } } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CentralKey/), 'Arn'] } },
    ]);
  });
});

describe('another account or Region', () => {
  test('a bucket without a physical name: an error that names the sync and the fix, not a Resolution error', () => {
    const app = newApp();
    const central = new InventoryBucket(new Stack(app, 'Central', { env: ENV }), 'Central', { encryption: DestinationEncryption.S3_MANAGED });
    const member = new Stack(app, 'Member', { env: { account: '222233334444', region: 'us-east-1' } });
    new ResourceDataSync(member, 'Inventory', { destination: SyncDestination.fromInventoryBucket(central) });
    const errors = synthErrors(member);
    expect(errors).toContain('[Member/Inventory] the destination bucket Central/Central/Bucket is in another account or Region (111122223333, us-east-1) than this sync (222233334444, us-east-1), and it has no physical name');
    expect(errors).toContain('Give the bucket a bucketName, or point the sync at it with SyncDestination.fromBucketName and the option region.');
    expect(errors).not.toContain('Resolution error');
  });

  test('a key made in another account: an error that says its ARN is known only once deployed, and what to use instead', () => {
    const app = newApp();
    const central = new InventoryBucket(new Stack(app, 'Central', { env: ENV }), 'Central', { bucketName: 'central-inventory' });
    const member = new Stack(app, 'Member', { env: { account: '222233334444', region: 'us-east-1' } });
    new ResourceDataSync(member, 'Inventory', { destination: SyncDestination.fromInventoryBucket(central) });
    const errors = synthErrors(member);
    expect(errors).toContain('[Member/Inventory] the destination key Central/Central/Key is in another account or Region');
    expect(errors).toContain('Use SyncDestination.fromBucketName with the options region and kmsKeyArn (the deployed key\'s ARN, for example from context), or an encryptionKey imported with Key.fromKeyArn.');
    expect(errors).not.toContain('Resolution error');
  });

  test('a sync in an environment-agnostic stack and a bucket of a known environment: the error names "the deploying account, the deploying Region", not a cross-environment reference error', () => {
    const app = newApp();
    const central = new InventoryBucket(new Stack(app, 'Central', { env: ENV }), 'Central', { encryption: DestinationEncryption.S3_MANAGED });
    const member = new Stack(app, 'Member');
    new ResourceDataSync(member, 'Inventory', { destination: SyncDestination.fromInventoryBucket(central) });
    const errors = synthErrors(member);
    expect(errors).toContain('[Member/Inventory] the destination bucket Central/Central/Bucket is in another account or Region (111122223333, us-east-1) than this sync (the deploying account, the deploying Region), and it has no physical name');
    expect(errors).not.toContain('Cross stack references');
  });

  test('a bucket in one stack, its key and the sync in another: no cycle, the policy asks for a key of that account and Region', () => {
    const app = newApp();
    const bucketStack = new Stack(app, 'Buckets', { env: ENV });
    const syncStack = new Stack(app, 'Syncs', { env: ENV });
    const bucket = new s3.Bucket(bucketStack, 'Bucket');
    const key = new kms.Key(syncStack, 'Key');
    new ResourceDataSync(syncStack, 'Inventory', { destination: SyncDestination.fromBucket(bucket, { encryptionKey: key }) });
    expect(() => app.synth()).not.toThrow();
    const delivery = Object.values(Template.fromStack(bucketStack).findResources('AWS::S3::BucketPolicy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement).find((s: any) => s.Sid === 'SSMBucketDelivery111122223333');
    expect(delivery.Condition.StringLike).toEqual({ 's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:us-east-1:111122223333:key/*' });
    expect(delivery.Condition.StringEquals['s3:x-amz-server-side-encryption']).toBe('aws:kms');
  });
});

describe('keys given as aliases', () => {
  test('an alias of this app stands for its key: the sync names the key and is ordered after it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const alias = key.addAlias('alias/inventory');
    new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ encryptionKey: alias }) });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::ResourceDataSync', {
      S3Destination: { KMSKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    const bucket = new s3.Bucket(stack, 'Mine', { encryptionKey: new kms.Alias(stack, 'Alias', { aliasName: 'alias/mine', targetKey: key }) });
    new ResourceDataSync(stack, 'ToMine', { destination: SyncDestination.fromBucket(bucket) });
    expect(synthErrors(stack)).toBe('');
  });

  test.each([
    ['an imported alias', (stack: Stack) => kms.Alias.fromAliasName(stack, 'Alias', 'alias/inventory'), '"alias/inventory"'],
    ['an alias ARN', (stack: Stack) => kms.Key.fromKeyArn(stack, 'Alias', 'arn:aws:kms:us-east-1:111122223333:alias/inventory'), '"arn:aws:kms:us-east-1:111122223333:alias/inventory"'],
  ])('%s is an error that asks for the key', (_, make, shown) => {
    const stack = newStack();
    new ResourceDataSync(stack, 'New', { destination: SyncDestination.newBucket({ encryptionKey: make(stack) }) });
    const bucket = new s3.Bucket(stack, 'Bucket');
    new ResourceDataSync(stack, 'Existing', { destination: SyncDestination.fromBucket(bucket, { encryptionKey: kms.Alias.fromAliasName(stack, 'Other', 'alias/other') }) });
    const errors = synthErrors(stack);
    expect(errors).toContain(`[Stack/New] destination encryptionKey is the KMS alias ${shown}; resource data sync needs the key itself. ` +
      'Give the key (the kms.Key, or one imported with Key.fromKeyArn and its ARN, arn:aws:kms:<region>:<account>:key/<key-id>).');
    expect(errors).toContain('[Stack/Existing] destination encryptionKey is the KMS alias "alias/other"');
  });
});

describe('a key not defined in this app', () => {
  const WARNING = (name: string) => `The KMS key ${name} is not defined in this app, so its key policy cannot be changed from here. ` +
    'Make sure its policy has these statements before the sync is deployed, or the sync cannot encrypt its data: ';

  test.each([
    ['its ARN', KEY_ARN, `"${KEY_ARN}"`],
    ['a reference resolved at deploy time', Fn.importValue('InventoryKeyArn'), '(a reference resolved at deploy time)'],
  ])('a warning on the InventoryBucket that names the key by %s and shows the statements to add to its policy', (_, arn, shown) => {
    const stack = newStack({ env: ENV });
    new InventoryBucket(stack, 'Central', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', arn) });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Central', Match.stringLikeRegexp('cdk-ssm-resource-data-sync:keyPolicyNotManaged'));
    expect(warnings).toHaveLength(1);
    const message = warnings[0].entry.data as string;
    expect(message.startsWith(WARNING(shown))).toBe(true);
    expect(message).toContain('kms:GenerateDataKey');
  });
});

describe('removal and lifecycle', () => {
  test('SNAPSHOT, a partial day and zero days are errors reported together, with the path', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'A', { removalPolicy: RemovalPolicy.SNAPSHOT, noncurrentVersionExpiration: Duration.hours(12) });
    new ResourceDataSync(stack, 'B', { destination: SyncDestination.newBucket({ noncurrentVersionExpiration: Duration.days(0) }) });
    const errors = synthErrors(stack);
    expect(errors).toContain('[Stack/A] removalPolicy is SNAPSHOT, which S3 buckets and KMS keys do not support');
    expect(errors).toContain('[Stack/A] noncurrentVersionExpiration is 12 hours; S3 lifecycle rules count whole days, at least 1');
    expect(errors).toContain('[Stack/B] destination noncurrentVersionExpiration is 0 days');
    expect(errors).not.toContain('Resolution error');
  });

  test('DESTROY alone warns that the filled bucket cannot be deleted; with autoDeleteObjects every version is emptied', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Warned', { removalPolicy: RemovalPolicy.DESTROY });
    new InventoryBucket(stack, 'Emptied', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Warned', Match.stringLikeRegexp('CloudFormation cannot delete a bucket that holds objects'));
    // Its own removalPolicy: the warning says so, and not that it was set from outside.
    annotations.hasWarning('/Stack/Warned', Match.stringLikeRegexp('^removalPolicy is DESTROY, but CloudFormation cannot delete a bucket that holds objects'));
    expect(annotations.findWarning('/Stack/Emptied', Match.stringLikeRegexp('cannot delete a bucket'))).toHaveLength(0);
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: Match.stringLikeRegexp('^EmptiedBucket') } });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
  });

  test('autoDeleteObjects without DESTROY is an error', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central', { autoDeleteObjects: true });
    expect(synthErrors(stack)).toContain('[Stack/Central] autoDeleteObjects is true but removalPolicy is not DESTROY');
  });
});

describe('JavaScript callers, whom no types protect', () => {
  test.each([
    ['encryption', { encryption: 'Bogus' }, 'encryption "Bogus" is not one of "KMS", "S3_MANAGED". Use DestinationEncryption.KMS or DestinationEncryption.S3_MANAGED.'],
    ['removalPolicy', { removalPolicy: 'keep' }, 'removalPolicy "keep" is not a RemovalPolicy. Use RemovalPolicy.RETAIN (the default) or RemovalPolicy.DESTROY.'],
  ])('a wrong %s is a clear error that says what to use', (_, props, message) => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central', props as any);
    expect(synthErrors(stack)).toContain(`[Stack/Central] ${message}`);
  });

  test('fromInventoryBucket() of something else throws a clear error', () => {
    expect(() => SyncDestination.fromInventoryBucket({} as any)).toThrow('SyncDestination.fromInventoryBucket needs an InventoryBucket');
  });
});

test('syncs in a nested stack write into a bucket of the parent', () => {
  const stack = new Stack(new App(), 'Parent', { env: ENV });
  const central = new InventoryBucket(stack, 'Central');
  new ResourceDataSync(new NestedStack(stack, 'Nested'), 'Inventory', { destination: SyncDestination.fromInventoryBucket(central) });
  expect(synthErrors(stack)).toBe('');
});

describe('a bucket made deletable from outside (item 7 of the day-two review)', () => {
  const WARN = 'cdk-ssm-resource-data-sync:bucketNotEmptiedOnDelete';
  const warned = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`set on the bucket from outside.*\\[ack: ${WARN}\\]`)).length;

  test('an aspect that sets DESTROY on every resource (what RemovalPolicies.of(stack).destroy() does) gets the warning', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central');
    Aspects.of(stack).add({ visit: node => { if (node instanceof CfnResource) node.applyRemovalPolicy(RemovalPolicy.DESTROY); } });
    expect(warned(stack)).toBe(1);
  });

  test('RemovalPolicies.of(stack).destroy(), where aws-cdk-lib has it', () => {
    const policies = (cdk as any).RemovalPolicies;
    if (!policies) return expect(policies).toBeUndefined();
    const stack = newStack();
    new ResourceDataSync(stack, 'Inventory');
    policies.of(stack).destroy();
    return expect(warned(stack)).toBe(1);
  });

  test('the bucket left as it is (RETAIN) gets no warning', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARN))).toHaveLength(0);
  });
});

test('removalPolicy DESTROY says what it deletes, now and on a later change of encryption', () => {
  const stack = newStack();
  new InventoryBucket(stack, 'Central', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  expect(Annotations.fromStack(stack).findWarning('/Stack/Central', Match.stringLikeRegexp(
    'removalPolicy is DESTROY: deleting the stack deletes the inventory data, and a later change of encryption or encryptionKey schedules this key for deletion.*\\[ack: cdk-ssm-resource-data-sync:destroyDeletesData\\]'))).toHaveLength(1);
});

test('removalPolicy DESTROY of an S3_MANAGED bucket says what it deletes, and nothing of a key it has not', () => {
  const stack = newStack();
  new InventoryBucket(stack, 'Central', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true, encryption: DestinationEncryption.S3_MANAGED });
  expect(Annotations.fromStack(stack).findWarning('/Stack/Central', Match.stringLikeRegexp('destroyDeletesData')).map(w => w.entry.data)).toEqual([
    'removalPolicy is DESTROY: deleting the stack deletes the inventory data. Keep RETAIN (the default) for inventory you want to keep. [ack: cdk-ssm-resource-data-sync:destroyDeletesData]',
  ]);
});

describe('the policy size check sees values known only when resolved', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(200000000000 + i));

  test('2,000 accounts given as a Lazy list: the bucket policy would pass 20 KB, an error at synth', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central', { sourceAccounts: Lazy.list({ produce: () => accounts(2000) }) });
    expect(synthErrors(stack)).toMatch(/\[Stack\/Central\] the bucket policy would be about \d+ KB with \d+ writing accounts; the limit is 20 KB/);
  });

  test('a statement added by the user with a 22 KB Lazy value: an error at synth', () => {
    const stack = newStack();
    const central = new InventoryBucket(stack, 'Central');
    central.bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [central.bucket.arnForObjects('*')],
      principals: [new iam.ArnPrincipal(Lazy.string({ produce: () => `arn:aws:iam::111122223333:role/${'x'.repeat(22_000)}` }))],
    }));
    expect(synthErrors(stack)).toMatch(/\[Stack\/Central\] the bucket policy would be about 2\d KB/);
  });

  test('a key policy statement with a 33 KB Lazy principal: an error at synth about the key policy', () => {
    const stack = newStack();
    const central = new InventoryBucket(stack, 'Central');
    central.encryptionKey!.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: ['*'],
      principals: [new iam.ArnPrincipal(Lazy.string({ produce: () => `arn:aws:iam::111122223333:role/${'x'.repeat(33_000)}` }))],
    }));
    expect(synthErrors(stack)).toMatch(/\[Stack\/Central\] the key policy would be about 3\d KB with \d+ writing accounts; the limit is 32 KB/);
  });

  test.each([
    ['a zero-config sync', (stack: Stack) => new ResourceDataSync(stack, 'Sync')],
    ['100 listed accounts', (stack: Stack) => new InventoryBucket(stack, 'Central', { sourceAccounts: accounts(100) })],
    ['an organization, with a prefix', (stack: Stack) => new InventoryBucket(stack, 'Central', { organizationId: 'o-abc123defg', prefix: 'inv' })],
    ['a user statement with a Lazy principal', (stack: Stack) => {
      const central = new InventoryBucket(stack, 'Central');
      central.bucket.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [central.bucket.arnForObjects('*')],
        principals: [new iam.ArnPrincipal(Lazy.string({ produce: () => `arn:aws:iam::111122223333:role/${'x'.repeat(900)}` }))],
      }));
      return central;
    }],
  ])('%s: the size bound the check uses without resolving is never below the size of the resolved policy', (_, build) => {
    const stack = newStack();
    const destination: { bucket?: s3.IBucket; encryptionKey?: kms.IKey } = build(stack);
    Template.fromStack(stack); // the statements are written when the app is synthesized
    const documents = [(destination.bucket as s3.Bucket).policy!.document, (destination.encryptionKey!.node.defaultChild as kms.CfnKey).keyPolicy];
    for (const document of documents) {
      const bound = upperBound(stack, document);
      expect(bound).toBeDefined();
      expect(bound!).toBeGreaterThanOrEqual(resolvedPolicySize(stack, document));
    }
  });

  test('a bucket policy estimated at exactly 20 KB, S3\'s limit, synthesizes; one byte more is an error', () => {
    const LIMIT = 20 * 1024;
    /** A destination whose policy has a statement of the user's, padded by `pad` characters. */
    const build = (pad: number) => {
      const stack = newStack({ env: ENV });
      const central = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory' });
      central.bucket.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'Padded',
        actions: ['s3:GetObject'],
        resources: [central.bucket.arnForObjects('*')],
        principals: [new iam.AccountPrincipal('444455556666')],
        conditions: { StringEquals: { 'aws:PrincipalTag/team': 'x'.repeat(pad) } },
      }));
      const errors = synthErrors(stack);
      return { errors, size: estimatePolicySize(stack, (central.bucket as s3.Bucket).policy!.document) };
    };
    const pad = 15_000 + LIMIT - build(15_000).size;
    const exact = build(pad);
    expect(exact.size).toBe(LIMIT);
    expect(exact.errors).toBe('');
    const over = build(pad + 1);
    expect(over.size).toBe(LIMIT + 1);
    expect(over.errors).toContain('[Stack/Central] the bucket policy would be about 20 KB with 1 writing accounts; the limit is 20 KB.');
  });

  test('a few accounts: no error (the bound decides without resolving)', () => {
    const stack = newStack();
    new InventoryBucket(stack, 'Central', { sourceAccounts: accounts(3) });
    expect(synthErrors(stack)).toBe('');
  });
});

describe('the policy size estimate', () => {
  test('a Ref or Fn:: intrinsic counts as referenceSize characters, a joined one as its strings and half that per value; anything else as its JSON', () => {
    const stack = newStack();
    const size = (document: unknown, referenceSize?: number) => resolvedPolicySize(stack, document, referenceSize);
    const x = (n: number) => 'x'.repeat(n);
    expect(size({ A: 'b', N: 1, T: true })).toBe('{"A":"b","N":1,"T":true}'.length);
    expect(size({ A: cdk.Token.asString({ Ref: 'P' }) })).toBe(`{"A":"${x(80)}"}`.length);
    expect(size({ A: cdk.Token.asString({ Ref: 'P' }) }, 10)).toBe(`{"A":"${x(10)}"}`.length);
    expect(size({ A: cdk.Token.asString({ 'Fn::GetAtt': ['B', 'Arn'] }) })).toBe(`{"A":"${x(80)}"}`.length);
    expect(size({ A: cdk.Fn.join('', ['arn:', cdk.Aws.PARTITION, ':s3:::', cdk.Aws.ACCOUNT_ID]) })).toBe(`{"A":"arn:${x(40)}:s3:::${x(40)}"}`.length);
    // Not intrinsics: an object of two keys, or of one other key; a list; null.
    expect(size({ A: { Ref: 'P', B: 'c' }, C: { D: 'e' }, L: ['Ref'], Null: null })).toBe('{"A":{"Ref":"P","B":"c"},"C":{"D":"e"},"L":["Ref"],"Null":null}'.length);
    expect(size(undefined)).toBe(0);
  });

  test('an upper bound of 10 KB or less is the estimate, found without resolving the policy; past 10 KB, or with no bound, the estimate is the resolved size', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'B');
    const document = (n: number) => ({ Resource: bucket.bucketArn, Pad: 'y'.repeat(n) });
    const at = 10_240 - upperBound(stack, document(0))!;
    expect(upperBound(stack, document(at))).toBe(10_240);
    expect(resolvedPolicySize(stack, document(at))).toBeLessThan(10_240);
    const resolve = jest.spyOn(stack, 'resolve');
    expect(estimatePolicySize(stack, document(at))).toBe(10_240);
    expect(resolve).not.toHaveBeenCalled();
    resolve.mockRestore();
    expect(estimatePolicySize(stack, document(at + 1))).toBe(resolvedPolicySize(stack, document(at + 1)));
    expect(resolvedPolicySize(stack, document(at + 1))).toBeLessThan(10_240);
    const list = { Accounts: Lazy.list({ produce: () => ['111122223333'] }) };
    expect(upperBound(stack, list)).toBeUndefined();
    expect(estimatePolicySize(stack, list)).toBe(resolvedPolicySize(stack, list));
  });
});

describe('the Regions an OrganizationInventory records on its destination, which an InventoryDatabase over it projects', () => {
  /** The projected Regions of the aws_application table, over an organization's destination. */
  const projected = (props: { env?: typeof ENV; regions: string[]; syncDeployingAccount?: boolean }) => {
    const stack = new Stack(newApp(), 'Org', { env: props.env });
    const org = new OrganizationInventory(stack, 'Org', {
      organizationId: 'o-a1b2c3d4e5',
      organizationalUnits: ['ou-ab12-cdef3456'],
      regions: props.regions,
      bucketName: 'central-inventory-111122223333',
      syncDeployingAccount: props.syncDeployingAccount,
    });
    new InventoryDatabase(stack, 'Query', { inventoryBucket: org.destination });
    const tables = Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table')).map(t => t.Properties.TableInput);
    return tables.find(t => t.Name === 'aws_application').Parameters['projection.region.values'];
  };
  /** What a destination that knows no Regions gets: the fixed list of the partition, with the stack's Region if known. */
  const fixedList = (env: typeof ENV | undefined = ENV) => {
    const stack = new Stack(newApp(), 'Central', { env });
    new InventoryDatabase(stack, 'Query', { inventoryBucket: new InventoryBucket(stack, 'Central') });
    const tables = Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table')).map(t => t.Properties.TableInput);
    return tables.find(t => t.Name === 'aws_application').Parameters['projection.region.values'];
  };

  test('its Regions, then its deploying account\'s sync\'s Region, each once', () => {
    expect(projected({ env: ENV, regions: ['eu-west-1', 'us-east-1', 'eu-central-1'] })).toBe('eu-west-1,us-east-1,eu-central-1');
    expect(projected({ env: ENV, regions: ['eu-west-1'] })).toBe('eu-west-1,us-east-1');
    expect(projected({ env: ENV, regions: ['eu-west-1'], syncDeployingAccount: false })).toBe('eu-west-1');
  });

  test('Regions known only at deploy time (a token list): the Regions are unknown, so the fixed list of the partition, with or without the deploying account\'s sync (not a Resolution error)', () => {
    const regions = () => Lazy.list({ produce: () => ['eu-west-1'] });
    expect(fixedList()).toContain('eu-west-1,');
    expect(projected({ env: ENV, regions: regions() })).toBe(fixedList());
    expect(projected({ env: ENV, regions: regions(), syncDeployingAccount: false })).toBe(fixedList());
  });

  test('an environment-agnostic stack: its deploying account\'s sync\'s Region is known only at deploy time, so the Regions are unknown and its data is not missed (the fixed list)', () => {
    expect(fixedList(undefined)).toContain('ap-southeast-2');
    expect(projected({ regions: ['eu-west-1', 'eu-central-1'] })).toBe(fixedList(undefined));
    // Without that sync, the Regions are the organization's.
    expect(projected({ regions: ['eu-west-1', 'eu-central-1'], syncDeployingAccount: false })).toBe('eu-west-1,eu-central-1');
  });
});
