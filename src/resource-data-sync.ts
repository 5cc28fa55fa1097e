import { Annotations, Arn, ArnFormat, Aws, CfnResource, FeatureFlags, IResource, Names, PhysicalName, Resource, Stack, Token, Tokenization, aws_iam as iam, aws_kms as kms, aws_s3 as s3, aws_ssm as ssm, cx_api as cxapi } from 'aws-cdk-lib';
import { aws_ssm as ssmRefs } from 'aws-cdk-lib/interfaces';
import { Construct, IConstruct } from 'constructs';
import { apiSyncProblems, newApiSync, usesApi } from './api-sync/api-sync';
import { DestinationDataSharingType } from './api-sync/destination-data-sharing';
import { registerSync } from './app-checks';
import { SyncDestination, SyncDestinationConfig } from './destination';
import { InventoryDataGrants } from './grants';
import { madeUnnamed } from './inventory-bucket';
import { hash } from './policies';
import { SyncSource, SyncSourceConfig } from './source';
import { checkAccountIds, checkOneOf, checkRegion, checkSyncName, MAX_SYNC_NAME_LENGTH, partitionOfRegion } from './validation';

const WARN_API_SWITCH_NAME = 'cdk-ssm-resource-data-sync:apiSyncExplicitName';

/**
 * The kind of resource data sync.
 */
export enum SyncType {
  /**
   * Inventory data to an S3 bucket (`SyncToDestination`).
   */
  SYNC_TO_DESTINATION = 'SyncToDestination',

  /**
   * Explorer OpsData from several Regions, or from accounts of an AWS Organization
   * (`SyncFromSource`).
   */
  SYNC_FROM_SOURCE = 'SyncFromSource',
}

/**
 * A resource data sync, defined in this app or imported.
 */
export interface IResourceDataSync extends IResource, ssmRefs.IResourceDataSyncRef {
  /**
   * The name of the resource data sync.
   *
   * @attribute
   */
  readonly syncName: string;

  /**
   * The ARN of the resource data sync,
   * `arn:<partition>:ssm:<region>:<account>:resource-data-sync/<name>`.
   *
   * @attribute
   */
  readonly syncArn: string;
}

/**
 * Properties of a `ResourceDataSync`.
 */
export interface ResourceDataSyncProps {
  /**
   * The name of the resource data sync, 1 to 64 characters, unique in its account and Region.
   *
   * Leave it out unless something outside this app needs the name: a generated name changes by
   * itself whenever a change replaces the sync. With an explicit name, a change of any of these
   * replaces the sync and needs a **new** `syncName` in the same deploy (CloudFormation creates the
   * replacement before it deletes the old sync, and two syncs cannot share a name): the destination
   * (bucket, its Region, prefix, KMS key, encryption), the kind of sync, and a source's account
   * option (single account, entire organization, organizational units). A source's Regions and
   * organizational units change in place. A replacement also needs a free slot of the 5 syncs per
   * account and Region while both exist.
   *
   * @default - `<construct path>-<hash>`, at most 64 characters, where the hash changes with every
   * property whose change replaces the sync
   */
  readonly syncName?: string;

  /**
   * The kind of sync. It follows from `source`, so it can only repeat or contradict it.
   *
   * @deprecated leave it out: a `source` makes a `SYNC_FROM_SOURCE` sync, no source a
   * `SYNC_TO_DESTINATION` sync
   * @default - `SyncType.SYNC_FROM_SOURCE` when `source` is given, otherwise
   * `SyncType.SYNC_TO_DESTINATION`
   */
  readonly syncType?: SyncType;

  /**
   * Where a `SyncToDestination` sync writes Inventory data. Not allowed with a source.
   *
   * @default - `SyncDestination.newBucket()` for a `SyncToDestination` sync: a new encrypted bucket
   */
  readonly destination?: SyncDestination;

  /**
   * Where a `SyncFromSource` sync (Explorer) aggregates OpsData from. Not allowed with a destination.
   *
   * @default - none: the sync is a `SyncToDestination` Inventory sync
   */
  readonly source?: SyncSource;

  /**
   * Destination data sharing (`S3Destination.DestinationDataSharing` of the SSM API): the sync
   * writes under this account's key prefix of a central bucket that the whole AWS Organization
   * writes to, tagging each object with the organization's id. Only for a `SyncToDestination`
   * sync whose bucket policy grants the organization (an `InventoryBucket` or `newBucket()` with
   * `organizationId`). One such sync per account and Region; it does not fan out (each account
   * and Region still needs its own sync).
   *
   * `AWS::SSM::ResourceDataSync` has no such property: a sync that sets it is made through the SSM
   * API by a custom resource (see the README, "API-only fields"). Changing it replaces the sync.
   *
   * @default - no destination data sharing: the sync is the CloudFormation resource
   */
  readonly destinationDataSharing?: DestinationDataSharingType;

  /**
   * The KMS key that encrypts the CloudWatch Logs log group of the function that makes the syncs
   * of this stack that use API-only fields (`destinationDataSharing`,
   * `SyncSourceOptions.enableAllOpsDataSources`). All such syncs of a stack share that function:
   * give them the same key (two different keys are a synth error). The key policy must let
   * `logs.<region>.amazonaws.com` use the key (CloudWatch Logs documents the statement).
   *
   * @default - the log group is encrypted by CloudWatch Logs with its own key
   */
  readonly apiHandlerLogEncryptionKey?: kms.IKey;
}

/**
 * An AWS Systems Manager resource data sync.
 *
 * A `SyncToDestination` sync writes the Inventory data of the managed nodes of its account and
 * Region into an S3 bucket; a `SyncFromSource` sync aggregates Explorer OpsData from several Regions
 * or from an AWS Organization. Every rule of the API is checked at synth time.
 *
 * @resource AWS::SSM::ResourceDataSync
 *
 * @example
 * // Inventory to a new bucket, encrypted with a new KMS key, with the policies AWS documents.
 * const inventory = new ResourceDataSync(stack, 'Inventory');
 *
 * // Explorer OpsData from two Regions of this account.
 * const opsData = new ResourceDataSync(stack, 'OpsData', {
 *   source: SyncSource.singleAccount({ regions: ['us-east-1', 'eu-west-1'] }),
 * });
 */
export class ResourceDataSync extends Resource implements IResourceDataSync {
  /**
   * Import a resource data sync by its name, in the scope's account and Region.
   */
  public static fromSyncName(scope: Construct, id: string, syncName: string): IResourceDataSync {
    return ResourceDataSync.fromSyncAttributes(scope, id, { syncName });
  }

  /**
   * Import a resource data sync by its ARN,
   * `arn:<partition>:ssm:<region>:<account>:resource-data-sync/<name>`, in any account and Region.
   */
  public static fromSyncArn(scope: Construct, id: string, syncArn: string): IResourceDataSync {
    const parts = Arn.split(syncArn, ArnFormat.SLASH_RESOURCE_NAME);
    if (!Token.isUnresolved(syncArn) && (parts.service !== 'ssm' || parts.resource !== 'resource-data-sync' || !parts.resourceName)) {
      throw new Error(`[${scope.node.path}/${id}] ${JSON.stringify(syncArn)} is not a resource data sync ARN; it must look like "arn:aws:ssm:us-east-1:111122223333:resource-data-sync/inventory".`);
    }
    return new ImportedSync(scope, id, parts.resourceName!, { account: parts.account, region: parts.region }, syncArn);
  }

  /**
   * Import a resource data sync by its name, in the given account and Region (by default the
   * scope's).
   */
  public static fromSyncAttributes(scope: Construct, id: string, attrs: ResourceDataSyncAttributes): IResourceDataSync {
    const problems = [
      ...checkSyncName(attrs.syncName),
      ...(attrs.account !== undefined ? checkAccountIds([attrs.account], 'account') : []),
      ...checkRegion(attrs.region, 'region'),
    ];
    if (problems.length > 0) throw new Error(`[${scope.node.path}/${id}] ${problems.join(' ')}`);
    return new ImportedSync(scope, id, attrs.syncName, { account: attrs.account, region: attrs.region });
  }

  /**
   * The name of the resource data sync.
   */
  public get syncName(): string {
    // Made when first read (most apps never read it): aws-cdk-lib builds each such token with a class of its own.
    return this.syncNameToken ??= this.getResourceNameAttribute(this.resourceRef);
  }

  /**
   * The ARN of the resource data sync.
   */
  public get syncArn(): string {
    return this.syncArnToken ??= this.getResourceArnAttribute(syncArnFor(this, this.resourceRef), {
      service: 'ssm',
      resource: 'resource-data-sync',
      resourceName: this.physicalName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * The kind of sync.
   */
  public readonly syncType: SyncType;

  /**
   * The destination bucket of a `SyncToDestination` sync.
   *
   * @default - none for a `SyncFromSource` sync
   */
  public readonly bucket?: s3.IBucket;

  /**
   * The KMS key that encrypts the synced data, where the destination has one.
   *
   * @default - none
   */
  public readonly encryptionKey?: kms.IKey;

  /**
   * The key prefix under which a `SyncToDestination` sync writes.
   *
   * @default - none
   */
  public readonly prefix?: string;

  /**
   * Grants on the synced data of a `SyncToDestination` sync.
   *
   * @default - none for a `SyncFromSource` sync
   */
  public readonly grants?: InventoryDataGrants;

  /** The name generated when none is given, known at synth time. */
  private readonly generatedName: string;

  /** The `ref` of the sync's resource (the CloudFormation resource, or the API sync's custom resource): its name. */
  private readonly resourceRef: string;
  private syncNameToken?: string;
  private syncArnToken?: string;

  constructor(scope: Construct, id: string, props: ResourceDataSyncProps = {}) {
    // A generated name is known at synth time: a sync in another stack, account or Region can use it.
    super(scope, id, { physicalName: props?.syncName ?? PhysicalName.GENERATE_IF_NEEDED });
    props = props ?? {};

    const problems = [
      ...checkOneOf(props.syncType, Object.values(SyncType), 'syncType', 'Leave it out: a source makes a SYNC_FROM_SOURCE sync, no source a SYNC_TO_DESTINATION sync.'),
      ...checkBindable(props.destination, 'destination', 'SyncDestination.newBucket or SyncDestination.fromBucket'),
      ...checkBindable(props.source, 'source', 'SyncSource.singleAccount and the option regions'),
    ];
    const validTypes: string[] = Object.values(SyncType);
    const syncType = props.syncType !== undefined && validTypes.includes(props.syncType) ? props.syncType : undefined;
    this.syncType = syncType ?? (props.source ? SyncType.SYNC_FROM_SOURCE : SyncType.SYNC_TO_DESTINATION);
    // Only what can be bound is bound; a contradiction of type and props is reported with the rest.
    const bindable = problems.length === 0;
    problems.push(...typeProblems(this.syncType, props));

    let destination: SyncDestinationConfig | undefined;
    let source: SyncSourceConfig | undefined;
    if (bindable && this.syncType === SyncType.SYNC_TO_DESTINATION && !props.source) {
      destination = (props.destination ?? SyncDestination.newBucket()).bind(this);
    }
    if (bindable && this.syncType === SyncType.SYNC_FROM_SOURCE && props.source) {
      source = props.source.bind(this);
    }

    // A field CloudFormation lacks: the sync is made through the SSM API (./api-sync), under
    // another logical id and name (switching creates the new sync before deleting the old one).
    const api = usesApi(props.destinationDataSharing, source);
    const apiKey = api ? { destinationDataSharing: props.destinationDataSharing ?? null } : undefined;
    this.generatedName = generateName(this, this.syncType, destination, source, apiKey);
    const syncName = props.syncName ?? this.generatedName;
    const apiOptions = {
      syncName,
      syncType: this.syncType,
      destination,
      source,
      destinationDataSharing: props.destinationDataSharing,
      logEncryptionKey: props.apiHandlerLogEncryptionKey,
    };
    if (api) problems.push(...apiSyncProblems(this, apiOptions));
    if (api && props.syncName !== undefined) {
      // Switching the API fields on or off swaps the CloudFormation resource for the custom resource
      // (or back); the new one is created first, and under the same name it cannot be.
      Annotations.of(this).addWarningV2(WARN_API_SWITCH_NAME,
        `syncName ${JSON.stringify(props.syncName)} is given and this sync uses API-only fields, so it is made through the SSM API. Turning those fields on or off later replaces the sync, and the new one is created before the old one is deleted: give a new syncName in the same change (or leave syncName out: a generated name changes by itself).`);
    }
    if (!api && props.apiHandlerLogEncryptionKey) {
      problems.push('apiHandlerLogEncryptionKey is given but this sync uses no API-only field (destinationDataSharing, enableAllOpsDataSources), so no function makes it. Remove it.');
    }
    const resource = api ? newApiSync(this, 'ApiResource', apiOptions) : new ssm.CfnResourceDataSync(this, 'Resource', {
      syncName,
      syncType: this.syncType,
      s3Destination: destination?.s3Destination,
      syncSource: source?.syncSource,
    });
    for (const dependency of destination?.dependencies ?? []) {
      resource.node.addDependency(dependency);
    }

    this.bucket = destination?.bucket;
    this.encryptionKey = destination?.encryptionKey;
    this.prefix = destination?.prefix;
    this.grants = destination ? InventoryDataGrants.fromDestination(destination.bucket, destination.prefix, destination.encryptionKey) : undefined;
    this.resourceRef = resource.ref;

    registerSync(this, syncName);
    this.node.addValidation({ validate: () => [...problems, ...checkSyncName(syncName)] });
  }

  public get resourceDataSyncRef(): ssmRefs.ResourceDataSyncReference {
    return { syncName: this.syncName };
  }

  /**
   * Let `grantee` read the synced data: `s3:GetObject` on the objects under the destination
   * prefix, `s3:ListBucket` of the keys under it and `s3:GetBucketLocation` on the bucket, and
   * `kms:Decrypt` on the destination key (for Athena, AWS Glue and the people who query the data).
   * A principal of another account than the bucket's is also granted in the bucket and key policies.
   *
   * Only for a `SyncToDestination` sync. The same as `grants.read(grantee)`.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (!this.grants) {
      throw new Error(`[${this.node.path}] grantRead() needs a SyncToDestination sync; this ${this.syncType} sync has no destination bucket. Grant access to Explorer instead.`);
    }
    return this.grants.read(grantee);
  }

  /** The name used when the sync is referenced from another account or Region. */
  protected generatePhysicalName(): string {
    return this.generatedName;
  }
}

/**
 * Attributes of a resource data sync to import.
 */
export interface ResourceDataSyncAttributes {
  /**
   * The name of the resource data sync.
   */
  readonly syncName: string;

  /**
   * The account the sync is in.
   *
   * @default - the scope's account
   */
  readonly account?: string;

  /**
   * The Region the sync is in.
   *
   * @default - the scope's Region
   */
  readonly region?: string;
}

class ImportedSync extends Resource implements IResourceDataSync {
  public readonly syncArn: string;

  constructor(scope: Construct, id: string, public readonly syncName: string, env: { account?: string; region?: string }, syncArn?: string) {
    super(scope, id, { account: env.account, region: env.region });
    this.syncArn = syncArn ?? Stack.of(this).formatArn({
      service: 'ssm',
      account: env.account,
      region: env.region,
      resource: 'resource-data-sync',
      resourceName: syncName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  public get resourceDataSyncRef(): ssmRefs.ResourceDataSyncReference {
    return { syncName: this.syncName };
  }
}

/** Whether `construct` is below `ancestor` and in its stack (no stack between them). */
function isBelow(construct: IConstruct, ancestor: IConstruct): boolean {
  for (let scope = construct.node.scope; scope !== undefined; scope = scope.node.scope) {
    if (scope === ancestor) return true;
    if (Stack.isStack(scope)) return false;
  }
  return false;
}

/**
 * `<unique name from the construct path>-<hash>`: the hash covers every property whose change
 * replaces the sync (the destination, the type, the source's account option), so that a change
 * deploys as a clean replacement: CloudFormation creates the new sync before it deletes the old
 * one, and a sync's name is its identity. A source's Regions and OUs change in place: not hashed.
 */
function generateName(
  sync: ResourceDataSync, syncType: SyncType, destination?: SyncDestinationConfig, source?: SyncSourceConfig, api?: object,
): string {
  const stack = Stack.of(sync);
  const bucket = destination?.bucket.node.defaultChild;
  const inputs = {
    s3Destination: destination?.s3Destination,
    bucketName: bucket instanceof s3.CfnBucket ? bucket.bucketName : undefined,
    organization: source?.syncSource.awsOrganizationsSource,
  };
  // One resolution for all three (each costs a whole token resolution pass), unless it can be skipped.
  const resolved = resolvedMadeHere(sync, destination, inputs) ?? stack.resolve(inputs);
  const replacing = {
    syncType,
    s3Destination: destination && resolved.s3Destination,
    // A new bucket name replaces the bucket under the same logical id: the reference alone would not show it.
    bucketName: bucket instanceof s3.CfnBucket ? resolved.bucketName ?? null : undefined,
    sourceType: source?.syncSource.sourceType,
    organizationSourceType: source && resolved.organization?.organizationSourceType,
    // Only for a sync made through the API (left out otherwise: the names of other syncs stay).
    api,
  };
  const suffix = hash(JSON.stringify(replacing)).slice(0, 8).toLowerCase();
  const base = Names.uniqueResourceName(sync, { maxLength: MAX_SYNC_NAME_LENGTH - suffix.length - 1, separator: '-' });
  return `${base}-${suffix}`;
}

/**
 * What `stack.resolve(value)` returns, without a resolution pass, when every token in `value` is the
 * name of a bucket or the ARN of a key that `destination` made just now under `sync` (so no
 * `overrideLogicalId` can have changed its logical id yet) or the Region of an environment-agnostic
 * stack; `undefined` for any other token (then the caller resolves). For the zero-config sync, whose
 * destination is all of these, it saves a resolution pass per sync.
 *
 * @internal exported for the test that compares it with `stack.resolve`
 */
export function resolvedMadeHere(sync: IConstruct, destination: SyncDestinationConfig | undefined, value: unknown): unknown {
  const stack = Stack.of(sync);
  const known = new Map<string, unknown>([[Aws.REGION, { Ref: 'AWS::Region' }]]);
  const madeHere = (construct: IConstruct | undefined): construct is CfnResource =>
    construct instanceof CfnResource && isBelow(construct, sync);
  const cfnBucket = destination?.bucket.node.defaultChild;
  if (destination?.bucket instanceof s3.Bucket && cfnBucket instanceof s3.CfnBucket && madeHere(cfnBucket)) {
    known.set(destination.bucket.bucketName, { Ref: stack.getLogicalId(cfnBucket) });
    // Unnamed and in the sync's own stack (not cross-environment): its physical name resolves to nothing.
    if (madeUnnamed(destination.bucket) && cfnBucket.bucketName !== undefined) known.set(cfnBucket.bucketName, undefined);
  }
  const cfnKey = destination?.encryptionKey?.node.defaultChild;
  if (destination?.encryptionKey instanceof kms.Key && cfnKey instanceof kms.CfnKey && madeHere(cfnKey)) {
    known.set(destination.encryptionKey.keyArn, { 'Fn::GetAtt': [stack.getLogicalId(cfnKey), 'Arn'] });
  }
  const plain = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!Token.isUnresolved(v)) return v;
      if (known.has(v)) return known.get(v);
      throw UNKNOWN_TOKEN;
    }
    if (v === undefined || v === null || typeof v === 'boolean' || (typeof v === 'number' && !Token.isUnresolved(v))) return v;
    if (Object.getPrototypeOf(v) !== Object.prototype || Tokenization.isResolvable(v)) throw UNKNOWN_TOKEN; // a list, a token, a class instance
    const result: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const p = plain(item);
      if (p !== undefined) result[k] = p;
    }
    return result;
  };
  try {
    return plain(value);
  } catch (e) {
    if (e === UNKNOWN_TOKEN) return undefined;
    throw e;
  }
}
const UNKNOWN_TOKEN = Symbol('unknown token');

/** A destination or source from JavaScript, where no type checks: it must have a bind(). */
function checkBindable(value: unknown, property: string, example: string): string[] {
  if (value === undefined || (typeof value === 'object' && value !== null && typeof (value as { bind?: unknown }).bind === 'function')) return [];
  return [`${property} is not a ${property === 'source' ? 'SyncSource' : 'SyncDestination'}; make it with ${example}.`];
}

/** The feature flag of each stack (reading a flag walks the context of the whole tree). */
const partitionLiterals = new WeakMap<Stack, boolean>();

/**
 * What `stack.formatArn()` writes for the sync, with the partition from the Region's prefix:
 * `Stack.partition` reads aws-cdk-lib's Region table, whose first use costs every app about 0.1 s.
 */
function syncArnFor(scope: IConstruct, syncName: string): string {
  const stack = Stack.of(scope);
  let flag = partitionLiterals.get(stack);
  if (flag === undefined) partitionLiterals.set(stack, flag = FeatureFlags.of(stack).isEnabled(cxapi.ENABLE_PARTITION_LITERALS) === true);
  const literal = flag && !Token.isUnresolved(stack.region);
  const partition = literal ? partitionOfRegion(stack.region) ?? Aws.PARTITION : Aws.PARTITION;
  return `arn:${partition}:ssm:${stack.region}:${stack.account}:resource-data-sync/${syncName}`;
}

/** SyncToDestination takes a destination and no source; SyncFromSource a source and no destination. */
function typeProblems(syncType: SyncType, props: ResourceDataSyncProps): string[] {
  const problems: string[] = [];
  if (syncType === SyncType.SYNC_FROM_SOURCE) {
    if (!props.source) {
      problems.push('syncType is SYNC_FROM_SOURCE but no source is given. Give a source, for example SyncSource.singleAccount with the option regions, or use SYNC_TO_DESTINATION for Inventory.');
    }
    if (props.destination) {
      problems.push(`destination is given but the sync is ${props.syncType ? 'SYNC_FROM_SOURCE' : 'a SyncFromSource sync (it has a source)'}; an Explorer sync takes a source and no destination. Remove the destination, or make a separate SyncToDestination sync for Inventory.`);
    }
  } else if (props.source) {
    problems.push('source is given but syncType is SYNC_TO_DESTINATION; an Inventory sync takes a destination and no source. Remove syncType (a source makes it SYNC_FROM_SOURCE), or remove the source.');
  }
  return problems;
}
