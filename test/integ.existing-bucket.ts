/*
 * integ-runner: Inventory to a bucket and key the app already defines, under a prefix; the
 * statements Systems Manager needs are added to their policies.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ResourceDataSync, SyncDestination } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncExistingBucket');
const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const bucket = new s3.Bucket(stack, 'DataBucket', {
  encryptionKey: key,
  bucketKeyEnabled: true,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
});
new ResourceDataSync(stack, 'ToMyBucket', { destination: SyncDestination.fromBucket(bucket, { prefix: 'inventory', encryptionKey: key }) });
new IntegTest(app, 'ExistingBucketIntegTest', { testCases: [stack] });
