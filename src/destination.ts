import { Annotations, IResource, Stack, Token, TokenComparison, aws_kms as kms, aws_s3 as s3, aws_ssm as ssm } from 'aws-cdk-lib';
import { Construct, IConstruct, IDependable } from 'constructs';
import { DestinationResources, describeName, destinationBuckets, InventoryBucket, InventoryBucketProps, targetKey, deferIfInvalid, warnKeyPolicyNotManaged } from './inventory-bucket';
import { bucketStatements, describeStatements, keyStatements, partitionOf, withUniqueSids, Writers } from './policies';
import { checkBucketName, checkKeyRegion, checkKmsKeyArn, checkPrefix, checkRegion, warnUnknownRegions } from './validation';

/** Warning ids, so users can acknowledge them (see README "Warnings"). */
const WARN_BUCKET_POLICY = 'cdk-ssm-resource-data-sync:bucketPolicyNotManaged';
const WARN_BUCKET_REGION = 'cdk-ssm-resource-data-sync:bucketRegionAssumed';

/** The only format resource data sync writes. */
const SYNC_FORMAT = 'JsonSerDe';

/**
 * Options for `SyncDestination.newBucket()`: the same as an `InventoryBucket`'s.
 */
export interface NewBucketDestinationOptions extends InventoryBucketProps {}

/**
 * Options for `SyncDestination.fromBucket()`.
 */
export interface BucketDestinationOptions {
  /**
   * The key prefix under which the sync writes. 1 to 256 characters, without a leading or
   * trailing `/`.
   *
   * @default - no prefix
   */
  readonly prefix?: string;

  /**
   * The KMS key the sync encrypts the data with. It must be in the bucket's Region. A `kms.Alias`
   * of this app stands for its target key; an imported alias is an error.
   *
   * @default - the bucket's own `encryptionKey` if it has one, otherwise none (the bucket's default
   * encryption applies and the sync sets no `KMSKeyArn`)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Options for `SyncDestination.fromBucketName()`.
 */
export interface BucketNameDestinationOptions {
  /**
   * The Region the bucket is in, such as `us-east-1`. Required.
   */
  readonly region: string;

  /**
   * The key prefix under which the sync writes. 1 to 256 characters, without a leading or
   * trailing `/`.
   *
   * @default - no prefix
   */
  readonly prefix?: string;

  /**
   * The ARN of the KMS key the sync encrypts the data with (a key ARN, not an alias), in the
   * bucket's Region.
   *
   * @default - no KMS key: the bucket's default encryption applies
   */
  readonly kmsKeyArn?: string;
}

/**
 * What a destination gives the sync it is bound to.
 */
export interface SyncDestinationConfig {
  /**
   * The `S3Destination` property of `AWS::SSM::ResourceDataSync`.
   */
  readonly s3Destination: ssm.CfnResourceDataSync.S3DestinationProperty;

  /**
   * The destination bucket.
   */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix under which the sync writes.
   *
   * @default - no prefix
   */
  readonly prefix?: string;

  /**
   * The KMS key the data is encrypted with.
   *
   * @default - none
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What the sync must be created after: the bucket policy that lets it write.
   */
  readonly dependencies: IDependable[];

  /**
   * The AWS Organizations id whose syncs the destination's bucket policy lets write (the statements
   * AWS documents for organization syncs, needed by destination data sharing).
   *
   * @default - the bucket policy grants no organization, or is not managed by this library
   */
  readonly organizationId?: string;
}

/**
 * Where a `SyncToDestination` resource data sync writes Inventory data: an S3 bucket.
 *
 * @example
 * declare const myBucket: s3.IBucket;
 * SyncDestination.newBucket({ prefix: 'inventory' });
 * SyncDestination.fromBucket(myBucket, { prefix: 'inventory' });
 * SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' });
 * SyncDestination.fromInventoryBucket(new InventoryBucket(stack, 'Central'));
 */
export abstract class SyncDestination {
  /**
   * A new bucket made for one sync, under the sync's own scope: SSE-KMS with a new customer
   * managed key (rotation on), S3 Bucket Key, all public access blocked, TLS 1.2 enforced,
   * versioned with noncurrent versions expiring, ACLs disabled (bucket owner enforced), retained
   * when the stack is deleted, and the bucket and key policies that let Systems Manager write (and
   * nothing more).
   *
   * One `newBucket()` is for one sync: giving it to a second sync is an error. For a bucket that
   * several syncs, stacks or accounts share, make an `InventoryBucket` and use
   * `SyncDestination.fromInventoryBucket()`.
   */
  public static newBucket(options: NewBucketDestinationOptions = {}): SyncDestination {
    return new NewBucketDestination(options ?? {});
  }

  /**
   * An `InventoryBucket`: a destination of its own that any number of syncs share. The account of
   * each sync that uses it is added to its writers. A sync in another account or Region needs the
   * bucket's name (`bucketName`) and a key whose ARN is known at synth time.
   */
  public static fromInventoryBucket(inventoryBucket: InventoryBucket): SyncDestination {
    if (!(inventoryBucket instanceof InventoryBucket)) {
      throw new Error('SyncDestination.fromInventoryBucket needs an InventoryBucket (the construct of this library).');
    }
    return new InventoryBucketDestination(inventoryBucket);
  }

  /**
   * An existing bucket. When it is defined in this app the statements Systems Manager needs are
   * added to its bucket policy (and to the key's policy, when the key is defined in this app);
   * for an imported bucket or key nothing can be added, and a warning shows the statements to add.
   */
  public static fromBucket(bucket: s3.IBucket, options: BucketDestinationOptions = {}): SyncDestination {
    if (!bucket || typeof bucket.addToResourcePolicy !== 'function') {
      throw new Error('SyncDestination.fromBucket needs a bucket (an s3.Bucket, or one imported with Bucket.fromBucketName).');
    }
    return new ExistingBucketDestination(bucket, options ?? {});
  }

  /**
   * A bucket known only by its name and Region, for example a central bucket in another account
   * or Region. No policy is changed; a warning shows the statements the bucket's owner must add.
   *
   * @param bucketName the name of the existing bucket the sync writes into (3 to 63 characters,
   * for example `central-inventory-111122223333`)
   * @param options the bucket's Region (required), and the prefix and KMS key the sync writes with
   */
  public static fromBucketName(bucketName: string, options: BucketNameDestinationOptions): SyncDestination {
    if (!options || options.region === undefined) {
      throw new Error(`SyncDestination.fromBucketName for ${JSON.stringify(bucketName)} needs the options with region, the bucket's Region (for example us-east-1).`);
    }
    return new BucketNameDestination(bucketName, options);
  }

  /**
   * Make (or find) the bucket, grant Systems Manager access to it and return the `S3Destination`.
   *
   * @param scope the resource data sync this destination is used by
   */
  public abstract bind(scope: Construct): SyncDestinationConfig;
}

/** What `bindToBucket` needs to know about a destination. */
interface BucketBinding {
  readonly bucket: s3.IBucket;
  readonly bucketRegion: string;
  readonly prefix?: string;
  readonly encryptionKey?: kms.IKey;
  /** Who to add statements for; none when the destination writes its own policies (InventoryBucket). */
  readonly writers?: Writers;
  /** Problems of the destination's own options, reported with the sync's. */
  readonly problems: string[];
}

/**
 * The part all destinations share: add the statements to the bucket and key policies (or warn
 * that they cannot be added), check the rules, and build the `S3Destination`.
 */
function bindToBucket(scope: Construct, binding: BucketBinding): SyncDestinationConfig {
  const { bucket, encryptionKey, prefix } = binding;
  const problems = [...binding.problems];

  // A sync in another account or Region must know the bucket's name and the key's ARN at synth
  // time: aws-cdk-lib would otherwise stop with a "Resolution error" that names neither.
  let bucketName = bucket.bucketName;
  const crossBucket = crossEnvironment(scope, bucket);
  if (crossBucket && !hasPhysicalName(bucket)) {
    problems.push(`the destination bucket ${bucket.node.path} is in another account or Region (${describeEnv(bucket)}) than this sync (${describeEnv(Stack.of(scope))}), and it has no physical name, so the sync cannot name it. ` +
      'Give the bucket a bucketName, or point the sync at it with SyncDestination.fromBucketName and the option region.');
    bucketName = 'unknown-at-synth-time';
  }
  let kmsKeyArn = encryptionKey?.keyArn;
  const ownedKey = encryptionKey?.node.defaultChild instanceof kms.CfnKey;
  if (encryptionKey && ownedKey && kmsKeyArn === encryptionKey.keyArn && crossEnvironment(scope, encryptionKey)) {
    problems.push(`the destination key ${encryptionKey.node.path} is in another account or Region (${describeEnv(encryptionKey)}) than this sync, and a key's ARN is known only once it is deployed. ` +
      'Use SyncDestination.fromBucketName with the options region and kmsKeyArn (the deployed key\'s ARN, for example from context), or an encryptionKey imported with Key.fromKeyArn.');
    kmsKeyArn = undefined;
  }
  const target = { bucketArn: bucket.bucketArn, prefix, kmsKeyArn, kmsKeyArnPattern: cycleFreeKeyPattern(bucket, encryptionKey) };

  if (binding.writers) {
    const notAdded = withUniqueSids(bucket, bucketStatements(scope, target, binding.writers))
      .filter(statement => !bucket.addToResourcePolicy(statement).statementAdded);
    if (notAdded.length > 0) {
      Annotations.of(scope).addWarningV2(WARN_BUCKET_POLICY,
        `The destination bucket ${describeName(bucket.bucketName)} is not defined in this app, so its bucket policy cannot be changed from here. ` +
        `Make sure its policy has these statements before the sync is deployed, or the first sync fails: ${describeStatements(scope, notAdded)}`);
    }
    if (kmsKeyArn) {
      const statements = keyStatements(scope, binding.writers);
      const keyNotAdded = encryptionKey
        ? withUniqueSids(encryptionKey, statements).filter(statement => !encryptionKey.addToResourcePolicy(statement).statementAdded)
        : statements;
      if (keyNotAdded.length > 0) warnKeyPolicyNotManaged(scope, kmsKeyArn, keyNotAdded);
    }
  }

  scope.node.addValidation({
    validate: () => [
      ...problems,
      ...(binding.writers ? checkPrefix(prefix, 'destination prefix') : []),
      ...checkObjectLock(bucket),
      ...checkKeyRegion(encryptionKey?.env.region, binding.bucketRegion, 'destination encryption key'),
    ],
  });

  // The sync must be created after the policies that let it write, or its first run fails and
  // CloudFormation rolls back. The key (whose policy is inline) is already ordered before the sync
  // by the `KMSKeyArn` reference; the bucket policy is a resource of its own. A bucket of another
  // environment is deployed on its own: there is nothing to depend on.
  const dependencies: IDependable[] = bucket.policy && !crossBucket ? [bucket.policy] : [];

  return {
    s3Destination: {
      bucketName,
      bucketRegion: binding.bucketRegion,
      bucketPrefix: prefix,
      kmsKeyArn,
      syncFormat: SYNC_FORMAT,
    },
    bucket,
    prefix,
    encryptionKey,
    dependencies,
  };
}

/** Whether `resource` is in another account or Region than the stack of `scope`, as aws-cdk-lib decides it. */
function crossEnvironment(scope: IConstruct, resource: IResource): boolean {
  const stack = Stack.of(scope);
  return differ(stack.account, resource.env.account) || differ(stack.region, resource.env.region);
}

function differ(a: string, b: string): boolean {
  const comparison = Token.compareStrings(a, b);
  return comparison === TokenComparison.DIFFERENT || comparison === TokenComparison.ONE_UNRESOLVED;
}

function describeEnv(resource: { env: { account: string; region: string } } | Stack): string {
  const env = resource instanceof Stack ? { account: resource.account, region: resource.region } : resource.env;
  const show = (v: string, what: string) => (Token.isUnresolved(v) ? `the deploying ${what}` : v);
  return `${show(env.account, 'account')}, ${show(env.region, 'Region')}`;
}

/** A bucket whose name can be used anywhere: imported (by whatever name it was given), or made with a `bucketName`. */
function hasPhysicalName(bucket: s3.IBucket): boolean {
  const cfn = bucket.node.defaultChild;
  // aws-cdk-lib's Bucket gives its CfnBucket a token that resolves to nothing when it has no name.
  return !(cfn instanceof s3.CfnBucket) || Stack.of(cfn).resolve(cfn.bucketName) !== undefined;
}

/**
 * A key of another stack than its bucket's cannot be named in the bucket's policy when that stack
 * also refers to the bucket (the sync): the two stacks would depend on each other. The policy then
 * asks for a key of the key's account and Region instead of the key itself.
 */
function cycleFreeKeyPattern(bucket: s3.IBucket, key: kms.IKey | undefined): string | undefined {
  if (!key || !(key.node.defaultChild instanceof kms.CfnKey) || !(bucket.node.defaultChild instanceof s3.CfnBucket)) return undefined;
  if (Stack.of(key) === Stack.of(bucket)) return undefined;
  return `arn:${partitionOf(key)}:kms:${key.env.region}:${key.env.account}:key/*`;
}

/** Resource data sync cannot write into a bucket with Object Lock (User Guide). */
function checkObjectLock(bucket: s3.IBucket): string[] {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket && (cfn.objectLockEnabled === true || cfn.objectLockConfiguration !== undefined)) {
    return [`destination bucket ${bucket.node.path} has Object Lock enabled; Systems Manager cannot write resource data sync data into a bucket with Object Lock. Use a bucket without Object Lock.`];
  }
  return [];
}

/** The account a sync writes from: its stack's account. */
function accountOf(scope: IConstruct): string {
  return Stack.of(scope).account;
}

/** The destination's config for a sync, from resources that write their own policies. */
function bindToResources(scope: Construct, resources: DestinationResources, problems: string[] = []): SyncDestinationConfig {
  resources.addAccounts([accountOf(scope)]);
  const organizationId = resources.writers.organizationId;
  return {
    organizationId,
    ...bindToBucket(scope, {
      bucket: resources.bucket,
      bucketRegion: resources.bucket.env.region,
      prefix: resources.prefix,
      encryptionKey: resources.encryptionKey,
      problems,
    }),
  };
}

class NewBucketDestination extends SyncDestination {
  /** The sync that made the bucket, and the bucket, in each app this object was used in. */
  private readonly made = new WeakMap<IConstruct, { sync: Construct; resources: DestinationResources }>();

  constructor(private readonly options: NewBucketDestinationOptions) {
    super();
  }

  public bind(scope: Construct): SyncDestinationConfig {
    const app = scope.node.root;
    const first = this.made.get(app);
    if (first) {
      return bindToResources(scope, first.resources, [
        `this sync is given the SyncDestination.newBucket() that already made the bucket of ${first.sync.node.path}; one newBucket() is for one sync, and the bucket's logical id would depend on which sync comes first. ` +
        'To share a bucket, make it an InventoryBucket and give each sync SyncDestination.fromInventoryBucket with it.',
      ]);
    }
    const resources = new DestinationResources(scope, this.options, 'destination ');
    this.made.set(app, { sync: scope, resources });
    return bindToResources(scope, resources);
  }
}

class InventoryBucketDestination extends SyncDestination {
  constructor(private readonly inventoryBucket: InventoryBucket) {
    super();
  }

  public bind(scope: Construct): SyncDestinationConfig {
    return bindToResources(scope, this.inventoryBucket._resources);
  }
}

class ExistingBucketDestination extends SyncDestination {
  constructor(private readonly bucket: s3.IBucket, private readonly options: BucketDestinationOptions) {
    super();
  }

  public bind(scope: Construct): SyncDestinationConfig {
    const problems: string[] = [];
    const bucket = this.bucket;
    const encryptionKey = targetKey(this.options.encryptionKey ?? bucket.encryptionKey, 'destination encryptionKey', problems);
    const imported = !(bucket.node.defaultChild instanceof s3.CfnBucket);
    if (imported && !Token.isUnresolved(bucket.env.region) && bucket.env.region === Stack.of(bucket).region) {
      Annotations.of(scope).addWarningV2(WARN_BUCKET_REGION,
        `The destination bucket ${describeName(bucket.bucketName)} is imported, and the sync takes it to be in its stack's Region (${bucket.env.region}). ` +
        'If it is in another Region, import it with Bucket.fromBucketAttributes and the attributes bucketName and region, or use SyncDestination.fromBucketName and the option region.');
    }
    return bindToBucket(scope, {
      bucket,
      bucketRegion: bucket.env.region,
      prefix: this.options.prefix,
      encryptionKey,
      writers: { accounts: [accountOf(scope)] },
      problems,
    });
  }
}

const WARN_KEY_MISSING = 'cdk-ssm-resource-data-sync:destinationKeyMissing';

/** Warns when `name` is a destination bucket of this app that is encrypted with a KMS key. */
function warnKeyMissing(scope: Construct, name: string): void {
  for (const [bucket, resources] of destinationBuckets(scope)) {
    const cfn = bucket.node.defaultChild as s3.CfnBucket;
    if (resources.encryptionKey === undefined || Stack.of(cfn).resolve(cfn.bucketName) !== name) continue;
    Annotations.of(scope).addWarningV2(WARN_KEY_MISSING,
      `destination bucket ${JSON.stringify(name)}, named here with fromBucketName (so this sync cannot change its policy), is ${bucket.node.path} of this app, whose own policy lets this account write but only with its KMS key; the sync would fail. Give kmsKeyArn (the key's ARN, for example from the key's stack output).`);
  }
}

class BucketNameDestination extends SyncDestination {
  constructor(private readonly bucketName: string, private readonly options: BucketNameDestinationOptions) {
    super();
  }

  public bind(scope: Construct): SyncDestinationConfig {
    const { region, kmsKeyArn } = this.options;
    const bucket = s3.Bucket.fromBucketAttributes(scope, 'DestinationBucket', { bucketName: deferIfInvalid(this.bucketName), region });
    const keyArnValid = kmsKeyArn !== undefined && checkKmsKeyArn(kmsKeyArn, '').length === 0;
    warnUnknownRegions(scope, [region], 'destination region');
    if (kmsKeyArn === undefined && !Token.isUnresolved(this.bucketName)) {
      // The bucket may be a KMS-encrypted destination of this same app (a member stack naming the
      // central bucket): its policy denies writes without its key.
      const name = this.bucketName;
      // Judged when the app is validated, once every construct exists (the bucket may come later).
      scope.node.addValidation({ validate: () => { warnKeyMissing(scope, name); return []; } });
    }
    return bindToBucket(scope, {
      bucket,
      bucketRegion: region,
      prefix: this.options.prefix,
      // An imported key, for grantRead() (its policy is never changed); its keyArn is kmsKeyArn.
      encryptionKey: keyArnValid ? kms.Key.fromKeyArn(scope, 'DestinationKey', kmsKeyArn) : undefined,
      writers: { accounts: [accountOf(scope)] },
      problems: [
        ...checkBucketName(this.bucketName, 'destination bucketName'),
        ...checkRegion(region, 'destination region'),
        ...checkKmsKeyArn(kmsKeyArn, 'destination kmsKeyArn'),
      ],
    });
  }
}
