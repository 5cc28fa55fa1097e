import { Annotations, Arn, ArnComponents, ArnFormat, Duration, RemovalPolicy, Token, aws_s3 as s3, region_info as regionInfo } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * The synth-time rules of AWS::SSM::ResourceDataSync / CreateResourceDataSync, as small named checks.
 *
 * Each check takes the value as the user gave it and the name of the property it came from, and
 * returns the problems it finds: one sentence each, naming the property, the bad value and the fix.
 * A value that is an unresolved token is never judged. The construct path is added by CDK
 * (`node.addValidation` prints every failure as `[path] message`).
 *
 * Sources for each rule: ../shared/AWS-RULES.md (API CreateResourceDataSync, CloudFormation schema,
 * Systems Manager User Guide).
 */

/** Longest sync name the API accepts (ResourceDataSyncName: 1..64). */
export const MAX_SYNC_NAME_LENGTH = 64;
/** Longest prefix (S3Destination.BucketPrefix / API Prefix: 1..256). */
export const MAX_PREFIX_LENGTH = 256;
/** Resource data syncs allowed per account and Region (hard service quota). */
export const SYNCS_PER_ACCOUNT_AND_REGION = 5;
/** Organizational units one sync may name (ResourceDataSyncOrganizationalUnitList: 1..1000). */
export const MAX_ORGANIZATIONAL_UNITS = 1000;

// The patterns and tables are made where they are used, not when the module loads: mutation testing
// (CONTRIBUTING.md) can then tell which tests run them, instead of running every test for each change.
/** Region codes such as `us-east-1`, `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`. */
const regionPattern = (): RegExp => /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
/** API ResourceDataSyncOrganizationalUnitId. */
const ouPattern = (): RegExp => /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** IAM: an AWS account id. */
const accountPattern = (): RegExp => /^\d{12}$/;
/** KMS: a key id (UUID) or a multi-Region key id. */
const keyIdPattern = (): RegExp => /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
/** AWS Organizations: `o-` and 10 to 32 lower-case letters or digits. */
const organizationIdPattern = (): RegExp => /^o-[a-z0-9]{10,32}$/;

function show(value: string): string {
  return JSON.stringify(value);
}

/** `syncName`: 1 to 64 characters. */
export function checkSyncName(name: string): string[] {
  if (Token.isUnresolved(name)) return [];
  if (name.length < 1 || name.length > MAX_SYNC_NAME_LENGTH) {
    return [`syncName ${show(name)} is ${name.length} characters long; a resource data sync name must be 1 to ${MAX_SYNC_NAME_LENGTH} characters. Give a shorter name, or leave syncName out to have one generated.`];
  }
  return [];
}

/** An S3 key prefix: 1 to 256 characters, no leading or trailing `/`. */
export function checkPrefix(prefix: string | undefined, property: string): string[] {
  if (prefix === undefined || Token.isUnresolved(prefix)) return [];
  const problems: string[] = [];
  if (prefix.length < 1 || prefix.length > MAX_PREFIX_LENGTH) {
    problems.push(`${property} ${show(prefix)} is ${prefix.length} characters long; a bucket prefix must be 1 to ${MAX_PREFIX_LENGTH} characters. Shorten it, or leave it out to write at the top of the bucket.`);
  }
  if (prefix.startsWith('/') || prefix.endsWith('/')) {
    problems.push(`${property} ${show(prefix)} starts or ends with "/"; the sync adds the "/" itself and the bucket policy would not match the keys it writes. Use ${show(prefix.replace(/^\/+|\/+$/g, '') || 'inventory')}.`);
  }
  // eslint-disable-next-line no-control-regex
  const unsafe = [...new Set(prefix.match(/[*?\s\x00-\x1f\x7f]/g) ?? [])];
  if (unsafe.length > 0) {
    problems.push(`${property} ${show(prefix)} contains ${unsafe.map(show).join(', ')}; in the bucket policy "*" and "?" are wildcards (they would open other prefixes to the sync) and white space or control characters make keys nobody can query. Use letters, digits and "-", "_", ".", "/".`);
  }
  if (/accountid=/i.test(prefix)) {
    problems.push(`${property} ${show(prefix)} contains "accountid="; the sync writes its own "accountid=<account>" folder under the prefix, and the bucket policy denies keys with two of them (so that no account writes into another's folder). Use a prefix without "accountid=".`);
  }
  return problems;
}

/** A Region code such as `us-east-1`. */
export function checkRegion(region: string | undefined, property: string): string[] {
  if (region === undefined || Token.isUnresolved(region)) return [];
  if (!regionPattern().test(region)) {
    return [`${property} ${show(region)} is not an AWS Region code. Use a code such as "us-east-1" or "eu-west-1".`];
  }
  return [];
}

/** Whether a well-formed Region code is one this version of aws-cdk-lib knows (new Regions appear). */
export function isKnownRegion(region: string): boolean {
  return Token.isUnresolved(region) || !regionPattern().test(region) || knownRegionNames().has(region);
}

/**
 * The partition of a Region code, from its prefix (works for Regions newer than aws-cdk-lib, and
 * does not read aws-cdk-lib's Region table, whose first use costs every app about 0.1 s; a test
 * checks the prefixes against that table).
 */
export function partitionOfRegion(region: string | undefined): string | undefined {
  // A token's text ("${Token[...]}") never matches the pattern, so a token has no partition here.
  if (region === undefined || !regionPattern().test(region)) return undefined;
  for (const [prefix, partition] of partitionPrefixes()) {
    if (region.startsWith(prefix)) return partition;
  }
  return 'aws';
}

let knownRegions: Set<string> | undefined;

/** The Regions this aws-cdk-lib knows, read once (`RegionInfo.regions` builds the whole table on every call). */
function knownRegionNames(): Set<string> {
  knownRegions ??= new Set(regionInfo.RegionInfo.regions.map(r => r.name));
  return knownRegions;
}

/** Region code prefixes of the partitions other than `aws`, most specific first. */
const partitionPrefixes = (): Array<[string, string]> => [
  ['cn-', 'aws-cn'], ['us-gov-', 'aws-us-gov'], ['us-isob-', 'aws-iso-b'], ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'], ['us-iso-', 'aws-iso'], ['eusc-', 'aws-eusc'],
];

/**
 * Warn about well-formed Region codes this aws-cdk-lib does not know: a typo or a Region newer than
 * aws-cdk-lib. Not an error, since new Regions appear.
 */
export function warnUnknownRegions(scope: IConstruct, regions: string[], property: string): void {
  // A list token is a list of one string token, which isKnownRegion takes as known.
  const unknown = regions.filter(region => typeof region === 'string' && !isKnownRegion(region));
  if (unknown.length > 0) {
    Annotations.of(scope).addWarningV2('cdk-ssm-resource-data-sync:unknownRegion',
      `${property} ${unknown.map(show).join(', ')} ${unknown.length > 1 ? 'are Regions' : 'is a Region'} this version of aws-cdk-lib does not know. Check the spelling; if it is a new Region, acknowledge this warning.`);
  }
}

/** A list of Region codes: at least one, each a Region code, no duplicates. */
export function checkRegionList(regions: string[], property: string): string[] {
  if (Token.isUnresolved(regions)) return [];
  const problems: string[] = [];
  if (regions.length === 0) {
    problems.push(`${property} is empty; a source needs at least one Region. List the Regions to aggregate (for example us-east-1).`);
  }
  regions.forEach((region, i) => problems.push(...checkRegion(region, `${property}[${i}]`)));
  problems.push(...checkNoDuplicates(regions, property));
  return problems;
}

/** Organizational unit ids: 1 to 1000, each `ou-xxxx-xxxxxxxx`, no duplicates. */
export function checkOrganizationalUnits(ouIds: string[], property: string): string[] {
  if (Token.isUnresolved(ouIds)) return [];
  const problems: string[] = [];
  if (ouIds.length < 1 || ouIds.length > MAX_ORGANIZATIONAL_UNITS) {
    problems.push(`${property} has ${ouIds.length} entries; a sync takes 1 to ${MAX_ORGANIZATIONAL_UNITS} organizational units. ${ouIds.length === 0 ? 'Name at least one, or use SyncSource.entireOrganization().' : 'Split them over several syncs, or use SyncSource.entireOrganization().'}`);
  }
  ouIds.forEach((id, i) => {
    if (!Token.isUnresolved(id) && !ouPattern().test(id)) {
      problems.push(`${property}[${i}] ${show(id)} is not an organizational unit id; it must look like "ou-ab12-cdef3456" (ou-, 4 to 32 lower-case letters or digits, -, 8 to 32 more).`);
    }
  });
  problems.push(...checkNoDuplicates(ouIds, property));
  return problems;
}

/** An S3 bucket name, with S3's own rules (aws-cdk-lib `Bucket.validateBucketName`). */
export function checkBucketName(name: string, property: string): string[] {
  try {
    // aws-cdk-lib returns at once for a token (never judged).
    s3.Bucket.validateBucketName(name);
  } catch (e) {
    const reason = (e as Error).message.split('\n').slice(1).join('; ');
    return [`${property} ${show(name)} is not a valid S3 bucket name (${reason}). Use the bucket's exact name: 3 to 63 lower-case letters, digits, dots and hyphens.`];
  }
  return [];
}

/** A KMS key ARN (not an alias, not a bare key id). */
export function checkKmsKeyArn(arn: string | undefined, property: string): string[] {
  if (arn === undefined || Token.isUnresolved(arn)) return [];
  if (arn === '') {
    return [`${property} is an empty string. Leave it out for no KMS key, or give the key's full ARN, "arn:aws:kms:<region>:<account>:key/<key-id>".`];
  }
  const parts = parseKeyArn(arn);
  if (!parts) {
    const alias = /^(arn:[^:]*:kms:[^:]*:[^:]*:)?alias\//.test(arn) ? ' It is an alias: give the ARN of the key the alias points to.' : '';
    return [`${property} ${show(arn)} is not a KMS key ARN.${alias} Give the key's full ARN, "arn:aws:kms:<region>:<account>:key/<key-id>"; aliases and bare key ids are not accepted by resource data sync.`];
  }
  const problems: string[] = [];
  if (!accountPattern().test(parts.account)) {
    problems.push(`${property} ${show(arn)} has the account ${show(parts.account)}; an account id is 12 digits. Copy the key's ARN from the KMS console or \`aws kms describe-key\`.`);
  }
  if (!keyIdPattern().test(parts.keyId)) {
    problems.push(`${property} ${show(arn)} has the key id ${show(parts.keyId)}; a KMS key id is a UUID such as "1234abcd-12ab-34cd-56ef-1234567890ab" (or "mrk-" and 32 hex digits for a multi-Region key).`);
  }
  problems.push(...checkRegion(parts.region, `${property} Region`));
  const expected = partitionOfRegion(parts.region);
  if (expected && parts.partition !== expected) {
    problems.push(`${property} ${show(arn)} is in partition ${show(parts.partition)} but its Region ${show(parts.region)} is in ${show(expected)}. Use "arn:${expected}:kms:${parts.region}:...".`);
  }
  return problems;
}

/** RemovalPolicy of a bucket or key: SNAPSHOT is for databases and volumes only. */
export function checkRemovalPolicy(policy: RemovalPolicy | undefined, property: string): string[] {
  if (policy === undefined) return [];
  if (!Object.values(RemovalPolicy).includes(policy)) {
    return [`${property} ${show(String(policy))} is not a RemovalPolicy. Use RemovalPolicy.RETAIN (the default) or RemovalPolicy.DESTROY.`];
  }
  if (policy === RemovalPolicy.SNAPSHOT) {
    return [`${property} is SNAPSHOT, which S3 buckets and KMS keys do not support (CloudFormation rejects it). Use RemovalPolicy.RETAIN (the default) or RemovalPolicy.DESTROY.`];
  }
  return [];
}

/** A lifecycle expiration: a whole number of days, at least 1. */
export function checkWholeDays(duration: Duration | undefined, property: string): string[] {
  if (duration === undefined || duration.isUnresolved()) return [];
  const hours = duration.toHours({ integral: false });
  if (hours < 24 || !Number.isInteger(hours / 24)) {
    return [`${property} is ${duration.toHumanString()}; S3 lifecycle rules count whole days, at least 1. Use Duration.days(n) with n >= 1.`];
  }
  return [];
}

/** A value of an enum-like set, for JavaScript callers whom no type checks. */
export function checkOneOf(value: unknown, allowed: readonly string[], property: string, fix: string): string[] {
  if (value === undefined || (typeof value === 'string' && (Token.isUnresolved(value) || allowed.includes(value)))) return [];
  return [`${property} ${show(String(value))} is not one of ${allowed.map(show).join(', ')}. ${fix}`];
}

/** A boolean, for JavaScript callers whom no type checks (a string "false" would be true). */
export function checkOptionalBoolean(value: unknown, property: string): string[] {
  if (value === undefined || typeof value === 'boolean' || Token.isUnresolved(value)) return [];
  return [`${property} ${show(String(value))} is not a boolean. Use true or false (not a string), or leave it out.`];
}

/** The KMS key must be in the bucket's Region. Judged only when both Regions are known. */
export function checkKeyRegion(keyRegion: string | undefined, bucketRegion: string | undefined, property: string): string[] {
  if (keyRegion === undefined || bucketRegion === undefined) return [];
  if (Token.isUnresolved(keyRegion) || Token.isUnresolved(bucketRegion)) return [];
  if (keyRegion !== bucketRegion) {
    return [`${property} is in Region ${show(keyRegion)} but the bucket is in ${show(bucketRegion)}; the KMS key and the destination bucket must be in the same Region. Use a key in ${bucketRegion}.`];
  }
  return [];
}


function parseKeyArn(arn: string): { partition: string; region: string; account: string; keyId: string } | undefined {
  let parts: ArnComponents;
  try {
    parts = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  } catch {
    return undefined; // not an ARN: a bare key id, an alias name
  }
  if (parts.service !== 'kms' || parts.resource !== 'key' || !parts.resourceName || !parts.region || !parts.account || !parts.partition) {
    return undefined;
  }
  // No length check (the API takes 1 to 512 characters): with the Region code, 12-digit account and key id
  // that checkKmsKeyArn requires, only a partition of hundreds of characters is that long, and it rejects that.
  return { partition: parts.partition, region: parts.region, account: parts.account, keyId: parts.resourceName };
}

/** Twelve-digit AWS account ids, no duplicates. */
export function checkAccountIds(accounts: string[], property: string): string[] {
  if (Token.isUnresolved(accounts)) return [];
  const problems: string[] = [];
  accounts.forEach((account, i) => {
    if (!Token.isUnresolved(account) && !accountPattern().test(account)) {
      problems.push(`${property}[${i}] ${show(account)} is not an AWS account id; give the 12 digits, for example "111122223333".`);
    }
  });
  problems.push(...checkNoDuplicates(accounts, property));
  return problems;
}

/** An AWS Organizations id, `o-` and 10 to 32 lower-case letters or digits. */
export function checkOrganizationId(id: string | undefined, property: string): string[] {
  if (id === undefined || Token.isUnresolved(id)) return [];
  if (!organizationIdPattern().test(id)) {
    return [`${property} ${show(id)} is not an AWS Organizations id; it must look like "o-a1b2c3d4e5" ("o-" and 10 to 32 lower-case letters or digits).`];
  }
  return [];
}

function checkNoDuplicates(values: string[], property: string): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) continue;
    if (seen.has(value)) duplicates.add(value);
    seen.add(value);
  }
  if (duplicates.size === 0) return [];
  return [`${property} lists ${[...duplicates].map(show).join(', ')} more than once. List each value once.`];
}

/** Whether a schedule (of a monitor's function, and the period of its alarms) is whole minutes from 1 minute to 1 day. */
export function validSchedule(schedule: Duration): boolean {
  if (schedule.isUnresolved()) return true;
  const minutes = schedule.toSeconds() / 60;
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440;
}

/** A schedule of whole minutes, and a staleness threshold longer than it (`what` goes stale). */
export function checkScheduleAndStaleness(schedule: Duration, staleAfter: Duration, what: string): string[] {
  const problems: string[] = [];
  if (!validSchedule(schedule)) {
    problems.push(`schedule is ${schedule.toHumanString()}; it must be whole minutes from 1 minute to 1 day (it is the period of the alarms too). Use for example Duration.hours(1).`);
  }
  if (!staleAfter.isUnresolved() && !schedule.isUnresolved() && staleAfter.toSeconds() <= schedule.toSeconds()) {
    problems.push(`staleAfter (${staleAfter.toHumanString()}) is not longer than schedule (${schedule.toHumanString()}); ${what} would be stale between two readings. Make staleAfter longer, for example Duration.hours(48).`);
  }
  return problems;
}

/** A custom CloudWatch namespace (`fallback`: the default to suggest). */
export function checkMetricNamespace(namespace: string, fallback: string): string[] {
  if (Token.isUnresolved(namespace)) return [];
  if (namespace.startsWith('AWS/') || !/^[\x20-\x7e]{1,255}$/.test(namespace) || namespace.includes(':')) {
    return [`namespace ${JSON.stringify(namespace)} is not a custom CloudWatch namespace: 1 to 255 printable ASCII characters, no ":", not starting with "AWS/". Leave it out for "${fallback}".`];
  }
  return [];
}
