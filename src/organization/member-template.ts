import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, BootstraplessSynthesizer, CfnParameter, Stack, aws_ssm as ssm } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SyncDestination } from '../destination';
import { SyncHealthMonitor } from '../monitor/sync-health-monitor';
import { hash } from '../policies';
import { ResourceDataSync } from '../resource-data-sync';

/** The parameters of the member template, which the StackSet fills in from the central stack. */
export const MEMBER_PARAMETERS = { bucketRegion: 'InventoryBucketRegion', kmsKeyArn: 'InventoryKmsKeyArn' };

/** What each member account's stack makes. */
export interface MemberTemplateOptions {
  readonly bucketName: string;
  readonly prefix?: string;
  /** Whether the central bucket is encrypted with a KMS key (its ARN is a parameter). */
  readonly encrypted: boolean;
  /** A literal Region of the central bucket, or undefined to take it from a parameter. */
  readonly bucketRegion?: string;
  readonly syncName?: string;
  /**
   * The StackSet's name: the member sync's generated name depends on it, so that a renamed
   * StackSet (whose new member stacks are created before the old ones are deleted) makes syncs
   * under new names.
   */
  readonly stackSetName?: string;
  readonly inventoryCollection?: MemberInventoryCollection;
  /**
   * A `SyncHealthMonitor` of the member's sync, which also writes every sync of the account and
   * Region (the slots in use, by name) to `<prefix>/sync-health/<account>-<region>.json` in the
   * central bucket.
   */
  readonly syncHealth?: boolean;
}

/** The key, under the central bucket's prefix (with its slash), of a member's sync health report. */
export function syncHealthReportKey(prefixWithSlash: string, account: string, region: string): string {
  return `${prefixWithSlash}${SYNC_HEALTH_FOLDER}/${account}-${region}.json`;
}

/** The folder, under the central bucket's prefix, of the members' sync health reports. */
export const SYNC_HEALTH_FOLDER = 'sync-health';

/** A State Manager association of `AWS-GatherSoftwareInventory` in every member account and Region. */
export interface MemberInventoryCollection {
  readonly scheduleExpression: string;
  readonly parameters: Record<string, string[]>;
}

/** The member template as JSON, and the problems its synthesis reported (with this library's messages). */
export interface MemberTemplate {
  readonly template: any;
  readonly problems: string[];
}

/**
 * The template of one member account and Region, made with this library's own `ResourceDataSync`
 * (same rules, same resource), in an app of its own: an environment-agnostic stack without
 * bootstrap resources or file assets, so that CloudFormation StackSets can deploy it inline.
 */
export function synthesizeMemberTemplate(options: MemberTemplateOptions): MemberTemplate {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-member-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Member', { synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
    const region = options.bucketRegion ?? new CfnParameter(stack, MEMBER_PARAMETERS.bucketRegion, {
      type: 'String', description: 'The Region of the central inventory bucket',
    }).valueAsString;
    const kmsKeyArn = options.encrypted ? new CfnParameter(stack, MEMBER_PARAMETERS.kmsKeyArn, {
      type: 'String', description: 'The ARN of the KMS key of the central inventory bucket',
    }).valueAsString : undefined;
    // The sync's generated name comes from its path: a scope named after the StackSet puts the
    // StackSet's name in it (as a short hash).
    const scope = options.stackSetName !== undefined ? new Construct(stack, `StackSet${hash(options.stackSetName).slice(0, 8)}`) : stack;
    const sync = new ResourceDataSync(scope, 'Inventory', {
      syncName: options.syncName,
      destination: SyncDestination.fromBucketName(options.bucketName, { region, prefix: options.prefix, kmsKeyArn }),
    });
    if (options.syncHealth) {
      const monitor = new SyncHealthMonitor(stack, 'SyncHealth', { syncs: [sync] });
      monitor._reportTo({
        bucketName: options.bucketName,
        region,
        key: syncHealthReportKey(options.prefix ? `${options.prefix}/` : '', Aws.ACCOUNT_ID, Aws.REGION),
        account: Aws.ACCOUNT_ID,
        kmsKeyArn,
      });
    }
    if (options.inventoryCollection) {
      new ssm.CfnAssociation(stack, 'InventoryCollection', {
        name: 'AWS-GatherSoftwareInventory',
        associationName: 'resource-data-sync-inventory-collection',
        scheduleExpression: options.inventoryCollection.scheduleExpression,
        targets: [{ key: 'InstanceIds', values: ['*'] }],
        parameters: options.inventoryCollection.parameters,
      });
    }
    try {
      const assembly = app.synth();
      return { template: assembly.getStackByName('Member').template, problems: [] };
    } catch (e) {
      // Validation errors of the member's sync: one per line, `[Member/Inventory] message`.
      const problems = (e as Error).message.split('\n').map(line => line.trim()).filter(line => line.startsWith('[Member/'))
        .map(line => `member sync: ${line.replace(/^\[[^\]]*\]\s*/, '')}`);
      return { template: undefined, problems: problems.length > 0 ? problems : [`member template: ${(e as Error).message}`] };
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
