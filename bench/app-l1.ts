/**
 * The same N syncs written with L1 constructs only: the resources, properties and policies of the
 * L2's zero-config template (CfnKey, CfnBucket, CfnBucketPolicy, CfnResourceDataSync).
 */
import { CfnDeletionPolicy, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnBucket, CfnBucketPolicy } from 'aws-cdk-lib/aws-s3';
import { CfnResourceDataSync } from 'aws-cdk-lib/aws-ssm';
import { runApp } from './common';

const SSM = { Service: 'ssm.amazonaws.com' };

runApp((stack: Stack, count: number) => {
  const account = stack.account;
  const sourceArn = `arn:aws:ssm:*:${account}:resource-data-sync/*`;
  for (let j = 0; j < count; j++) {
    const id = `Inventory${j}`;
    const key = new CfnKey(stack, `${id}Key`, {
      description: `Encrypts the AWS Systems Manager resource data sync data of ${stack.stackName}/${id}`,
      enableKeyRotation: true,
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Resource: '*' },
          {
            Sid: `SSMResourceDataSyncEncrypt${account}`, Effect: 'Allow', Principal: SSM, Action: 'kms:GenerateDataKey', Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
          },
        ],
      },
    });
    const bucket = new CfnBucket(stack, `${id}Bucket`, {
      bucketEncryption: {
        serverSideEncryptionConfiguration: [{
          bucketKeyEnabled: true,
          serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.attrArn },
        }],
      },
      lifecycleConfiguration: {
        rules: [{
          id: 'ExpireNoncurrentVersions', status: 'Enabled',
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
    const policy = new CfnBucketPolicy(stack, `${id}BucketPolicy`, {
      bucket: bucket.ref,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 's3:*', Effect: 'Deny', Principal: { AWS: '*' }, Resource: everything, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          { Action: 's3:*', Effect: 'Deny', Principal: { AWS: '*' }, Resource: everything, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
          { Sid: 'SSMBucketPermissionsCheck', Action: 's3:GetBucketAcl', Effect: 'Allow', Principal: SSM, Resource: bucket.attrArn },
          {
            Sid: `SSMBucketDelivery${account}`, Action: 's3:PutObject', Effect: 'Allow', Principal: SSM,
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
        ],
      },
    });
    const sync = new CfnResourceDataSync(stack, id, {
      syncName: `${stack.stackName}-${id}`,
      syncType: 'SyncToDestination',
      s3Destination: { bucketName: bucket.ref, bucketRegion: stack.region, kmsKeyArn: key.attrArn, syncFormat: 'JsonSerDe' },
    });
    sync.addDependency(policy);
  }
});
