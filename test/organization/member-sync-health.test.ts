import { Match, Template } from 'aws-cdk-lib/assertions';
import { InventoryAccounts, InventoryDatabase, OrganizationCoverage, OrganizationInventoryProps } from '../../src';
import { MAX_TEMPLATE_BODY } from '../../src/organization/organization-inventory';
import { fixture, newOrganizationInventory } from '../util';

/*
 * OrganizationInventory's memberSyncHealth: a SyncHealthMonitor in the member template, whose
 * report of every sync of the account and Region (the slots in use) reaches the central bucket.
 */
const organization = (props: Partial<OrganizationInventoryProps> = {}) => newOrganizationInventory({ prefix: 'inv', ...props });

describe('on', () => {
  /** Built in the first test that uses it (see `fixture`). */
  const on = fixture(() => {
    const { stack, inventory } = organization({ memberSyncHealth: true });
    const member = JSON.parse(inventory.memberTemplateBody);
    return { stack, inventory, resources: Object.values(member.Resources) as any[] };
  });

  test('the member template has a monitor of its sync, which writes its report to the central bucket under its own account and Region', () => {
    const { inventory, resources } = on();
    const fn = resources.find(r => r.Type === 'AWS::Lambda::Function');
    expect(JSON.parse(fn.Properties.Environment.Variables.REPORT['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : `<${p.Ref}>`)).join(''))).toEqual({
      bucket: 'org-inventory-111122223333', region: 'us-east-1', key: 'inv/sync-health/<AWS::AccountId>-<AWS::Region>.json', account: '<AWS::AccountId>',
    });
    expect(resources.filter(r => r.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(2);
    const policy = resources.find(r => r.Type === 'AWS::IAM::Policy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 's3:PutObject', Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }) }),
    ]));
    expect(Buffer.byteLength(inventory.memberTemplateBody)).toBeLessThan(MAX_TEMPLATE_BODY);
    expect(inventory.syncHealthReportPrefix).toBe('inv/sync-health/');
  });

  test('the bucket policy lets each account of the organization write its report under its own id only; the key lets it encrypt through S3', () => {
    const template = Template.fromStack(on().stack);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'MemberSyncHealthReports',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/inv/sync-health/${aws:PrincipalAccount}-*']] },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        }]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'MemberSyncHealthReports',
          Action: 'kms:GenerateDataKey',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        })]),
      },
    });
  });

  test('the census reads the reports as the table sync_slots', () => {
    const other = organization({ memberSyncHealth: true });
    const database = new InventoryDatabase(other.stack, 'Query', { inventoryBucket: other.inventory.destination, accounts: InventoryAccounts.organization() });
    const coverage = new OrganizationCoverage(other.stack, 'Coverage', { inventory: other.inventory, database });
    expect(coverage.syncSlotsTable).toBeDefined();
    Template.fromStack(other.stack).hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'sync_slots',
        StorageDescriptor: Match.objectLike({
          Location: { 'Fn::Join': ['', ['s3://', { Ref: Match.anyValue() }, '/inv/sync-health/']] },
          Columns: Match.arrayWith([{ Name: 'inuse', Type: 'int' }, { Name: 'name', Type: 'string' }]),
        }),
      }),
    });
  });
});

test('off by default: no monitor in the member template, no report statement, no table', () => {
  const { stack, inventory } = organization();
  expect(Object.values(JSON.parse(inventory.memberTemplateBody).Resources).map((r: any) => r.Type)).not.toContain('AWS::Lambda::Function');
  expect(inventory.syncHealthReportPrefix).toBeUndefined();
  const coverage = new OrganizationCoverage(stack, 'Coverage', {
    inventory, database: new InventoryDatabase(stack, 'Query', { inventoryBucket: inventory.destination, accounts: InventoryAccounts.organization() }),
  });
  expect(coverage.syncSlotsTable).toBeUndefined();
  expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('MemberSyncHealthReports');
});
