import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/*
 * The bucket and key policy statements a resource data sync needs, in one place.
 *
 * They are the ones AWS documents (Systems Manager User Guide, "Creating a resource data sync for
 * Inventory" and the walkthrough "Use resource data sync to aggregate inventory data"), never wider:
 * - SSMBucketPermissionsCheck: ssm.amazonaws.com may s3:GetBucketAcl on the bucket (unconditioned,
 *   as documented).
 * - SSMBucketDelivery: ssm.amazonaws.com may s3:PutObject only under the writing account's own
 *   `accountid=<account>/` keys, with the bucket-owner-full-control ACL, and only for that account's
 *   resource data syncs (aws:SourceAccount, aws:SourceArn). With a KMS key, the object must be
 *   encrypted with that key.
 * - For an organization: PutObject (and PutObjectTagging) on every account's keys under
 *   aws:SourceOrgID (service principals carry no aws:PrincipalOrgID).
 * - Key policy: ssm.amazonaws.com may kms:GenerateDataKey under the same conditions.
 */

const SSM_SERVICE_PRINCIPAL = 'ssm.amazonaws.com';

/** The ACL Systems Manager puts on every object; compatible with BucketOwnerEnforced. */
const BUCKET_OWNER_FULL_CONTROL = 'bucket-owner-full-control';

/** Who may write into a destination bucket. */
export interface Writers {
  /** Accounts whose resource data syncs may write, each under its own key path. */
  readonly accounts: string[];
  /**
   * A list of accounts known only at deploy time (a token list). It cannot be split into one
   * statement per account at synth time, so it gets the walkthrough's form: one statement whose
   * `aws:SourceAccount` is the list.
   */
  readonly accountList?: string[];
  /** An organization whose accounts' syncs may write. */
  readonly organizationId?: string;
}

/** Where a sync writes: the bucket, the optional prefix and the optional KMS key. */
export interface DeliveryTarget {
  readonly bucketArn: string;
  readonly prefix?: string;
  readonly kmsKeyArn?: string;
}

/** `arn:<partition>:ssm:*:<account>:resource-data-sync/*`: any sync of that account, any Region. */
function syncArnPattern(scope: IConstruct, account: string): string {
  return `arn:${Stack.of(scope).partition}:ssm:*:${account}:resource-data-sync/*`;
}

/** The object keys a sync of `account` writes: `[<prefix>/]<type>/accountid=<account>/...`. */
function objectKeys(target: DeliveryTarget, account: string): string {
  const path = `*/accountid=${account}/*`;
  return `${target.bucketArn}/${target.prefix ? `${target.prefix}/${path}` : path}`;
}

function encryptionConditions(target: DeliveryTarget): Record<string, string> {
  if (!target.kmsKeyArn) return {};
  return {
    's3:x-amz-server-side-encryption': 'aws:kms',
    's3:x-amz-server-side-encryption-aws-kms-key-id': target.kmsKeyArn,
  };
}

/**
 * One grant to the syncs of an account (or of a deploy-time list of accounts): what they may write,
 * and the confused-deputy conditions that bind the grant to them.
 */
interface AccountGrant {
  /** Makes the Sid unique per account where the account is known; tokens share the base Sid. */
  readonly sidSuffix: string;
  /** The `accountid=` key path the grant covers. */
  readonly keyPathAccount: string;
  /** `aws:SourceAccount`: the account, or the list. */
  readonly sourceAccount: string | string[];
  /** The account in the `aws:SourceArn` pattern. */
  readonly arnAccount: string;
}

function accountGrants(writers: Writers): AccountGrant[] {
  const grants: AccountGrant[] = writers.accounts.map(account => ({
    sidSuffix: /^[0-9A-Za-z]+$/.test(account) ? account : '',
    keyPathAccount: account,
    sourceAccount: account,
    arnAccount: account,
  }));
  if (writers.accountList) {
    grants.push({ sidSuffix: 'ListedAccounts', keyPathAccount: '*', sourceAccount: writers.accountList, arnAccount: '*' });
  }
  return grants;
}

/** The statements to add to the destination bucket's policy. */
export function bucketStatements(scope: IConstruct, target: DeliveryTarget, writers: Writers): iam.PolicyStatement[] {
  const ssm = new iam.ServicePrincipal(SSM_SERVICE_PRINCIPAL);
  const statements = [
    new iam.PolicyStatement({
      sid: 'SSMBucketPermissionsCheck',
      principals: [ssm],
      actions: ['s3:GetBucketAcl'],
      resources: [target.bucketArn],
    }),
  ];
  for (const grant of accountGrants(writers)) {
    statements.push(new iam.PolicyStatement({
      sid: `SSMBucketDelivery${grant.sidSuffix}`,
      principals: [ssm],
      actions: ['s3:PutObject'],
      resources: [objectKeys(target, grant.keyPathAccount)],
      conditions: {
        StringEquals: {
          's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL,
          'aws:SourceAccount': grant.sourceAccount,
          ...encryptionConditions(target),
        },
        ArnLike: { 'aws:SourceArn': syncArnPattern(scope, grant.arnAccount) },
      },
    }));
  }
  if (writers.organizationId) {
    const keys = objectKeys(target, '*');
    statements.push(
      new iam.PolicyStatement({
        sid: 'SSMBucketDeliveryOrganization',
        principals: [ssm],
        actions: ['s3:PutObject'],
        resources: [keys],
        conditions: {
          StringEquals: {
            's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL,
            'aws:SourceOrgID': writers.organizationId,
            ...encryptionConditions(target),
          },
        },
      }),
      new iam.PolicyStatement({
        sid: 'SSMBucketDeliveryTaggingOrganization',
        principals: [ssm],
        actions: ['s3:PutObjectTagging'],
        resources: [keys],
        conditions: { StringEquals: { 'aws:SourceOrgID': writers.organizationId } },
      }),
    );
  }
  return statements;
}

/** The statements to add to the destination key's policy (`resources: ['*']` means this key). */
export function keyStatements(scope: IConstruct, writers: Writers): iam.PolicyStatement[] {
  const ssm = new iam.ServicePrincipal(SSM_SERVICE_PRINCIPAL);
  const statements = accountGrants(writers).map(grant => new iam.PolicyStatement({
    sid: `SSMResourceDataSyncEncrypt${grant.sidSuffix}`,
    principals: [ssm],
    actions: ['kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': grant.sourceAccount },
      ArnLike: { 'aws:SourceArn': syncArnPattern(scope, grant.arnAccount) },
    },
  }));
  if (writers.organizationId) {
    statements.push(new iam.PolicyStatement({
      sid: 'SSMResourceDataSyncEncryptOrganization',
      principals: [ssm],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceOrgID': writers.organizationId } },
    }));
  }
  return statements;
}

/** The statements as a user would paste them into a policy, for warning messages. */
export function describeStatements(scope: IConstruct, statements: iam.PolicyStatement[]): string {
  const stack = Stack.of(scope);
  return JSON.stringify(stack.resolve(statements.map(s => s.toStatementJson())), undefined, 2);
}
