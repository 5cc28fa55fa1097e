import * as fs from 'fs';
import * as path from 'path';

/*
 * Sample Inventory laid out exactly as resource data sync writes it (../shared/AWS-QUERY-ORG.md
 * §1.1-1.3): `<prefix>/<TypeName>/accountid=<account>/region=<region>/resourcetype=ManagedInstanceInventory/<id>.json`,
 * folder names with ":" and "=", one JSON object per line with the documented attribute names plus
 * resourceId, captureTime and schemaVersion (counts as strings, as the data has them), and the
 * `test.json` probe object in `AWS:InstanceInformation/accountid=<account>/`.
 *
 * The nodes are chosen to catch wrong answers:
 * - every InstanceStatus AWS documents (Active, ConnectionLost, Stopped, Terminated) and none at
 *   all, each with patch, compliance and application data (a terminated node with the worst patch
 *   state, so a query that does not leave terminated nodes out ranks it first);
 * - nodes that stopped reporting (capture times days ago), a hybrid node (`mi-`, ResourceType
 *   ManagedInstance);
 * - nulls and missing keys (a count missing, a version null, no InstanceStatus key);
 * - several Regions, one of them (ap-southeast-2) not projected by the test databases;
 * - an account (C) that writes into the bucket but is not listed.
 */

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';
/** An account whose data is in the bucket but that a listed-accounts database does not project. */
export const ACCOUNT_C = '777788889999';
/** The Regions the test databases project; the sample data also has ap-southeast-2. */
export const PROJECTED_REGIONS = ['us-east-1', 'eu-west-1'];

const DAY = 24 * 3600 * 1000;

/** An ISO capture time `days` days ago, whole seconds, as the data has it. */
export function daysAgo(days: number, now = Date.now()): string {
  return new Date(now - days * DAY - 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Patches {
  missing: number;
  failed: number;
  critical: number;
  security: number;
  other: number;
  severity?: string;
}

export interface SampleNode {
  account: string;
  region: string;
  id: string;
  computer: string;
  platformType: string;
  platformName: string;
  agent: string;
  /** InstanceStatus; undefined: the key is missing. */
  status?: string;
  /** AWS:InstanceInformation ResourceType: EC2Instance, or ManagedInstance for a hybrid (mi-) node. */
  resourceType: string;
  capturedDaysAgo: number;
  /** Name and version (null: the version is null in the data). */
  apps: Array<[string, string | null]>;
  /** undefined: no AWS:PatchSummary; a count undefined: its key is missing. */
  patches?: Partial<Patches>;
  items?: Array<[type: string, status: string, severity: string]>;
}

export const NODES: SampleNode[] = [
  {
    account: ACCOUNT_A,
    region: 'us-east-1',
    id: 'i-0a1',
    computer: 'web-1',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    agent: '3.3.40.0',
    status: 'Active',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 0,
    apps: [['nginx', '1.24.0'], ['curl', '8.5.0']],
    patches: { missing: 2, failed: 0, critical: 1, security: 1, other: 0, severity: 'CRITICAL' },
    items: [['Patch', 'NON_COMPLIANT', 'CRITICAL'], ['Patch', 'NON_COMPLIANT', 'HIGH'], ['Patch', 'COMPLIANT', 'LOW']],
  },
  {
    account: ACCOUNT_A,
    region: 'us-east-1',
    id: 'i-0a2',
    computer: 'WIN-AD1',
    platformType: 'Windows',
    platformName: 'Microsoft Windows Server 2022 Datacenter',
    agent: '3.2.1000.0',
    status: 'ConnectionLost',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 10,
    apps: [['Amazon SSM Agent', '3.2.1000.0']],
    patches: { missing: 0, failed: 0, critical: 0, security: 0, other: 0 },
    items: [['Association', 'NON_COMPLIANT', 'MEDIUM'], ['Patch', 'COMPLIANT', 'UNSPECIFIED']],
  },
  {
    // Terminated, with the worst patch state of all: never in an answer about live nodes.
    account: ACCOUNT_A,
    region: 'eu-west-1',
    id: 'i-0a3',
    computer: 'OLD-WIN',
    platformType: 'Windows',
    platformName: 'Microsoft Windows Server 2016 Datacenter',
    agent: '3.1.0.0',
    status: 'Terminated',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 40,
    apps: [['nginx', '1.18.0']],
    patches: { missing: 30, failed: 2, critical: 9, security: 12, other: 9, severity: 'CRITICAL' },
    items: [['Patch', 'NON_COMPLIANT', 'CRITICAL'], ['Association', 'NON_COMPLIANT', 'HIGH']],
  },
  {
    // Stopped: live (it may start again), flagged by its status.
    account: ACCOUNT_A,
    region: 'us-east-1',
    id: 'i-0a4',
    computer: 'build-1',
    platformType: 'Linux',
    platformName: 'Ubuntu',
    agent: '3.3.40.0',
    status: 'Stopped',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 3,
    apps: [['nginx', null]],
    patches: { missing: 1, failed: 0, critical: 0, security: 0, other: 1, severity: 'LOW' },
    items: [['Patch', 'NON_COMPLIANT', 'LOW']],
  },
  {
    // A hybrid node with no InstanceStatus key that stopped reporting 8 days ago.
    account: ACCOUNT_A,
    region: 'eu-west-1',
    id: 'mi-0123456789abcdef0',
    computer: 'onprem-db',
    platformType: 'Linux',
    platformName: 'Red Hat Enterprise Linux',
    agent: '3.3.40.0',
    resourceType: 'ManagedInstance',
    capturedDaysAgo: 8,
    apps: [['nginx', '1.20.1'], ['postgresql', '15.4']],
    // SecurityNonCompliantCount missing.
    patches: { missing: 4, failed: 0, critical: 0, other: 4, severity: 'MEDIUM' },
    items: [['Patch', 'NON_COMPLIANT', 'MEDIUM']],
  },
  {
    // In a Region the databases do not project: in no answer.
    account: ACCOUNT_A,
    region: 'ap-southeast-2',
    id: 'i-0a6',
    computer: 'syd-1',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    agent: '3.3.40.0',
    status: 'Active',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 0,
    apps: [['nginx', '1.26.0']],
    patches: { missing: 50, failed: 0, critical: 20, security: 20, other: 10, severity: 'CRITICAL' },
    items: [['Patch', 'NON_COMPLIANT', 'CRITICAL']],
  },
  {
    account: ACCOUNT_B,
    region: 'us-east-1',
    id: 'i-0b1',
    computer: 'api-1',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    agent: '3.3.40.0',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 1,
    apps: [['nginx', '1.25.3']],
    patches: { missing: 0, failed: 1, critical: 0, security: 0, other: 1, severity: 'MEDIUM' },
    items: [['Patch', 'NON_COMPLIANT', 'MEDIUM']],
  },
  {
    account: ACCOUNT_B,
    region: 'us-east-1',
    id: 'i-0b2',
    computer: 'api-old',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    agent: '3.2.0.0',
    status: 'Terminated',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 20,
    apps: [['nginx', '1.22.0']],
    patches: { missing: 7, failed: 0, critical: 2, security: 3, other: 2, severity: 'CRITICAL' },
    items: [['Patch', 'NON_COMPLIANT', 'HIGH']],
  },
  {
    account: ACCOUNT_C,
    region: 'eu-west-1',
    id: 'i-0c1',
    computer: 'batch-1',
    platformType: 'Linux',
    platformName: 'Red Hat Enterprise Linux',
    agent: '3.3.40.0',
    status: 'Active',
    resourceType: 'EC2Instance',
    capturedDaysAgo: 2,
    apps: [['nginx', '1.22.1']],
    patches: { missing: 5, failed: 0, critical: 0, security: 2, other: 3, severity: 'HIGH' },
    items: [['Patch', 'NON_COMPLIANT', 'HIGH'], ['Patch', 'NON_COMPLIANT', 'HIGH']],
  },
];

/** Whether a node is one the named queries answer for: not terminated. */
export const isLive = (node: SampleNode) => node.status !== 'Terminated';

/** The content of the probe object (not documented; any content: the tables must not read it). */
export const PROBE = 'This object was written by AWS Systems Manager resource data sync to test access.';

/** Every file written: its type, account and Region, and its lines. */
export interface SampleFile {
  readonly type: string;
  readonly account: string;
  readonly region?: string;
  readonly lines: string[];
}

const count = (value: number | undefined) => (value === undefined ? {} : value);

/**
 * Writes the sample data under `root` (the folder that stands for the bucket), below `prefix`.
 * Returns every file written (the probe objects with no Region).
 */
export function writeSampleData(root: string, prefix?: string): SampleFile[] {
  const base = prefix ? path.join(root, prefix) : root;
  const files: SampleFile[] = [];
  const now = Date.now();
  const write = (type: string, node: SampleNode, records: object[]) => {
    const dir = path.join(base, type, `accountid=${node.account}`, `region=${node.region}`, 'resourcetype=ManagedInstanceInventory');
    fs.mkdirSync(dir, { recursive: true });
    const captureTime = daysAgo(node.capturedDaysAgo, now);
    const lines = records.map(r => JSON.stringify({ ...r, resourceId: node.id, captureTime, schemaVersion: '1.0' }));
    fs.writeFileSync(path.join(dir, `${node.id}.json`), lines.join('\n') + '\n');
    files.push({ type, account: node.account, region: node.region, lines });
  };
  for (const node of NODES) {
    write('AWS:InstanceInformation', node, [{
      AgentType: 'amazon-ssm-agent',
      AgentVersion: node.agent,
      ComputerName: node.computer,
      InstanceId: node.id,
      IpAddress: '10.0.0.1',
      PlatformName: node.platformName,
      PlatformType: node.platformType,
      PlatformVersion: '1',
      ResourceType: node.resourceType,
      AgentStatus: node.status === 'Terminated' || node.status === 'Stopped' ? 'ConnectionLost' : 'Active',
      ...(node.status ? { InstanceStatus: node.status } : {}),
    }]);
    write('AWS:Application', node, node.apps.map(([Name, Version]) => ({ Name, Version, Publisher: 'someone', ApplicationType: 'System Environment/Daemons', Architecture: 'x86_64' })));
    if (node.patches) {
      const p = node.patches;
      const counts: Record<string, unknown> = {
        MissingCount: count(p.missing),
        FailedCount: count(p.failed),
        CriticalNonCompliantCount: count(p.critical),
        SecurityNonCompliantCount: count(p.security),
        OtherNonCompliantCount: count(p.other),
      };
      write('AWS:PatchSummary', node, [{
        PatchGroup: '',
        BaselineId: 'pb-0123456789abcdef0',
        SnapshotId: 'snap',
        OwnerInformation: '',
        InstalledCount: '120',
        InstalledPendingRebootCount: '0',
        InstalledOtherCount: '3',
        InstalledRejectedCount: '0',
        NotApplicableCount: '700',
        UnreportedNotApplicableCount: '0',
        ...Object.fromEntries(Object.entries(counts).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, String(v)])),
        OperationType: 'Scan',
        OperationStartTime: daysAgo(node.capturedDaysAgo, now),
        OperationEndTime: daysAgo(node.capturedDaysAgo, now),
        RebootOption: 'NoReboot',
        ExecutionId: 'exec-1',
        ...(p.severity ? { NonCompliantSeverity: p.severity } : {}),
      }]);
    }
    if (node.items) {
      write('AWS:ComplianceItem', node, node.items.map(([ComplianceType, Status, Severity], i) => ({
        ComplianceType,
        Status,
        Severity,
        Id: `item-${i}`,
        Title: `item ${i}`,
        ExecutionId: 'exec-1',
        ExecutionType: 'Command',
        ExecutionTime: daysAgo(node.capturedDaysAgo, now),
      })));
    }
  }
  // The probe object the sync writes outside the layout (one per account).
  for (const account of new Set(NODES.map(n => n.account))) {
    fs.writeFileSync(path.join(base, 'AWS:InstanceInformation', `accountid=${account}`, 'test.json'), PROBE);
    files.push({ type: 'AWS:InstanceInformation', account, lines: [PROBE] });
  }
  return files;
}
