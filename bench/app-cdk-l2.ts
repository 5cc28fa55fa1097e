/**
 * The same N syncs written by hand with aws-cdk-lib's L2s (Key, Bucket, PolicyStatement) and the
 * L1 CfnResourceDataSync: no construct of this library. Separates what this library costs from what
 * aws-cdk-lib's Bucket and Key cost.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnResourceDataSync } from 'aws-cdk-lib/aws-ssm';
import { runApp } from './common';

runApp((stack: Stack, count: number) => {
  const account = stack.account;
  const ssm = new iam.ServicePrincipal('ssm.amazonaws.com');
  const sourceArn = `arn:aws:ssm:*:${account}:resource-data-sync/*`;
  for (let j = 0; j < count; j++) {
    const id = `Inventory${j}`;
    const key = new kms.Key(stack, `${id}Key`, {
      description: `Encrypts the AWS Systems Manager resource data sync data of ${stack.stackName}/${id}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: `SSMResourceDataSyncEncrypt${account}`,
      principals: [ssm],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
    }));
    const bucket = new s3.Bucket(stack, `${id}Bucket`, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [{ id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'SSMBucketPermissionsCheck', principals: [ssm], actions: ['s3:GetBucketAcl'], resources: [bucket.bucketArn],
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: `SSMBucketDelivery${account}`,
      principals: [ssm],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`*/accountid=${account}/*`)],
      conditions: {
        StringEquals: {
          's3:x-amz-acl': 'bucket-owner-full-control',
          'aws:SourceAccount': account,
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': key.keyArn,
        },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    }));
    // A key with two `accountid=` segments would let a write land under another account's path.
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'SSMBucketDeliveryDenyOtherAccountPaths',
      effect: iam.Effect.DENY,
      principals: [ssm],
      actions: ['s3:PutObject', 's3:PutObjectTagging'],
      resources: [bucket.arnForObjects('*accountid=*accountid=*')],
    }));
    const sync = new CfnResourceDataSync(stack, id, {
      syncName: `${stack.stackName}-${id}`,
      syncType: 'SyncToDestination',
      s3Destination: { bucketName: bucket.bucketName, bucketRegion: stack.region, kmsKeyArn: key.keyArn, syncFormat: 'JsonSerDe' },
    });
    sync.node.addDependency(bucket.policy!);
  }
});
