import { createHash } from 'crypto';
import { IResolvable, Reference, Stack, Token, Tokenization, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { partitionOfRegion } from './validation';

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
 *   encrypted with that key. Past COMPACT_FORM_THRESHOLD accounts, one statement for all of them
 *   keeps each account to its own path with the policy variable `${aws:SourceAccount}`, so the
 *   policy stays under S3's 20 KB limit.
 * - For an organization: PutObject (and PutObjectTagging) on every account's keys under
 *   aws:SourceOrgID (service principals carry no aws:PrincipalOrgID) and only for resource data syncs
 *   (aws:SourceArn).
 * - SSMBucketDeliveryDenyOtherAccountPaths: no key with two `accountid=` segments, so no account can
 *   write into another account's folder with a prefix that ends in `accountid=<other>` (IAM's `*`
 *   matches `/`).
 * - Key policy: ssm.amazonaws.com may kms:GenerateDataKey under the same conditions.
 */

const SSM_SERVICE_PRINCIPAL = 'ssm.amazonaws.com';

/**
 * Systems Manager's principal, written as the literal `ssm.amazonaws.com`. `new ServicePrincipal()`
 * writes the same name (aws-cdk-lib's standardized principals give `<service>.amazonaws.com` in every
 * partition and Region, and only Regional principals of opt-in Regions differ), but as a token that
 * every size bound, Sid check and template resolves once per statement.
 */
function ssmPrincipal(): iam.ServicePrincipal {
  return iam.ServicePrincipal.fromStaticServicePrincipleName(SSM_SERVICE_PRINCIPAL);
}

/** The ACL Systems Manager puts on every object; compatible with BucketOwnerEnforced. */
const BUCKET_OWNER_FULL_CONTROL = 'bucket-owner-full-control';

/**
 * Up to this many accounts get one statement each (AWS's documented form); more share one compact
 * statement. 20 per-account statements take about 11 KB of S3's 20 KB bucket policy limit.
 */
export const COMPACT_FORM_THRESHOLD = 20;

/** S3's bucket policy size limit, and KMS's key policy size limit (bytes, without white space). */
export const BUCKET_POLICY_LIMIT = 20 * 1024;
export const KEY_POLICY_LIMIT = 32 * 1024;

/** Who may write into a destination bucket. */
export interface Writers {
  /** Accounts whose resource data syncs may write, each under its own key path. */
  readonly accounts: string[];
  /**
   * A list of accounts known only at deploy time (a token list). It cannot be split into one
   * statement per account at synth time, so it gets the walkthrough's form: one statement whose
   * `aws:SourceAccount` is the list (which does not keep each account to its own path).
   */
  readonly accountList?: string[];
  /** An organization whose accounts' syncs may write. */
  readonly organizationId?: string;
}

/** Where a sync writes: the bucket, the optional prefix and the optional KMS key. */
export interface DeliveryTarget {
  readonly bucketArn: string;
  readonly prefix?: string;
  /** The key the objects must be encrypted with. */
  readonly kmsKeyArn?: string;
  /**
   * Instead of `kmsKeyArn`: a `StringLike` pattern of the key's ARN, for a key that the bucket's
   * stack cannot reference (it is in the stack that references the bucket: a cycle).
   */
  readonly kmsKeyArnPattern?: string;
}

/** The partition of the scope's stack: a literal where its Region is known, whatever the feature flags. */
export function partitionOf(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return Token.isUnresolved(stack.region) ? stack.partition : partitionOfRegion(stack.region) ?? stack.partition;
}

/** `arn:<partition>:ssm:*:<account>:resource-data-sync/*`: any sync of that account, any Region. */
function syncArnPattern(scope: IConstruct, account: string): string {
  return `arn:${partitionOf(scope)}:ssm:*:${account}:resource-data-sync/*`;
}

/** The object keys a sync of `account` writes: `[<prefix>/]<type>/accountid=<account>/...`. */
function objectKeys(target: DeliveryTarget, account: string): string {
  const path = `*/accountid=${account}/*`;
  return `${target.bucketArn}/${target.prefix ? `${target.prefix}/${path}` : path}`;
}

function encryptionConditions(target: DeliveryTarget): { StringEquals?: Record<string, string>; StringLike?: Record<string, string> } {
  if (target.kmsKeyArnPattern) {
    return {
      StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      StringLike: { 's3:x-amz-server-side-encryption-aws-kms-key-id': target.kmsKeyArnPattern },
    };
  }
  if (!target.kmsKeyArn) return {};
  return {
    StringEquals: {
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-server-side-encryption-aws-kms-key-id': target.kmsKeyArn,
    },
  };
}

/**
 * One grant to the syncs of an account (or of several): what they may write, and the
 * confused-deputy conditions that bind the grant to them.
 */
interface AccountGrant {
  readonly sidSuffix: string;
  /** The `accountid=` key path the grant covers. */
  readonly keyPathAccount: string;
  /** `aws:SourceAccount`: the account, or the list. */
  readonly sourceAccount: string | string[];
  /** The account in the `aws:SourceArn` pattern. */
  readonly arnAccount: string;
}

/** The policy variable that stands for the writing account in the compact form. */
const SOURCE_ACCOUNT_VARIABLE = '${aws:SourceAccount}';

function accountGrants(writers: Writers): AccountGrant[] {
  const grants: AccountGrant[] = writers.accounts.length > COMPACT_FORM_THRESHOLD
    ? [{ sidSuffix: 'EachListedAccount', keyPathAccount: SOURCE_ACCOUNT_VARIABLE, sourceAccount: writers.accounts, arnAccount: '*' }]
    : writers.accounts.map(account => ({
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
  const ssm = ssmPrincipal();
  const encryption = encryptionConditions(target);
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
          ...encryption.StringEquals,
        },
        ...(encryption.StringLike ? { StringLike: encryption.StringLike } : {}),
        ArnLike: { 'aws:SourceArn': syncArnPattern(scope, grant.arnAccount) },
      },
    }));
  }
  if (writers.organizationId) {
    const keys = objectKeys(target, '*');
    const fromOrganizationSyncs = { ArnLike: { 'aws:SourceArn': syncArnPattern(scope, '*') } };
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
            ...encryption.StringEquals,
          },
          ...(encryption.StringLike ? { StringLike: encryption.StringLike } : {}),
          ...fromOrganizationSyncs,
        },
      }),
      new iam.PolicyStatement({
        sid: 'SSMBucketDeliveryTaggingOrganization',
        principals: [ssm],
        actions: ['s3:PutObjectTagging'],
        resources: [keys],
        conditions: { StringEquals: { 'aws:SourceOrgID': writers.organizationId }, ...fromOrganizationSyncs },
      }),
    );
  }
  // A prefix that ends in `accountid=<other>` would put a sync's files under another account's
  // folder: `*` in the allows matches `/`. No key of the sync has two `accountid=` segments.
  statements.push(new iam.PolicyStatement({
    sid: 'SSMBucketDeliveryDenyOtherAccountPaths',
    effect: iam.Effect.DENY,
    principals: [ssm],
    actions: ['s3:PutObject', 's3:PutObjectTagging'],
    resources: [`${target.bucketArn}/${target.prefix ? `${target.prefix}/` : ''}*accountid=*accountid=*`],
  }));
  return statements;
}

/** The statements to add to the destination key's policy (`resources: ['*']` means this key). */
export function keyStatements(scope: IConstruct, writers: Writers): iam.PolicyStatement[] {
  const ssm = ssmPrincipal();
  const compact = writers.accounts.length > COMPACT_FORM_THRESHOLD;
  const grants: AccountGrant[] = compact
    // The bucket policy keeps accounts to their paths; the key only needs to know who may encrypt.
    ? [{ sidSuffix: 'EachListedAccount', keyPathAccount: '*', sourceAccount: writers.accounts, arnAccount: '*' }, ...accountGrants({ accounts: [], accountList: writers.accountList })]
    : accountGrants(writers);
  const statements = grants.map(grant => new iam.PolicyStatement({
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
      conditions: {
        StringEquals: { 'aws:SourceOrgID': writers.organizationId },
        ArnLike: { 'aws:SourceArn': syncArnPattern(scope, '*') },
      },
    }));
  }
  return statements;
}

/**
 * A statement with a Sid in a policy, and its content without the Sid, each made when a statement
 * with the same Sid needs it: unresolved (cheap) and, if that differs, resolved.
 */
interface UsedSid {
  readonly statement: iam.PolicyStatement;
  raw?: string;
  resolved?: string;
}

/** The Sids already used in each policy (by the construct that owns it), with their content. */
const sidsByPolicy = new WeakMap<IConstruct, Map<string, UsedSid>>();

/**
 * The statements with Sids that are unique in the policy of `owner` (a bucket or a key): the first
 * statement with a Sid keeps it; a different statement with the same Sid (another prefix or key on
 * the same bucket, accounts given as tokens) gets a short hash of its content appended. A statement
 * already added with the same content is left out (it would only repeat).
 *
 * Contents are compared unresolved first (the same tokens: the same statement); only a Sid that is
 * taken is compared, and hashed, on the resolved content, so the suffix does not depend on the order
 * in which tokens were made.
 */
export function withUniqueSids(owner: IConstruct, statements: iam.PolicyStatement[]): iam.PolicyStatement[] {
  let used = sidsByPolicy.get(owner);
  if (!used) sidsByPolicy.set(owner, used = new Map());
  const stack = Stack.of(owner);
  // The form the suffixes have always been hashed from (an empty Sid included): they must not move.
  const resolvedOf = (statement: iam.PolicyStatement) => JSON.stringify(stack.resolve(statement.copy({ sid: '' }).toStatementJson()));
  const result: iam.PolicyStatement[] = [];
  for (const statement of statements) {
    const base = statement.sid ?? 'Statement';
    let sid = base;
    // Only a Sid already taken needs the contents (most policies have none taken: nothing to compare).
    let raw: string | undefined;
    let resolved: string | undefined;
    const same = (entry: UsedSid) => {
      entry.raw ??= rawOf(entry.statement);
      raw ??= rawOf(statement);
      if (entry.raw === raw) return true;
      entry.resolved ??= resolvedOf(entry.statement);
      resolved ??= resolvedOf(statement);
      return entry.resolved === resolved;
    };
    for (let attempt = 0; used.has(sid) && !same(used.get(sid)!); attempt++) {
      sid = `${base}${hash(`${resolved}${attempt || ''}`).slice(0, 8)}`;
    }
    if (used.has(sid)) continue;
    used.set(sid, { statement, raw, resolved });
    result.push(sid === base ? statement : statement.copy({ sid }));
  }
  return result;
}

/** A statement's content without its Sid, unresolved (the same tokens: the same statement). */
function rawOf(statement: iam.PolicyStatement): string {
  const json = { ...statement.toStatementJson() };
  delete json.Sid;
  return JSON.stringify(json);
}

export function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').toUpperCase();
}

/**
 * An estimate of a policy document's size as the service counts it (JSON without white space),
 * with every value resolved at deploy time (a reference, an ARN) counted as `referenceSize`
 * characters. Good to a few percent: it decides whether to fail synthesis, not how to write.
 */
export function estimatePolicySize(scope: IConstruct, document: unknown, referenceSize = 80): number {
  // Far from the limit, the size is not worth resolving: an upper bound of this estimate decides.
  const bound = upperBound(scope, document, referenceSize) ?? Infinity;
  if (bound <= SIZE_BOUND_ENOUGH) return bound;
  return resolvedPolicySize(scope, document, referenceSize);
}

/** `estimatePolicySize` from the resolved document, always. */
export function resolvedPolicySize(scope: IConstruct, document: unknown, referenceSize = 80): number {
  const resolved = Stack.of(scope).resolve(document);
  const text = JSON.stringify(resolved, (_, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
        return keys[0] === 'Fn::Join' ? (value['Fn::Join'][1] as unknown[]).map(part => (typeof part === 'string' ? part : 'x'.repeat(referenceSize / 2))).join('') : 'x'.repeat(referenceSize);
      }
    }
    return value;
  });
  return text === undefined ? 0 : Buffer.byteLength(text);
}

/** Below this, an upper bound of a policy's size is returned as its estimate (well under every limit). */
const SIZE_BOUND_ENOUGH = 10_240;

/**
 * An upper bound of `estimatePolicySize` without resolving the whole document (resolving a policy
 * document runs its post-processing, the costly part): the document as JSON with every reference to
 * a resource attribute or pseudo parameter, in a value or a key, counted as `2.5 * referenceSize`
 * characters (the estimate counts a reference as `referenceSize`, a joined one as less), and any other string token (such as
 * the account root ARN of a key's default policy) resolved (all in one pass) and counted at its JSON size
 * plus `referenceSize` per intrinsic in it. A list or number token, or a whole-value token, may stand
 * for anything that changes the document's shape: then there is no bound (undefined).
 */
export function upperBound(scope: IConstruct, document: unknown, referenceSize = 80): number | undefined {
  const json = written(document);
  if (mayChangeShape(json)) return undefined;
  const text = JSON.stringify(json);
  if (text === undefined) return undefined;
  let extra = 0;
  const others: IResolvable[] = [];
  // Every string token is in the text as it is in its string (a token's marker needs no escaping):
  // one pass over the text finds them all, rather than a test of each string of the document.
  for (const token of Tokenization.reverseString(text).tokens) {
    if (Reference.isReference(token)) extra += Math.ceil(2.5 * referenceSize);
    else others.push(token);
  }
  // The other tokens are resolved together: each resolution has a fixed cost, larger than theirs.
  return Buffer.byteLength(text) + extra + (others.length > 0 ? resolvedSize(scope, others, referenceSize) : 0);
}

/**
 * Whether `value` holds, where `JSON.stringify` would write it, a whole-value token (an object to
 * resolve: its `toJSON` hides it), a number token or a token list (a list of one `'#{Token[...]}'`
 * element, the only place a list token can be: as a string, it fails synthesis).
 */
function mayChangeShape(value: unknown): boolean {
  if (Tokenization.isResolvable(value)) return true;
  const json = written(value);
  if (json === null || (typeof json !== 'object' && typeof json !== 'number')) return false;
  if (Token.isUnresolved(json)) return true;
  // A plain number has no values: only an array or an object is walked.
  return (Array.isArray(json) ? json : Object.values(json)).some(mayChangeShape);
}

/** What `JSON.stringify` writes for `value`: the result of its `toJSON`, if it has one. */
function written(value: unknown): unknown {
  const toJSON = value !== null && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? toJSON.call(value) : value;
}

/**
 * A bound of what the estimate counts for resolved string tokens: their JSON (as a list: a little
 * more than the sum of each one's), plus `referenceSize` per intrinsic in them.
 */
function resolvedSize(scope: IConstruct, tokens: IResolvable[], referenceSize: number): number {
  let intrinsics = 0;
  const text = JSON.stringify(Stack.of(scope).resolve(tokens), (_, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) intrinsics++;
    return value;
  });
  return Buffer.byteLength(text) + intrinsics * referenceSize;
}

/** The statements as a user would paste them into a policy, for warning messages. */
export function describeStatements(scope: IConstruct, statements: iam.PolicyStatement[]): string {
  const stack = Stack.of(scope);
  const resolved = stack.resolve(statements.map(s => s.toStatementJson()));
  return JSON.stringify(pasteable(resolved, partitionOf(scope)), undefined, 2);
}

/**
 * CloudFormation intrinsics turned into what a person pastes: the partition (known from the
 * Region), literal joins, and `<...>` placeholders that say which value to fill in.
 */
function pasteable(value: unknown, partition: string): unknown {
  if (Array.isArray(value)) return value.map(v => pasteable(v, partition));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref') {
      if (arg === 'AWS::Partition') return Token.isUnresolved(partition) ? '<partition, such as aws>' : partition;
      if (arg === 'AWS::AccountId') return '<the account id of the stack that deploys the sync>';
      if (arg === 'AWS::Region') return '<the Region of the stack that deploys the sync>';
      if (arg === 'AWS::URLSuffix') return 'amazonaws.com';
      return `<the value of ${String(arg)}>`;
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(p => pasteable(p, partition)).join(separator); // each part a string or an intrinsic, so a string now
    }
    if (key === 'Fn::GetAtt') return `<the ${(arg as string[])[1]} of ${(arg as string[])[0]}>`;
    if (key.startsWith('Fn::')) return `<a value computed at deploy time: ${JSON.stringify(arg)}>`;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, pasteable(v, partition)]));
}
