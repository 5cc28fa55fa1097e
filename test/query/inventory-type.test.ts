import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InventoryColumnType, InventoryDatabase, InventoryType, ResourceDataSync } from '../../src';
import { newApp } from '../util';

/*
 * The AWS inventory types are the documented schema: the attributes of each type's records, in the
 * schema's order, `(N)` where the schema gives `dataType NUMBER`. Transcribed from AWS's inventory
 * schema (AWS-GatherSoftwareInventory's types, see ../shared/AWS-QUERY-ORG.md §1.3, with its
 * sources); `AWS:InstanceInformation` also keeps `IamRole`, which AWS's own DDL still lists.
 */
const SCHEMA: Record<string, string> = {
  'AWS:InstanceInformation': 'AgentType AgentVersion ComputerName InstanceId IpAddress PlatformName PlatformType PlatformVersion ResourceType AgentStatus InstanceStatus IamRole',
  'AWS:Application': 'Name ApplicationType Publisher Version Release Epoch InstalledTime Architecture URL Summary PackageId',
  'AWS:File': 'Name Size Description FileVersion InstalledDate ModificationTime LastAccessTime ProductName InstalledDir ProductLanguage CompanyName ProductVersion',
  'AWS:Process': 'StartTime CommandLine User FileName FileVersion FileDescription FileSize CompanyName ProductName ProductVersion InstalledDate InstalledDir UsageId',
  'AWS:AWSComponent': 'Name ApplicationType Publisher Version InstalledTime Architecture URL',
  'AWS:WindowsUpdate': 'HotFixId Description InstalledTime InstalledBy',
  'AWS:Network': 'Name SubnetMask Gateway DHCPServer DNSServer MacAddress IPV4 IPV6',
  'AWS:PatchSummary': 'PatchGroup BaselineId SnapshotId OwnerInformation InstalledCount(N) InstalledPendingRebootCount(N) InstalledOtherCount(N) ' +
    'InstalledRejectedCount(N) NotApplicableCount(N) UnreportedNotApplicableCount(N) MissingCount(N) FailedCount(N) OperationType ' +
    'OperationStartTime OperationEndTime InstallOverrideList RebootOption LastNoRebootInstallOperationTime ExecutionId NonCompliantSeverity ' +
    'SecurityNonCompliantCount(N) CriticalNonCompliantCount(N) OtherNonCompliantCount(N)',
  'AWS:PatchCompliance': 'Title KBId Classification Severity State InstalledTime',
  'AWS:ComplianceItem': 'ComplianceType ExecutionId ExecutionType ExecutionTime Id Title Status Severity DocumentName DocumentVersion ' +
    'Classification PatchBaselineId PatchSeverity PatchState PatchGroup InstalledTime InstallOverrideList DetailedText DetailedLink CVEIds',
  'AWS:ComplianceSummary': 'ComplianceType PatchGroup PatchBaselineId Status OverallSeverity ExecutionId ExecutionType ExecutionTime ' +
    'CompliantCriticalCount(N) CompliantHighCount(N) CompliantMediumCount(N) CompliantLowCount(N) CompliantInformationalCount(N) CompliantUnspecifiedCount(N) ' +
    'NonCompliantCriticalCount(N) NonCompliantHighCount(N) NonCompliantMediumCount(N) NonCompliantLowCount(N) NonCompliantInformationalCount(N) NonCompliantUnspecifiedCount(N)',
  'AWS:InstanceDetailedInformation': 'CPUModel CPUCores(N) CPUs(N) CPUSpeedMHz(N) CPUSockets(N) CPUHyperThreadEnabled OSServicePack',
  'AWS:Service': 'Name DisplayName ServiceType Status DependentServices ServicesDependedOn StartType',
  'AWS:WindowsRegistry': 'KeyPath ValueName ValueType Value',
  'AWS:WindowsRole': 'Name DisplayName Path FeatureType DependsOn Description Installed InstalledState SubFeatures ServerComponentDescriptor Parent',
  'AWS:Tag': 'Key Value',
  'AWS:ResourceGroup': 'Name Arn',
  'AWS:BillingInfo': 'BillingProductId',
};

/** The schema's attributes of a type, as `Name` or `Name(N)`. */
const documented = (typeName: string) => SCHEMA[typeName].split(/\s+/);

test('every AWS type of the schema, and no other', () => {
  expect(InventoryType.all().map(t => t.typeName).sort()).toEqual(Object.keys(SCHEMA).sort());
});

test.each(Object.keys(SCHEMA))('%s: the attributes of the schema, in its order, NUMBER ones as bigint', typeName => {
  const type = InventoryType.fromTypeName(typeName);
  expect(type.columns.map(c => `${c.attributeName}${c.type === InventoryColumnType.BIGINT ? '(N)' : ''}`)).toEqual(documented(typeName));
  expect(type.columns.every(c => c.type === undefined || c.type === InventoryColumnType.BIGINT)).toBe(true);
});

test('each type\'s table has a column for every attribute of the schema, in lower case, the NUMBER ones bigint', () => {
  const stack = new Stack(newApp(), 'Types', { env: { account: '111122223333', region: 'us-east-1' } });
  new InventoryDatabase(stack, 'Query', { sync: new ResourceDataSync(stack, 'Inventory'), types: InventoryType.all() });
  const tables = Object.values<any>(Template.fromStack(stack).findResources('AWS::Glue::Table'))
    .map(t => t.Properties.TableInput).filter(t => t.PartitionKeys);
  expect(tables).toHaveLength(Object.keys(SCHEMA).length);
  for (const typeName of Object.keys(SCHEMA)) {
    const table = tables.find(t => t.Name === InventoryType.fromTypeName(typeName).tableName);
    // A data attribute named like a partition column is read into another column (AWS:InstanceInformation's ResourceType).
    const columns = documented(typeName).map(a => a.replace('(N)', '').toLowerCase()).map(c => (c === 'resourcetype' ? 'instanceresourcetype' : c));
    expect(table.StorageDescriptor.Columns.map((c: any) => c.Name)).toEqual(expect.arrayContaining(columns));
    const bigints = documented(typeName).filter(a => a.endsWith('(N)')).map(a => a.replace('(N)', '').toLowerCase());
    expect(table.StorageDescriptor.Columns.filter((c: any) => c.Type === 'bigint').map((c: any) => c.Name)).toEqual(bigints);
  }
});

test('a custom type without columns (JavaScript, where no type checks) has none, and an unknown type name has none either', () => {
  expect(InventoryType.custom('Custom:Rack', undefined as any).columns).toEqual([]);
  expect(InventoryType.fromTypeName('AWS:NotAType').columns).toEqual([]);
  // Both are reported when the app is synthesized (test/query/query-validation.test.ts).
});
