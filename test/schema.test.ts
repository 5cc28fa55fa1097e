import { Template } from 'aws-cdk-lib/assertions';
import { loadSchema, schemaErrors } from './schema';
import { committedSnapshotTemplates } from './snapshots';
import { USE_CASES } from './use-cases';

test('the schema comes from cfn-lint and is the resource\'s', () => {
  const schema = loadSchema();
  expect(schema.typeName).toBe('AWS::SSM::ResourceDataSync');
  expect(schema.required).toEqual(['SyncName']);
  expect(schema.definitions.S3Destination.required).toEqual(expect.arrayContaining(['BucketName', 'BucketRegion', 'SyncFormat']));
});

test('the schema check catches what the schema forbids', () => {
  const bad = {
    Resources: {
      Sync: {
        Type: 'AWS::SSM::ResourceDataSync',
        Properties: { SyncName: 'x'.repeat(65), S3Destination: { BucketName: { Ref: 'B' }, SyncFormat: 'Csv' }, Extra: 1 },
      },
    },
  };
  const errors = schemaErrors(bad);
  expect(errors).toEqual(expect.arrayContaining([
    'Sync/SyncName must NOT have more than 64 characters',
    'Sync/S3Destination must have required property \'BucketRegion\'',
    'Sync/S3Destination/SyncFormat must be equal to one of the allowed values',
    'Sync must NOT have additional properties',
  ]));
});

test.each(Object.entries(USE_CASES))('use case "%s" is valid against the schema', (_, build) => {
  const template = Template.fromStack(build()).toJSON();
  expect(Object.values<any>(template.Resources).some(r => r.Type === 'AWS::SSM::ResourceDataSync')).toBe(true);
  expect(schemaErrors(template)).toEqual([]);
});

test('the snapshots\' resource data syncs are valid against the schema', () => {
  // The committed snapshots are what users would deploy: check them as they are on disk.
  const templates = Object.values(committedSnapshotTemplates());
  expect(templates).toHaveLength(Object.keys(USE_CASES).length);
  for (const template of templates) expect(schemaErrors(template)).toEqual([]);
});
