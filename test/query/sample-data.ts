import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * Sample Inventory laid out exactly as resource data sync writes it (../shared/AWS-QUERY-ORG.md
 * §1.1-1.3): `<prefix>/<TypeName>/accountid=<account>/region=<region>/resourcetype=ManagedInstanceInventory/<id>.json`,
 * folder names with ":" and "=", one JSON object per line with the documented attribute names plus
 * resourceId, captureTime and schemaVersion (counts as strings, as the data has them), and the
 * `test.json` probe object in `AWS:InstanceInformation/accountid=<account>/`.
 */

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';
/** An account whose data is in the bucket but that a listed-accounts database does not project. */
export const ACCOUNT_C = '777788889999';

const DAY = 24 * 3600 * 1000;

/** An ISO capture time `days` days ago, whole seconds, as the data has it. */
export function daysAgo(days: number, now = Date.now()): string {
  return new Date(now - days * DAY - 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Node {
  account: string;
  region: string;
  id: string;
  computer: string;
  platformType: string;
  platformName: string;
  agent: string;
  status?: string;
  capturedDaysAgo: number;
  apps: Array<[string, string]>;
  patches?: { missing: number; failed: number; critical: number; security: number; other: number; severity?: string };
  items?: Array<[type: string, status: string, severity: string]>;
}

export const NODES: Node[] = [
  {
    account: ACCOUNT_A,
    region: 'us-east-1',
    id: 'i-0a1',
    computer: 'web-1',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    agent: '3.3.40.0',
    status: 'Active',
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
    capturedDaysAgo: 10,
    apps: [['Amazon SSM Agent', '3.2.1000.0']],
    patches: { missing: 0, failed: 0, critical: 0, security: 0, other: 0 },
    items: [['Association', 'NON_COMPLIANT', 'MEDIUM'], ['Patch', 'COMPLIANT', 'UNSPECIFIED']],
  },
  {
    account: ACCOUNT_A,
    region: 'eu-west-1',
    id: 'i-0a3',
    computer: 'old-web',
    platformType: 'Linux',
    platformName: 'Ubuntu',
    agent: '3.1.0.0',
    status: 'Terminated',
    capturedDaysAgo: 40,
    apps: [['nginx', '1.18.0']],
  },
  {
    account: ACCOUNT_B,
    region: 'us-east-1',
    id: 'i-0b1',
    computer: 'api-1',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    agent: '3.3.40.0',
    capturedDaysAgo: 1,
    apps: [['nginx', '1.25.3']],
    patches: { missing: 0, failed: 1, critical: 0, security: 0, other: 1, severity: 'MEDIUM' },
    items: [['Patch', 'NON_COMPLIANT', 'MEDIUM']],
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
    capturedDaysAgo: 2,
    apps: [['nginx', '1.22.1']],
    patches: { missing: 5, failed: 0, critical: 0, security: 2, other: 3, severity: 'HIGH' },
    items: [['Patch', 'NON_COMPLIANT', 'HIGH'], ['Patch', 'NON_COMPLIANT', 'HIGH']],
  },
];

/** The content of the probe object (not documented; any content: the tables must not read it). */
export const PROBE = 'This object was written by AWS Systems Manager resource data sync to test access.';

/**
 * Writes the sample data under a new folder (the bucket), below `prefix`. Returns the folder and
 * the number of files per type.
 */
export function writeSampleData(prefix?: string): { root: string; files: Record<string, number> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-query-'));
  const base = prefix ? path.join(root, prefix) : root;
  const files: Record<string, number> = {};
  const now = Date.now();
  const write = (type: string, node: Node, records: object[]) => {
    const dir = path.join(base, type, `accountid=${node.account}`, `region=${node.region}`, 'resourcetype=ManagedInstanceInventory');
    fs.mkdirSync(dir, { recursive: true });
    const captureTime = daysAgo(node.capturedDaysAgo, now);
    const lines = records.map(r => JSON.stringify({ ...r, resourceId: node.id, captureTime, schemaVersion: '1.0' }));
    fs.writeFileSync(path.join(dir, `${node.id}.json`), lines.join('\n') + '\n');
    files[type] = (files[type] ?? 0) + 1;
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
      ResourceType: 'EC2Instance',
      AgentStatus: 'Active',
      ...(node.status ? { InstanceStatus: node.status } : {}),
    }]);
    write('AWS:Application', node, node.apps.map(([Name, Version]) => ({ Name, Version, Publisher: 'someone', ApplicationType: 'System Environment/Daemons', Architecture: 'x86_64' })));
    if (node.patches) {
      const p = node.patches;
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
        MissingCount: String(p.missing),
        FailedCount: String(p.failed),
        OperationType: 'Scan',
        OperationStartTime: daysAgo(node.capturedDaysAgo, now),
        OperationEndTime: daysAgo(node.capturedDaysAgo, now),
        RebootOption: 'NoReboot',
        ExecutionId: 'exec-1',
        ...(p.severity ? { NonCompliantSeverity: p.severity } : {}),
        CriticalNonCompliantCount: String(p.critical),
        SecurityNonCompliantCount: String(p.security),
        OtherNonCompliantCount: String(p.other),
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
  }
  return { root, files };
}
