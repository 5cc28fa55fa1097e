import { Annotations, Names, Stack, Token, aws_cloudformation as cloudformation, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MEMBER_PARAMETERS, SYNC_HEALTH_FOLDER, synthesizeMemberTemplate } from './member-template';
import { SyncDestination } from '../destination';
import { InventoryBucket } from '../inventory-bucket';
import { ResourceDataSync } from '../resource-data-sync';
import {
  checkAccountIds, checkBucketName, checkOneOf, checkOrganizationId, checkPrefix, checkRegionList, warnUnknownRegions,
} from '../validation';

/** The most a StackSet accepts inline (`TemplateBody`), in bytes. */
export const MAX_TEMPLATE_BODY = 51_200;

const WARN_MANAGEMENT_ACCOUNT = 'cdk-ssm-resource-data-sync:managementAccountNotCovered';

/** An OU id, or the id of the organization's root (the whole organization). */
const TARGET_PATTERN = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/**
 * As whom the StackSet is created and managed.
 */
export enum StackSetCallAs {
  /** From the AWS Organizations management account. */
  SELF = 'SELF',
  /** From a CloudFormation StackSets delegated administrator account (registered in Organizations). */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/**
 * How the StackSet rolls out across Regions.
 */
export enum RegionConcurrency {
  /** One Region after the other (in `regionOrder`, if given): a bad change stops in the first Region. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All Regions at once: faster, but a bad change reaches every Region. */
  PARALLEL = 'PARALLEL',
}

/**
 * Inventory collection in every member account and Region: a State Manager association of the
 * `AWS-GatherSoftwareInventory` document targeting all managed nodes.
 */
export interface InventoryCollectionOptions {
  /**
   * How often inventory is collected.
   *
   * @default 'rate(1 day)'
   */
  readonly scheduleExpression?: string;

  /**
   * Parameters of `AWS-GatherSoftwareInventory`, such as `{ applications: ['Enabled'], files: ['...'] }`.
   *
   * @default - the document's defaults
   */
  readonly parameters?: { [name: string]: string[] };
}

/**
 * Properties of an `OrganizationInventory`.
 */
export interface OrganizationInventoryProps {
  /** The AWS Organizations id (`o-...`) whose accounts write into the central bucket. */
  readonly organizationId: string;

  /**
   * Where the member accounts get their syncs: organizational unit ids (`ou-...`) or the root id
   * (`r-...`, the whole organization). Accounts that join them later get their syncs automatically.
   */
  readonly organizationalUnits: string[];

  /** The Regions of each member account to sync (one sync per account and Region). */
  readonly regions: string[];

  /**
   * The central destination. It must grant the organization (`organizationId`) and have a
   * `bucketName`.
   *
   * @default - a new `InventoryBucket` with `bucketName`, `prefix` and `organizationId`
   */
  readonly destination?: InventoryBucket;

  /**
   * The name of the new central bucket (the member accounts name it in their syncs).
   *
   * @default - required when no `destination` is given
   */
  readonly bucketName?: string;

  /**
   * The key prefix of the new central bucket.
   *
   * @default - no prefix
   */
  readonly prefix?: string;

  /**
   * As whom the StackSet is managed: `SELF` from the management account, `DELEGATED_ADMIN` from a
   * CloudFormation StackSets delegated administrator.
   *
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * The management account's id, to check that `callAs` fits the account the stack deploys to.
   *
   * @default - not checked
   */
  readonly managementAccountId?: string;

  /**
   * Whether to make a sync for the account that deploys this construct, in the stack's Region.
   * Service-managed StackSets never deploy to the management account, so from the management
   * account this is how its own inventory gets in.
   *
   * @default - true with `StackSetCallAs.SELF`, false with `DELEGATED_ADMIN`
   */
  readonly syncDeployingAccount?: boolean;

  /**
   * The percentage of accounts per Region that deploy at once.
   *
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The percentage of accounts per Region that may fail before the operation stops in that Region
   * (and in every later Region). The StackSet runs in `SOFT_FAILURE_TOLERANCE` mode, so this does
   * not lower the concurrency. An account whose sync cannot be created (for example because 5 syncs
   * already exist there) counts as failed: a tolerance of 0 lets one such account stop the roll-out.
   * Percentages round down (25 % of 3 accounts is 0).
   *
   * @default 25
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Regions one after the other, or all at once, for the roll-outs this stack starts (creating the
   * StackSet, changing its template, Regions or OUs). Accounts that join the OUs later get their
   * stacks by automatic deployment, which follows none of the operation preferences.
   *
   * @default RegionConcurrency.SEQUENTIAL
   */
  readonly regionConcurrency?: RegionConcurrency;

  /**
   * The order of the Regions for a sequential roll-out that this stack starts. CloudFormation does
   * not follow it for automatic deployment (an account that joins later).
   *
   * @default - the order of `regions`
   */
  readonly regionOrder?: string[];

  /**
   * Keep a member account's sync (its stack instance) when the account leaves the organization or
   * the targeted OUs. A kept sync can no longer write: the bucket policy admits the organization only.
   *
   * @default false - the member's stack, and its sync, are deleted
   */
  readonly retainSyncsOnAccountRemoval?: boolean;

  /**
   * Turn on inventory collection in every member account and Region. Off by default: if the
   * members already have an inventory association (for example from Quick Setup or another tool),
   * a second one for the same nodes is redundant at best; check before you turn this on.
   *
   * @default - no inventory association: inventory is collected however the members collect it now
   */
  readonly inventoryCollection?: InventoryCollectionOptions;

  /**
   * The StackSet's name. Changing it (or moving the construct, with the generated name) replaces
   * the StackSet: CloudFormation creates the new one, with a stack in every member account and
   * Region, before it deletes the old one. The member syncs' names are derived from the StackSet's
   * name, so the new ones do not collide with the old ones, but each account then needs a free
   * slot of its 5 syncs per Region while both exist.
   *
   * @default - generated from the construct path
   */
  readonly stackSetName?: string;

  /**
   * Put a `SyncHealthMonitor` of the member's sync in every member account and Region (off by
   * default: it costs about USD 0.81 a month per account and Region, see the README). Its alarms
   * stay in the member account; what reaches the central account is its report: every sync of the
   * account and Region (the slots in use of the 5, by name, with their status), written to
   * `<prefix>/sync-health/<account>-<region>.json` in the central bucket on each run, which the
   * bucket policy lets each account of the organization write under its own id only.
   * `OrganizationCoverage` reads it as the table `sync_slots`.
   *
   * @default false
   */
  readonly memberSyncHealth?: boolean;
}

/**
 * Inventory of every account and Region of an AWS Organization in one central bucket, in one
 * deploy: a central `InventoryBucket` that grants the organization, and a service-managed
 * CloudFormation StackSet with automatic deployment that puts one resource data sync in each
 * account of the target OUs, in each Region; accounts that join later get theirs automatically.
 *
 * Deploy it in the management account (`callAs: SELF`) or in a StackSets delegated administrator
 * account (`callAs: DELEGATED_ADMIN`). The member template is made with this library's own
 * `ResourceDataSync`, is inlined in the StackSet (no file assets), and is checked at synth time.
 *
 * @example
 * new OrganizationInventory(stack, 'Organization', {
 *   organizationId: 'o-a1b2c3d4e5',
 *   organizationalUnits: ['r-ab12'],
 *   regions: ['us-east-1', 'eu-west-1'],
 *   bucketName: 'org-inventory-111122223333',
 * });
 */
export class OrganizationInventory extends Construct {
  /** The central destination. */
  public readonly destination: InventoryBucket;

  /** The StackSet that puts a sync in each member account and Region. */
  public readonly stackSet: cloudformation.CfnStackSet;

  /**
   * The sync of the deploying account, in the stack's Region.
   *
   * @default - none when `syncDeployingAccount` is false
   */
  public readonly deployingAccountSync?: ResourceDataSync;

  /** The member template, as deployed in each account and Region (JSON). */
  public readonly memberTemplateBody: string;

  /**
   * Where in the central bucket the members' sync health reports are (`<prefix>/sync-health/`).
   *
   * @default - none when `memberSyncHealth` is off
   */
  public readonly syncHealthReportPrefix?: string;

  constructor(scope: Construct, id: string, props: OrganizationInventoryProps) {
    super(scope, id);
    if (!props) throw new Error(`[${this.node.path}] OrganizationInventory needs props: organizationId, organizationalUnits, regions and bucketName.`);
    const stack = Stack.of(this);
    const callAs = props.callAs ?? StackSetCallAs.SELF;
    const problems: string[] = [
      ...checkOrganizationId(props.organizationId, 'organizationId'),
      ...checkTargets(props.organizationalUnits),
      ...checkRegionList(props.regions ?? [], 'regions'),
      ...checkOneOf(props.callAs, Object.values(StackSetCallAs), 'callAs', 'Use StackSetCallAs.SELF or StackSetCallAs.DELEGATED_ADMIN.'),
      ...checkOneOf(props.regionConcurrency, Object.values(RegionConcurrency), 'regionConcurrency', 'Use RegionConcurrency.SEQUENTIAL or RegionConcurrency.PARALLEL.'),
      ...checkPercentage(props.maxConcurrentPercentage, 'maxConcurrentPercentage', 1),
      ...checkPercentage(props.failureTolerancePercentage, 'failureTolerancePercentage', 0),
      ...(props.managementAccountId !== undefined ? checkAccountIds([props.managementAccountId], 'managementAccountId') : []),
      ...callAsProblems(stack, callAs, props.managementAccountId),
      ...checkRegionOrder(props.regionOrder, props.regions ?? []),
    ];
    warnUnknownRegions(this, props.regions ?? [], 'regions');

    // The central destination: granted to the organization, with a name the members can use.
    if (props.destination) {
      this.destination = props.destination;
      const writers = props.destination._resources.writers;
      if (writers.organizationId !== props.organizationId) {
        problems.push(`destination ${props.destination.node.path} does not grant organization ${JSON.stringify(props.organizationId)} (its organizationId is ${JSON.stringify(writers.organizationId)}); the member accounts' syncs could not write. Give it organizationId: ${JSON.stringify(props.organizationId)}.`);
      }
      if (props.bucketName !== undefined || props.prefix !== undefined) {
        problems.push('bucketName and prefix are options of a new destination; with destination, set them on the InventoryBucket.');
      }
    } else {
      if (props.bucketName === undefined) {
        problems.push('bucketName is required: the member accounts name the central bucket in their syncs, so it needs a name known at synth time. Give bucketName, or a destination (an InventoryBucket with a bucketName).');
      }
      this.destination = new InventoryBucket(this, 'Destination', {
        bucketName: props.bucketName,
        prefix: props.prefix,
        organizationId: props.organizationId,
      });
    }
    const bucketName = bucketNameOf(this.destination);
    if (bucketName === undefined && props.destination) {
      problems.push(`destination ${props.destination.node.path} has no bucketName; the member accounts name the central bucket in their syncs. Give the InventoryBucket a bucketName.`);
    }
    const encrypted = this.destination.encryptionKey !== undefined;
    const bucketRegion = Token.isUnresolved(stack.region) ? undefined : stack.region;

    // The member template: this library's ResourceDataSync, synthesized on its own.
    const member = bucketName !== undefined && checkBucketName(bucketName, '').length === 0 && checkPrefix(this.destination.prefix, '').length === 0
      ? synthesizeMemberTemplate({
        stackSetName: Token.isUnresolved(props.stackSetName) ? undefined : props.stackSetName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
        bucketName,
        prefix: this.destination.prefix,
        encrypted,
        bucketRegion,
        syncHealth: props.memberSyncHealth ?? false,
        inventoryCollection: props.inventoryCollection && {
          scheduleExpression: props.inventoryCollection.scheduleExpression ?? 'rate(1 day)',
          parameters: props.inventoryCollection.parameters ?? {},
        },
      })
      : { template: undefined, problems: [] };
    problems.push(...member.problems);
    this.memberTemplateBody = member.template ? JSON.stringify(member.template) : '{}';
    if (Buffer.byteLength(this.memberTemplateBody) > MAX_TEMPLATE_BODY) {
      problems.push(`the member template is ${Buffer.byteLength(this.memberTemplateBody)} bytes; a StackSet takes at most ${MAX_TEMPLATE_BODY} inline. Turn off inventoryCollection parameters you do not need.`);
    }

    const stackSetName = props.stackSetName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    if (Token.isUnresolved(stackSetName)) {
      problems.push('stackSetName is a token; the member syncs\' names are derived from it, so it must be known at synth time. Give a string, or leave it out.');
    }

    const parameters: cloudformation.CfnStackSet.ParameterProperty[] = [];
    if (bucketRegion === undefined) parameters.push({ parameterKey: MEMBER_PARAMETERS.bucketRegion, parameterValue: stack.region });
    if (encrypted) parameters.push({ parameterKey: MEMBER_PARAMETERS.kmsKeyArn, parameterValue: this.destination.encryptionKey!.keyArn });

    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName,
      description: `Resource data syncs of organization ${props.organizationId} to the central inventory bucket ${bucketName ?? ''}`.trim(),
      permissionModel: 'SERVICE_MANAGED',
      callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainSyncsOnAccountRemoval ?? false },
      managedExecution: { Active: true },
      operationPreferences: {
        // Without it (STRICT_FAILURE_TOLERANCE) CloudFormation caps concurrency at the failure
        // tolerance + 1 accounts, whatever maxConcurrentPercentage says.
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
        failureTolerancePercentage: props.failureTolerancePercentage ?? 25,
        regionConcurrencyType: props.regionConcurrency ?? RegionConcurrency.SEQUENTIAL,
        regionOrder: props.regionOrder,
      },
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: props.organizationalUnits }, regions: props.regions }],
      templateBody: this.memberTemplateBody,
      parameters: parameters.length > 0 ? parameters : undefined,
    });
    if (props.memberSyncHealth) {
      this.syncHealthReportPrefix = `${this.destination.prefix ? `${this.destination.prefix}/` : ''}${SYNC_HEALTH_FOLDER}/`;
      allowSyncHealthReports(this, props.organizationId, this.syncHealthReportPrefix, bucketRegion ?? stack.region);
    }
    // The members write into the bucket as soon as their syncs exist: the policies come first.
    if (this.destination.bucket.policy) this.stackSet.node.addDependency(this.destination.bucket.policy);

    // Service-managed StackSets never deploy to the management account.
    if (props.syncDeployingAccount ?? callAs === StackSetCallAs.SELF) {
      this.deployingAccountSync = new ResourceDataSync(this, 'DeployingAccount', { destination: SyncDestination.fromInventoryBucket(this.destination) });
    }
    // The Regions the syncs write from, for an InventoryDatabase over the destination.
    this.destination._resources.addRegions([...(props.regions ?? []), ...(this.deployingAccountSync ? [stack.region] : [])]);
    const otherRegions = (props.regions ?? []).filter(r => r !== stack.region);
    if (callAs === StackSetCallAs.DELEGATED_ADMIN || this.deployingAccountSync === undefined || otherRegions.length > 0) {
      Annotations.of(this).addWarningV2(WARN_MANAGEMENT_ACCOUNT,
        'Service-managed StackSets do not deploy to the AWS Organizations management account, so its inventory needs syncs of its own: ' +
        (this.deployingAccountSync && callAs === StackSetCallAs.SELF
          ? `this construct makes one in ${Token.isUnresolved(stack.region) ? 'the stack\'s Region' : stack.region}; add a stack with a ResourceDataSync (SyncDestination.fromBucketName) in the management account for each other Region: ${otherRegions.join(', ') || '(none)'}.`
          : `add a stack with a ResourceDataSync (SyncDestination.fromBucketName) in the management account for each Region: ${(props.regions ?? []).join(', ')}.`));
    }

    this.node.addValidation({ validate: () => problems });
  }
}

/**
 * Each account of the organization may write its members' sync health report, under its own id
 * only (`${aws:PrincipalAccount}`), with the central key.
 */
function allowSyncHealthReports(inventory: OrganizationInventory, organizationId: string, reportPrefix: string, bucketRegion: string): void {
  const destination = inventory.destination;
  const inOrganization = { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
  destination.bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'MemberSyncHealthReports',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [destination.bucket.arnForObjects(`${reportPrefix}\${aws:PrincipalAccount}-*`)],
    conditions: inOrganization,
  }));
  destination.encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'MemberSyncHealthReports',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:GenerateDataKey'],
    resources: ['*'],
    conditions: { StringEquals: { ...inOrganization.StringEquals, 'kms:ViaService': `s3.${bucketRegion}.amazonaws.com` } },
  }));
}

/** The central bucket's physical name, where it has one. */
function bucketNameOf(destination: InventoryBucket): string | undefined {
  const cfn = destination.bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) return undefined;
  const name = Stack.of(cfn).resolve(cfn.bucketName);
  return typeof name === 'string' ? name : undefined;
}

/** OU or root ids: at least one, each well-formed, no duplicates. */
function checkTargets(targets: string[] | undefined): string[] {
  if (targets !== undefined && Token.isUnresolved(targets)) return [];
  if (!Array.isArray(targets) || targets.length === 0) {
    return ['organizationalUnits is empty; a StackSet needs at least one target. Give the root id ("r-...") for the whole organization, or OU ids ("ou-...").'];
  }
  const problems = targets.filter(t => !Token.isUnresolved(t) && !TARGET_PATTERN.test(t)).map(t =>
    `organizationalUnits ${JSON.stringify(t)} is neither an organizational unit id ("ou-ab12-cdef3456") nor a root id ("r-ab12").${/^\d{12}$/.test(t) ? ' Service-managed StackSets target OUs, not accounts.' : ''}`);
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t)) problems.push(`organizationalUnits lists ${JSON.stringify(t)} more than once. List each value once.`);
    seen.add(t);
  }
  return problems;
}

function checkPercentage(value: number | undefined, property: string, min: number): string[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  if (!Number.isInteger(value) || value < min || value > 100) {
    return [`${property} is ${value}; it must be a whole number from ${min} to 100.`];
  }
  return [];
}

function checkRegionOrder(order: string[] | undefined, regions: string[]): string[] {
  if (order === undefined || Token.isUnresolved(order) || Token.isUnresolved(regions)) return [];
  const missing = order.filter(r => !regions.includes(r));
  return missing.length > 0 ? [`regionOrder lists ${missing.map(r => JSON.stringify(r)).join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not in regions. Order only the Regions you deploy to.`] : [];
}

/** SELF only from the management account; DELEGATED_ADMIN never from it. Judged when both accounts are known. */
function callAsProblems(stack: Stack, callAs: StackSetCallAs, managementAccountId: string | undefined): string[] {
  if (managementAccountId === undefined || Token.isUnresolved(stack.account)) return [];
  if (callAs === StackSetCallAs.DELEGATED_ADMIN && stack.account === managementAccountId) {
    return [`callAs is DELEGATED_ADMIN but the stack deploys to the management account ${managementAccountId}. Use StackSetCallAs.SELF there.`];
  }
  if (callAs === StackSetCallAs.SELF && stack.account !== managementAccountId) {
    return [`callAs is SELF but the stack deploys to ${stack.account}, not the management account ${managementAccountId}; only the management account manages a service-managed StackSet as itself. From a registered delegated administrator, use StackSetCallAs.DELEGATED_ADMIN.`];
  }
  return [];
}
