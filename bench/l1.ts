/**
 * One zero-config sync written with L1 constructs only (CfnKey, CfnBucket, CfnBucketPolicy,
 * CfnResourceDataSync): the resources, properties and policies of the L2's zero-config template.
 */
import { CfnDeletionPolicy, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnBucket, CfnBucketPolicy } from 'aws-cdk-lib/aws-s3';
import { CfnResourceDataSync } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

const SSM = { Service: 'ssm.amazonaws.com' };

/**
 * Where the four resources go. `flat`: directly in the stack, as one writes L1 by hand. `scoped`: in
 * a construct of their own, at the construct paths the L2 uses (`<id>/Key/Resource`,
 * `<id>/Bucket/Resource`, `<id>/Bucket/Policy/Resource`, `<id>/Resource`), so the logical ids are
 * the L2's: what any construct that owns its resources pays, with no L2 logic at all.
 */
export type Layout = 'flat' | 'scoped';

/** A construct at `path` below `scope` (intermediate plain constructs), and the id to create it with. */
function place(scope: Construct, path: string[]): [Construct, string] {
  let parent = scope;
  for (const id of path.slice(0, -1)) parent = parent.node.tryFindChild(id) as Construct ?? new Construct(parent, id);
  return [parent, path[path.length - 1]];
}

export function l1Sync(stack: Stack, id: string, layout: Layout): void {
  const at = (flat: string, scoped: string[]) => place(stack, layout === 'flat' ? [flat] : [id, ...scoped]);
  const account = stack.account;
  const sourceArn = `arn:aws:ssm:*:${account}:resource-data-sync/*`;
  const key = new CfnKey(...at(`${id}Key`, ['Key', 'Resource']), {
    description: `Encrypts the AWS Systems Manager resource data sync data of ${stack.stackName}/${id}`,
    enableKeyRotation: true,
    keyPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Resource: '*' },
        {
          Sid: `SSMResourceDataSyncEncrypt${account}`,
          Effect: 'Allow',
          Principal: SSM,
          Action: 'kms:GenerateDataKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
        },
      ],
    },
  });
  const bucket = new CfnBucket(...at(`${id}Bucket`, ['Bucket', 'Resource']), {
    bucketEncryption: {
      serverSideEncryptionConfiguration: [{
        bucketKeyEnabled: true,
        serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.attrArn },
      }],
    },
    lifecycleConfiguration: {
      rules: [{
        id: 'ExpireNoncurrentVersions',
        status: 'Enabled',
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        noncurrentVersionExpiration: { noncurrentDays: 90 },
      }],
    },
    ownershipControls: { rules: [{ objectOwnership: 'BucketOwnerEnforced' }] },
    publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    versioningConfiguration: { status: 'Enabled' },
  });
  for (const resource of [key, bucket]) {
    resource.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
    resource.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
  }
  const everything = [bucket.attrArn, `${bucket.attrArn}/*`];
  const policy = new CfnBucketPolicy(...at(`${id}BucketPolicy`, ['Bucket', 'Policy', 'Resource']), {
    bucket: bucket.ref,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 's3:*', Effect: 'Deny', Principal: { AWS: '*' }, Resource: everything, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Action: 's3:*', Effect: 'Deny', Principal: { AWS: '*' }, Resource: everything, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
        { Sid: 'SSMBucketPermissionsCheck', Action: 's3:GetBucketAcl', Effect: 'Allow', Principal: SSM, Resource: bucket.attrArn },
        {
          Sid: `SSMBucketDelivery${account}`,
          Action: 's3:PutObject',
          Effect: 'Allow',
          Principal: SSM,
          Resource: `${bucket.attrArn}/*/accountid=${account}/*`,
          Condition: {
            StringEquals: {
              's3:x-amz-acl': 'bucket-owner-full-control',
              'aws:SourceAccount': account,
              's3:x-amz-server-side-encryption': 'aws:kms',
              's3:x-amz-server-side-encryption-aws-kms-key-id': key.attrArn,
            },
            ArnLike: { 'aws:SourceArn': sourceArn },
          },
        },
        {
          Sid: 'SSMBucketDeliveryDenyOtherAccountPaths',
          Action: ['s3:PutObject', 's3:PutObjectTagging'],
          Effect: 'Deny',
          Principal: SSM,
          Resource: `${bucket.attrArn}/*accountid=*accountid=*`,
        },
      ],
    },
  });
  const sync = new CfnResourceDataSync(...at(id, ['Resource']), {
    syncName: `${stack.stackName}-${id}`,
    syncType: 'SyncToDestination',
    s3Destination: { bucketName: bucket.ref, bucketRegion: stack.region, kmsKeyArn: key.attrArn, syncFormat: 'JsonSerDe' },
  });
  sync.addDependency(policy);
}
