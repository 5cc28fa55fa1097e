import * as cdk from 'aws-cdk-lib';
import { Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ResourceDataSync, SyncDestination } from '../src';
import { newApp } from './util';

/*
 * The README's "Warnings" bullet: the forms that acknowledge this library's warnings, and the one
 * that looks right and does nothing. Run on the dev aws-cdk-lib (`npx projen test`) and on the floor
 * and the newest (`npx projen test:compat`).
 *
 * The CLI prints `Acknowledge with 'Annotation::cdk-ssm-resource-data-sync:<id>'`.
 */
const BUCKET = 'cdk-ssm-resource-data-sync:bucketPolicyNotManaged';
const KEY = 'cdk-ssm-resource-data-sync:keyPolicyNotManaged';
const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** aws-cdk-lib's version, as [major, minor, patch]. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: number[] = require('aws-cdk-lib/package.json').version.split('.').map(Number);
/** `Validations.acknowledge` reaches warnings added with `Annotations.addWarningV2` from this release on. */
export const VALIDATIONS_ACKNOWLEDGE_ANNOTATIONS = [2, 270, 0];
const atLeast = (v: number[]) => VERSION[0] * 1e6 + VERSION[1] * 1e3 + VERSION[2] >= v[0] * 1e6 + v[1] * 1e3 + v[2];

/** The warnings left on a sync to a bucket and key in another account, after `acknowledge` ran. */
function warningsAfter(acknowledge: (sync: ResourceDataSync) => void): string[] {
  const stack = new Stack(newApp(), 'Stack', { env: { account: '444455556666', region: 'us-east-1' } });
  const sync = new ResourceDataSync(stack, 'Sync', {
    destination: SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1', kmsKeyArn: KMS_KEY_ARN }),
  });
  acknowledge(sync);
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue())
    .map(w => String(w.entry.data)).map(text => text.includes('bucket policy') ? BUCKET : text.includes('key policy') ? KEY : text);
}

test('without acknowledgement: both warnings', () => {
  expect(warningsAfter(() => {}).sort()).toEqual([BUCKET, KEY]);
});

test('Annotations.of(sync).acknowledgeWarning(id), the id without "Annotation::": acknowledged (every aws-cdk-lib)', () => {
  expect(warningsAfter(sync => {
    CoreAnnotations.of(sync).acknowledgeWarning(BUCKET, 'the central account manages the policy');
    CoreAnnotations.of(sync).acknowledgeWarning(KEY, 'the central account manages the policy');
  })).toEqual([]);
});

test('acknowledgement on a scope above the sync (the stack) covers it', () => {
  expect(warningsAfter(sync => CoreAnnotations.of(Stack.of(sync)).acknowledgeWarning(BUCKET))).toEqual([KEY]);
});

test('Annotations.of(sync).acknowledgeWarning("Annotation::" + id), as the CLI prints it: silently ignored', () => {
  expect(warningsAfter(sync => CoreAnnotations.of(sync).acknowledgeWarning(`Annotation::${BUCKET}`)).sort()).toEqual([BUCKET, KEY]);
});

test(`Validations.of(sync).acknowledge({ id: "Annotation::" + id }): acknowledged from aws-cdk-lib ${VALIDATIONS_ACKNOWLEDGE_ANNOTATIONS.join('.')}, ignored before`, () => {
  let exists = true;
  const left = warningsAfter(sync => {
    // `Validations` and its `acknowledge` are newer than the floor (2.224.0 has neither).
    const validations = (cdk as any).Validations?.of(sync);
    if (typeof validations?.acknowledge !== 'function') return void (exists = false);
    validations.acknowledge({ id: `Annotation::${BUCKET}`, reason: 'the central account manages the policy' });
  });
  expect({ exists, left: left.sort() }).toEqual(atLeast(VALIDATIONS_ACKNOWLEDGE_ANNOTATIONS)
    ? { exists: true, left: [KEY] }
    : { exists: expect.any(Boolean), left: [BUCKET, KEY] });
});
