import { Annotations, ArnFormat, Aws, CustomResource, Duration, NestedStack, Stack, Token, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { SyncDestinationConfig } from '../destination';
import { newInlineFunction } from '../inline-function';
import { SyncSourceConfig } from '../source';
import { checkOneOf } from '../validation';
import { DestinationDataSharingType } from './destination-data-sharing';

/*
 * The API path of a resource data sync: the fields of CreateResourceDataSync that
 * AWS::SSM::ResourceDataSync lacks (S3Destination.DestinationDataSharing,
 * SyncSource.EnableAllOpsDataSources). A sync that sets either is made by a Lambda-backed custom
 * resource (Custom::SSMResourceDataSync) whose handler (./handler.js) calls the SSM API; one handler
 * per stack serves all its API syncs. Facts and traps: ../shared/AWS-QUERY-ORG.md section 2.
 */

/** The CloudFormation type of the custom resource. */
export const API_SYNC_RESOURCE_TYPE = 'Custom::SSMResourceDataSync';

const HANDLER_ID = 'ResourceDataSyncApiHandler';
const WARN_ORGANIZATION_POLICY = 'cdk-ssm-resource-data-sync:organizationBucketPolicyNotManaged';

/** What the API path needs to know about a sync. */
export interface ApiSyncOptions {
  readonly syncName: string;
  readonly syncType: string;
  readonly destination?: SyncDestinationConfig;
  readonly source?: SyncSourceConfig;
  readonly destinationDataSharing?: string;
  /** The KMS key of the log group of the stack's API-sync function. */
  readonly logEncryptionKey?: kms.IKey;
}

/** Whether a sync needs the API path: it sets a field CloudFormation lacks. */
export function usesApi(destinationDataSharing: string | undefined, source: SyncSourceConfig | undefined): boolean {
  return destinationDataSharing !== undefined || source?.enableAllOpsDataSources !== undefined;
}

/**
 * The `CreateResourceDataSync` request, in the API's names and shapes (AWS-RULES.md §2.3): what the
 * custom resource's properties are, and what its handler sends (CloudFormation turns the booleans
 * into strings on the way; the handler turns them back).
 */
export function apiSyncRequest(options: ApiSyncOptions): { [key: string]: any } {
  const d = options.destination?.s3Destination;
  const s = options.source?.syncSource;
  const organization = s?.awsOrganizationsSource as { organizationSourceType: string; organizationalUnits?: string[] } | undefined;
  const ous = organization?.organizationalUnits;
  return {
    SyncName: options.syncName,
    SyncType: options.syncType,
    S3Destination: d && {
      BucketName: d.bucketName,
      Prefix: d.bucketPrefix,
      SyncFormat: d.syncFormat,
      Region: d.bucketRegion,
      AWSKMSKeyARN: d.kmsKeyArn,
      DestinationDataSharing: options.destinationDataSharing !== undefined
        ? { DestinationDataSharingType: options.destinationDataSharing }
        : undefined,
    },
    SyncSource: s && {
      SourceType: s.sourceType,
      AwsOrganizationsSource: organization && {
        OrganizationSourceType: organization.organizationSourceType,
        OrganizationalUnits: ous && !Token.isUnresolved(ous) ? ous.map(id => ({ OrganizationalUnitId: id })) : undefined,
      },
      SourceRegions: s.sourceRegions,
      IncludeFutureRegions: s.includeFutureRegions,
      EnableAllOpsDataSources: options.source?.enableAllOpsDataSources,
    },
  };
}

/**
 * The synth-time rules of the API-only fields, for the sync `scope`: all problems, reported with
 * the sync's other problems.
 */
export function apiSyncProblems(scope: IConstruct, options: ApiSyncOptions): string[] {
  const { destinationDataSharing, destination, source } = options;
  const problems = [
    ...checkOneOf(destinationDataSharing, Object.values(DestinationDataSharingType), 'destinationDataSharing', 'Use DestinationDataSharingType.ORGANIZATION, the only type the API has, or leave it out.'),
  ];
  if (destinationDataSharing !== undefined && options.syncType !== 'SyncToDestination') {
    problems.push('destinationDataSharing is given but the sync is a SyncFromSource (Explorer) sync; destination data sharing is part of the S3 destination of a SyncToDestination (Inventory) sync. Remove it, or make a SyncToDestination sync.');
  }
  if (destinationDataSharing !== undefined && destination && destination.organizationId === undefined) {
    const bucket = destination.bucket;
    if (bucket.node.defaultChild instanceof s3.CfnBucket) {
      problems.push(`destinationDataSharing ORGANIZATION writes with the organization's id (aws:SourceOrgID) and tags each object, but the bucket policy of ${bucket.node.path} does not grant the organization, so the first sync would fail. ` +
        'Use an InventoryBucket (or SyncDestination.newBucket) with the property organizationId (o-...), which adds the statements AWS documents for it.');
    } else {
      Annotations.of(scope).addWarningV2(WARN_ORGANIZATION_POLICY,
        'destinationDataSharing ORGANIZATION: the destination bucket is not defined in this app, so its policy cannot be checked. It must let ssm.amazonaws.com s3:PutObject and s3:PutObjectTagging ' +
        'on "<bucket>/<prefix>/*/accountid=*/*" with "aws:SourceOrgID": "<organization id>" (and s3:x-amz-acl bucket-owner-full-control), as AWS documents for organization syncs.');
    }
  }
  const ous = (options.source?.syncSource.awsOrganizationsSource as { organizationalUnits?: string[] } | undefined)?.organizationalUnits;
  if (source?.enableAllOpsDataSources !== undefined && ous && Token.isUnresolved(ous)) {
    problems.push('source organizationalUnits is a token list; a sync with enableAllOpsDataSources is made through the SSM API, which takes one object per OU, so the OU ids must be known at synth time (a list of strings, each of which may be a token).');
  }
  if (destinationDataSharing !== undefined) problems.push(...oneOrganizationSync(scope));
  return problems;
}

/** The organizations-based (destination data sharing) syncs of each app, in the order they were made. */
const organizationSyncs = new WeakMap<IConstruct, IConstruct[]>();

/** Only one organizations-based resource data sync per account and Region (User Guide). */
function oneOrganizationSync(sync: IConstruct): string[] {
  const root = sync.node.root;
  const syncs = organizationSyncs.get(root) ?? [];
  organizationSyncs.set(root, [...syncs, sync]);
  const stack = deployedStack(sync);
  const known = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
  const first = syncs.find(other => {
    const s = deployedStack(other);
    return known ? s.account === stack.account && s.region === stack.region : s === stack;
  });
  if (!first) return [];
  return [`destinationDataSharing: ${first.node.path} is already an organizations-based sync for ${known ? `account ${stack.account} and Region ${stack.region}` : `stack ${stack.node.path}`}; an account can have only one per Region. Remove destinationDataSharing from one of them.`];
}

function deployedStack(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (NestedStack.isNestedStack(stack) && stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/**
 * The custom resource of a sync made through the API. Its physical id (`ref`) is the sync name.
 */
export function newApiSync(scope: Construct, id: string, options: ApiSyncOptions): CustomResource {
  const handler = ApiSyncHandler.of(Stack.of(scope));
  if (options.logEncryptionKey) handler.encryptLogsWith(options.logEncryptionKey, scope.node.path);
  return new CustomResource(scope, id, {
    serviceToken: handler.function.functionArn,
    resourceType: API_SYNC_RESOURCE_TYPE,
    properties: apiSyncRequest(options),
    // The handler answers within its own timeout; this bounds a deploy whose handler never answers.
    serviceTimeout: Duration.minutes(15),
  });
}

/**
 * The Lambda function behind the API syncs of a stack: inline code (no asset, works in a StackSet
 * template), a role that may create, update and delete the resource data syncs of this account and
 * Region, list them and read its own stack's status (to know a rollback), and a log group kept for a
 * year, encrypted with a KMS key if one of the stack's API syncs gives one.
 */
export class ApiSyncHandler extends Construct {
  /** The stack's handler, made on first use. */
  public static of(stack: Stack): ApiSyncHandler {
    return (stack.node.tryFindChild(HANDLER_ID) as ApiSyncHandler | undefined) ?? new ApiSyncHandler(stack, HANDLER_ID);
  }

  public readonly function: lambda.Function;
  private readonly logGroup: logs.LogGroup;
  private logKey?: { key: kms.IKey; by: string };
  private readonly problems: string[] = [];

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    const parts = newInlineFunction(this, {
      dir: __dirname,
      description: 'cdk-ssm-resource-data-sync: resource data syncs through the SSM API (Custom::SSMResourceDataSync)',
      roleDescription: 'Creates, updates and deletes the resource data syncs of this stack that need SSM API fields CloudFormation lacks',
      statements: [
        new iam.PolicyStatement({
          actions: ['ssm:CreateResourceDataSync', 'ssm:UpdateResourceDataSync', 'ssm:DeleteResourceDataSync'],
          // Every sync of this account and Region: a replacement gets a new name, and the old one is
          // deleted after the policy has been updated for the new one.
          resources: [scope.formatArn({ service: 'ssm', resource: 'resource-data-sync', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
        }),
        new iam.PolicyStatement({
          // ListResourceDataSync has no resource type: it takes only "*".
          actions: ['ssm:ListResourceDataSync'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          // Whether an Update is CloudFormation's rollback: only then is an existing sync taken back.
          actions: ['cloudformation:DescribeStacks'],
          // Its own stack's id, whatever name the stack is deployed under (a StackSet instance's).
          resources: [Aws.STACK_ID],
        }),
      ],
      // Create retries a few times while a new bucket policy applies, then polls for the first status;
      // with throttling, the SDK's retries add to that. Well below this, so that a run is never cut
      // short (Lambda would retry it, and the retry would find the sync its first run made).
      timeout: Duration.minutes(14),
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
    this.function = parts.function;
    this.logGroup = parts.logGroup;
    this.node.addValidation({ validate: () => this.problems });
  }

  /** Encrypt the log group with `key` (asked by the sync at `by`); one key per stack. */
  public encryptLogsWith(key: kms.IKey, by: string): void {
    if (this.logKey === undefined) {
      this.logKey = { key, by };
      (this.logGroup.node.defaultChild as logs.CfnLogGroup).kmsKeyId = key.keyArn;
    } else if (this.logKey.key !== key) {
      this.problems.push(`apiHandlerLogEncryptionKey: ${by} gives another key than ${this.logKey.by}; the API syncs of one stack share one function and one log group. Give them the same key.`);
    }
  }
}
