/*
 * The inventory types of the AWS schema (Systems Manager User Guide, "Metadata collected by
 * inventory"; ../shared/AWS-QUERY-ORG.md §1.3) and custom types, each with the columns of its table.
 */

/**
 * The type of a column of an inventory table.
 */
export enum InventoryColumnType {
  /** Text (Glue/Athena `string`). */
  STRING = 'string',
  /** A whole number (Glue/Athena `bigint`); the JSON text of the value is read as a number. */
  BIGINT = 'bigint',
  /** A floating-point number (Glue/Athena `double`). */
  DOUBLE = 'double',
}

/**
 * A column of an inventory table: one attribute of the inventory type's records.
 */
export interface InventoryColumn {
  /**
   * The attribute's name in the synced data, for example `DiskSize` (the JSON key of the records;
   * matched without regard to case, as the JSON SerDe does).
   */
  readonly attributeName: string;

  /**
   * The column's type.
   *
   * @default InventoryColumnType.STRING
   */
  readonly type?: InventoryColumnType;

  /**
   * The column's name in the table, when it must differ from the attribute's: lower-case letters,
   * digits and `_`, starting with a letter or `_`. Needed for an attribute named like a partition
   * column (`accountid`, `region`, `resourcetype`).
   *
   * @default - the attribute name in lower case
   */
  readonly columnName?: string;
}

/** How an inventory type was made: an AWS type, a custom type, or a name that is not known. */
enum Kind { AWS = 'AWS', CUSTOM = 'CUSTOM', UNKNOWN = 'UNKNOWN' }

const N = InventoryColumnType.BIGINT;

/** Columns from attribute names separated by one space; `name:N` marks a NUMBER attribute of the schema. */
function columnsOf(spec: string): InventoryColumn[] {
  return spec.split(' ').map(s => {
    const [attributeName, type] = s.split(':');
    return type === 'N' ? { attributeName, type: N } : { attributeName };
  });
}

/**
 * An inventory type: the data a resource data sync writes under `<prefix>/<typeName>/`, and so
 * one Glue table. The AWS types come with the attributes of the documented schema; a custom type
 * (`Custom:<Name>`) with the columns you declare.
 *
 * @example
 * const rackColumns: InventoryColumn[] = [
 *   { attributeName: 'RackLocation' },
 *   { attributeName: 'Units', type: InventoryColumnType.BIGINT },
 * ];
 * const types = [
 *   InventoryType.INSTANCE_INFORMATION,
 *   InventoryType.APPLICATION,
 *   InventoryType.custom('Custom:RackInfo', rackColumns),
 * ];
 */
export class InventoryType {
  /** `AWS:InstanceInformation`: one record per node (agent, platform, IP address, status). */
  public static readonly INSTANCE_INFORMATION = new InventoryType('AWS:InstanceInformation', Kind.AWS, [
    // The data attribute `ResourceType` is read into `instanceresourcetype`: a column named
    // `resourcetype` would collide with the partition column of the key layout.
    ...columnsOf('AgentType AgentVersion ComputerName InstanceId IpAddress PlatformName PlatformType PlatformVersion'),
    { attributeName: 'ResourceType', columnName: 'instanceresourcetype' },
    ...columnsOf('AgentStatus InstanceStatus IamRole'),
  ]);

  /** `AWS:Application`: installed applications and packages. */
  public static readonly APPLICATION = new InventoryType('AWS:Application', Kind.AWS,
    columnsOf('Name ApplicationType Publisher Version Release Epoch InstalledTime Architecture URL Summary PackageId'));

  /** `AWS:AWSComponent`: installed AWS components (agents, drivers). */
  public static readonly AWS_COMPONENT = new InventoryType('AWS:AWSComponent', Kind.AWS,
    columnsOf('Name ApplicationType Publisher Version InstalledTime Architecture URL'));

  /** `AWS:File`: files (only when the inventory association collects them). */
  public static readonly FILE = new InventoryType('AWS:File', Kind.AWS,
    columnsOf('Name Size Description FileVersion InstalledDate ModificationTime LastAccessTime ProductName InstalledDir ProductLanguage CompanyName ProductVersion'));

  /** `AWS:InstanceDetailedInformation`: CPU and operating system details. */
  public static readonly INSTANCE_DETAILED_INFORMATION = new InventoryType('AWS:InstanceDetailedInformation', Kind.AWS,
    columnsOf('CPUModel CPUCores:N CPUs:N CPUSpeedMHz:N CPUSockets:N CPUHyperThreadEnabled OSServicePack'));

  /** `AWS:Network`: network interfaces. */
  public static readonly NETWORK = new InventoryType('AWS:Network', Kind.AWS,
    columnsOf('Name SubnetMask Gateway DHCPServer DNSServer MacAddress IPV4 IPV6'));

  /** `AWS:PatchSummary`: the patch state of each node (counts per state and severity). */
  public static readonly PATCH_SUMMARY = new InventoryType('AWS:PatchSummary', Kind.AWS, columnsOf(
    'PatchGroup BaselineId SnapshotId OwnerInformation InstalledCount:N InstalledPendingRebootCount:N InstalledOtherCount:N ' +
    'InstalledRejectedCount:N NotApplicableCount:N UnreportedNotApplicableCount:N MissingCount:N FailedCount:N OperationType ' +
    'OperationStartTime OperationEndTime InstallOverrideList RebootOption LastNoRebootInstallOperationTime ExecutionId ' +
    'NonCompliantSeverity SecurityNonCompliantCount:N CriticalNonCompliantCount:N OtherNonCompliantCount:N'));

  /** `AWS:PatchCompliance`: one record per patch and node. */
  public static readonly PATCH_COMPLIANCE = new InventoryType('AWS:PatchCompliance', Kind.AWS,
    columnsOf('Title KBId Classification Severity State InstalledTime'));

  /** `AWS:ComplianceItem`: one record per compliance item (patch, association, custom) and node. */
  public static readonly COMPLIANCE_ITEM = new InventoryType('AWS:ComplianceItem', Kind.AWS, columnsOf(
    'ComplianceType ExecutionId ExecutionType ExecutionTime Id Title Status Severity DocumentName DocumentVersion ' +
    'Classification PatchBaselineId PatchSeverity PatchState PatchGroup InstalledTime InstallOverrideList DetailedText DetailedLink CVEIds'));

  /** `AWS:ComplianceSummary`: compliant and non-compliant counts per compliance type and severity. */
  public static readonly COMPLIANCE_SUMMARY = new InventoryType('AWS:ComplianceSummary', Kind.AWS, columnsOf(
    'ComplianceType PatchGroup PatchBaselineId Status OverallSeverity ExecutionId ExecutionType ExecutionTime ' +
    ['Compliant', 'NonCompliant'].flatMap(c => ['Critical', 'High', 'Medium', 'Low', 'Informational', 'Unspecified'].map(s => `${c}${s}Count:N`)).join(' ')));

  /** `AWS:Process`: running processes. */
  public static readonly PROCESS = new InventoryType('AWS:Process', Kind.AWS, columnsOf(
    'StartTime CommandLine User FileName FileVersion FileDescription FileSize CompanyName ProductName ProductVersion InstalledDate InstalledDir UsageId'));

  /** `AWS:Service`: Windows services. */
  public static readonly SERVICE = new InventoryType('AWS:Service', Kind.AWS,
    columnsOf('Name DisplayName ServiceType Status DependentServices ServicesDependedOn StartType'));

  /** `AWS:Tag`: the node's tags, one record per tag. */
  public static readonly TAG = new InventoryType('AWS:Tag', Kind.AWS, columnsOf('Key Value'));

  /** `AWS:WindowsRegistry`: Windows registry values (only when collected). */
  public static readonly WINDOWS_REGISTRY = new InventoryType('AWS:WindowsRegistry', Kind.AWS,
    columnsOf('KeyPath ValueName ValueType Value'));

  /** `AWS:WindowsRole`: Windows roles and features. */
  public static readonly WINDOWS_ROLE = new InventoryType('AWS:WindowsRole', Kind.AWS, columnsOf(
    'Name DisplayName Path FeatureType DependsOn Description Installed InstalledState SubFeatures ServerComponentDescriptor Parent'));

  /** `AWS:WindowsUpdate`: installed Windows updates. */
  public static readonly WINDOWS_UPDATE = new InventoryType('AWS:WindowsUpdate', Kind.AWS,
    columnsOf('HotFixId Description InstalledTime InstalledBy'));

  /** `AWS:ResourceGroup`: the resource groups the node belongs to. */
  public static readonly RESOURCE_GROUP = new InventoryType('AWS:ResourceGroup', Kind.AWS, columnsOf('Name Arn'));

  /** `AWS:BillingInfo`: the node's billing product (for example a license-included AMI). */
  public static readonly BILLING_INFO = new InventoryType('AWS:BillingInfo', Kind.AWS, columnsOf('BillingProductId'));

  /**
   * Every AWS inventory type of the documented schema.
   */
  public static all(): InventoryType[] {
    return [...AWS_TYPES];
  }

  /**
   * The types made when none are chosen: node information, what `AWS-GatherSoftwareInventory`
   * collects by default (applications, AWS components, network, Windows updates, instance details,
   * services, Windows roles), tags, and the patch and compliance data. `AWS:File`,
   * `AWS:WindowsRegistry`, `AWS:Process`, `AWS:ResourceGroup` and `AWS:BillingInfo` are left out:
   * they are collected only when asked for.
   */
  public static defaults(): InventoryType[] {
    return [
      InventoryType.INSTANCE_INFORMATION, InventoryType.APPLICATION, InventoryType.AWS_COMPONENT, InventoryType.NETWORK,
      InventoryType.WINDOWS_UPDATE, InventoryType.INSTANCE_DETAILED_INFORMATION, InventoryType.SERVICE, InventoryType.WINDOWS_ROLE,
      InventoryType.TAG, InventoryType.PATCH_SUMMARY, InventoryType.PATCH_COMPLIANCE, InventoryType.COMPLIANCE_ITEM,
      InventoryType.COMPLIANCE_SUMMARY,
    ];
  }

  /**
   * An AWS inventory type by its name, for example `AWS:Application`. A name that is not a type of
   * the documented schema is reported when the app is synthesized.
   */
  public static fromTypeName(typeName: string): InventoryType {
    return AWS_TYPES.find(t => t.typeName === typeName) ?? new InventoryType(typeName, Kind.UNKNOWN, []);
  }

  /**
   * A custom inventory type, `Custom:<Name>`, with the columns its records have. Each needs at
   * least one column; `resourceid`, `capturetime` and `schemaversion` are added.
   *
   * @param typeName the type's name, `Custom:<Name>`
   * @param columns the attributes of the type's records
   */
  public static custom(typeName: string, columns: InventoryColumn[]): InventoryType {
    return new InventoryType(typeName, Kind.CUSTOM, [...(columns ?? [])]);
  }

  /** The type's name as the sync writes it, for example `AWS:Application` or `Custom:RackInfo`. */
  public readonly typeName: string;

  /** The columns of the type's own attributes (without `resourceid`, `capturetime`, `schemaversion`). */
  public readonly columns: InventoryColumn[];

  /** @internal */
  public readonly _kind: string;

  private constructor(typeName: string, kind: Kind, columnList: InventoryColumn[]) {
    this.typeName = typeName;
    this._kind = kind;
    this.columns = columnList;
  }

  /** The Glue table's name: the type name in lower case, with `_` for `:` (`aws_application`). */
  public get tableName(): string {
    return String(this.typeName).toLowerCase().replace(/[^a-z0-9_]/g, '_');
  }
}

const AWS_TYPES: InventoryType[] = [
  InventoryType.APPLICATION, InventoryType.AWS_COMPONENT, InventoryType.FILE, InventoryType.INSTANCE_INFORMATION,
  InventoryType.INSTANCE_DETAILED_INFORMATION, InventoryType.NETWORK, InventoryType.PATCH_SUMMARY, InventoryType.PATCH_COMPLIANCE,
  InventoryType.COMPLIANCE_ITEM, InventoryType.COMPLIANCE_SUMMARY, InventoryType.PROCESS, InventoryType.SERVICE, InventoryType.TAG,
  InventoryType.WINDOWS_REGISTRY, InventoryType.WINDOWS_ROLE, InventoryType.WINDOWS_UPDATE, InventoryType.RESOURCE_GROUP,
  InventoryType.BILLING_INFO,
];

/** The kinds, for the checks. @internal */
export const INVENTORY_TYPE_KIND = { AWS: Kind.AWS, CUSTOM: Kind.CUSTOM, UNKNOWN: Kind.UNKNOWN };
