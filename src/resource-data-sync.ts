import { ArnFormat, IResource, Names, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnResourceDataSync } from 'aws-cdk-lib/aws-ssm';
import { aws_ssm as ssmRefs } from 'aws-cdk-lib/interfaces';
import { Construct, IConstruct } from 'constructs';
import { SyncDestination, SyncDestinationConfig } from './destination';
import { SyncSource } from './source';
import { checkSyncName, MAX_SYNC_NAME_LENGTH, SYNCS_PER_ACCOUNT_AND_REGION } from './validation';

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
   * The name of the resource data sync, 1 to 64 characters. Changing it replaces the sync.
   *
   * @default - a name unique in the account, generated from the construct path
   */
  readonly syncName?: string;

  /**
   * The kind of sync. Only needed to be explicit: it follows from `source`.
   *
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
 * new ResourceDataSync(stack, 'OpsData', {
 *   source: SyncSource.singleAccount({ regions: ['us-east-1', 'eu-west-1'] }),
 * });
 */
export class ResourceDataSync extends Resource implements IResourceDataSync {
  /**
   * Import a resource data sync by its name, in the scope's account and Region.
   */
  public static fromSyncName(scope: Construct, id: string, syncName: string): IResourceDataSync {
    class Import extends Resource implements IResourceDataSync {
      public readonly syncName = syncName;
      public readonly syncArn = syncArnFor(this, syncName);
      public get resourceDataSyncRef(): ssmRefs.ResourceDataSyncReference {
        return { syncName: this.syncName };
      }
    }
    return new Import(scope, id);
  }

  /**
   * The name of the resource data sync.
   */
  public readonly syncName: string;

  /**
   * The ARN of the resource data sync.
   */
  public readonly syncArn: string;

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

  constructor(scope: Construct, id: string, props: ResourceDataSyncProps = {}) {
    super(scope, id, { physicalName: props.syncName });

    // CloudFormation requires SyncName; generate one when the user gives none.
    const syncName = props.syncName ?? Names.uniqueResourceName(this, { maxLength: MAX_SYNC_NAME_LENGTH, separator: '-' });
    this.syncType = props.syncType ?? (props.source ? SyncType.SYNC_FROM_SOURCE : SyncType.SYNC_TO_DESTINATION);

    const problems = typeProblems(this.syncType, props);
    let destination: SyncDestinationConfig | undefined;
    if (this.syncType === SyncType.SYNC_TO_DESTINATION && !props.source) {
      destination = (props.destination ?? SyncDestination.newBucket()).bind(this);
    }
    const source = this.syncType === SyncType.SYNC_FROM_SOURCE && props.source ? props.source.bind(this) : undefined;

    const resource = new CfnResourceDataSync(this, 'Resource', {
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
    this.syncName = this.getResourceNameAttribute(resource.ref);
    this.syncArn = this.getResourceArnAttribute(syncArnFor(this, resource.ref), {
      service: 'ssm',
      resource: 'resource-data-sync',
      resourceName: this.physicalName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    this.node.addValidation({
      validate: () => [
        ...problems,
        ...checkSyncName(syncName),
        ...quotaProblems(this),
      ],
    });
  }

  public get resourceDataSyncRef(): ssmRefs.ResourceDataSyncReference {
    return { syncName: this.syncName };
  }

  /**
   * Let `grantee` read the synced data: `s3:GetObject` on the objects under the destination
   * prefix, `s3:ListBucket` of the keys under it and `s3:GetBucketLocation` on the bucket, and
   * `kms:Decrypt` on the destination key (for Athena, AWS Glue and the people who query the data).
   *
   * Only for a `SyncToDestination` sync.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const bucket = this.bucket;
    if (!bucket) {
      throw new Error(`[${this.node.path}] grantRead() needs a SyncToDestination sync; this ${this.syncType} sync has no destination bucket. Grant access to Explorer instead.`);
    }
    const objects = this.prefix ? `${this.prefix}/*` : '*';
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [bucket.arnForObjects(objects)],
    }).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetBucketLocation'],
      resourceArns: [bucket.bucketArn],
    })).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [bucket.bucketArn],
      conditions: this.prefix ? { StringLike: { 's3:prefix': [this.prefix, `${this.prefix}/*`] } } : undefined,
    }));
    return this.encryptionKey ? grant.combine(this.encryptionKey.grantDecrypt(grantee)) : grant;
  }
}

function syncArnFor(scope: IConstruct, syncName: string): string {
  return Stack.of(scope).formatArn({
    service: 'ssm',
    resource: 'resource-data-sync',
    resourceName: syncName,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** SyncToDestination takes a destination and no source; SyncFromSource a source and no destination. */
function typeProblems(syncType: SyncType, props: ResourceDataSyncProps): string[] {
  const problems: string[] = [];
  if (syncType === SyncType.SYNC_FROM_SOURCE) {
    if (!props.source) {
      problems.push('syncType is SYNC_FROM_SOURCE but no source is given. Give a source, for example SyncSource.singleAccount({ regions: [...] }), or use SYNC_TO_DESTINATION for Inventory.');
    }
    if (props.destination) {
      problems.push(`destination is given but the sync is ${props.syncType ? 'SYNC_FROM_SOURCE' : 'a SyncFromSource sync (it has a source)'}; an Explorer sync takes a source and no destination. Remove the destination, or make a separate SyncToDestination sync for Inventory.`);
    }
  } else if (props.source) {
    problems.push('source is given but syncType is SYNC_TO_DESTINATION; an Inventory sync takes a destination and no source. Remove syncType (a source makes it SYNC_FROM_SOURCE), or remove the source.');
  }
  return problems;
}

/** The syncs of each app, grouped by account and Region, counted once per app. */
const quotaGroups = new WeakMap<IConstruct, Map<ResourceDataSync, ResourceDataSync[]>>();

/**
 * At most 5 resource data syncs per account and Region. Syncs in stacks whose account or Region is
 * not known are grouped by stack (one stack is one account and Region).
 */
function quotaProblems(sync: ResourceDataSync): string[] {
  const root = sync.node.root;
  let groups = quotaGroups.get(root);
  if (!groups) {
    const byEnvironment = new Map<string, ResourceDataSync[]>();
    for (const construct of root.node.findAll()) {
      if (!(construct instanceof ResourceDataSync)) continue;
      const stack = Stack.of(construct);
      const known = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
      const key = known ? `${stack.account}/${stack.region}` : `stack:${stack.node.path}`;
      byEnvironment.set(key, [...(byEnvironment.get(key) ?? []), construct]);
    }
    groups = new Map();
    for (const members of byEnvironment.values()) {
      for (const member of members) groups.set(member, members);
    }
    quotaGroups.set(root, groups);
  }
  const members = groups.get(sync) ?? [];
  const position = members.indexOf(sync);
  if (position < SYNCS_PER_ACCOUNT_AND_REGION) return [];
  const stack = Stack.of(sync);
  const where = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
    ? `stack ${stack.node.path}`
    : `account ${stack.account} and Region ${stack.region}`;
  return [`this is resource data sync ${position + 1} of ${members.length} for ${where} in this app; the service allows ${SYNCS_PER_ACCOUNT_AND_REGION} per account and Region, and syncs made outside this app (by other tools or services) take slots too. Move syncs to another account or Region, or remove some. The first ${SYNCS_PER_ACCOUNT_AND_REGION}: ${members.slice(0, SYNCS_PER_ACCOUNT_AND_REGION).map(m => m.node.path).join(', ')}.`];
}
