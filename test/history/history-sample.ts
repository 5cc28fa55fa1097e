import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ACCOUNT_A, ACCOUNT_B, PROBE } from '../query/sample-data';

/*
 * Inventory as the sync leaves it on each snapshot day, in the layout of ../query/sample-data.ts
 * (one file per node and type, overwritten in place; a terminated node's files stay as they were):
 * - web (A, us-east-1): nginx upgraded on day 2, openssl removed on day 3, log4j installed on day 5;
 * - win (A, eu-west-1, Windows): the SSM Agent upgraded on day 3, a Windows update added on day 2;
 * - db (B, us-east-1): curl removed on day 2, terminated on day 3 (its files stay, its status says so);
 * - new (B, eu-west-1): appears on day 2, log4j upgraded on day 3.
 * Day 4 is missed (no run); day 3 is run twice.
 */

export const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-05'];
export const MISSED_DAY = '2026-11-04';

export interface DayNode {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly platform: 'Linux' | 'Windows';
  readonly status: string;
  readonly apps: Array<[string, string]>;
  readonly updates?: string[];
}

const web = (apps: Array<[string, string]>): DayNode => ({ account: ACCOUNT_A, region: 'us-east-1', id: 'i-0web', platform: 'Linux', status: 'Active', apps });
const win = (agent: string, updates: string[]): DayNode => ({
  account: ACCOUNT_A, region: 'eu-west-1', id: 'i-0win', platform: 'Windows', status: 'Active', apps: [['Amazon SSM Agent', agent]], updates,
});
const db = (status: string, apps: Array<[string, string]>): DayNode => ({ account: ACCOUNT_B, region: 'us-east-1', id: 'i-0db', platform: 'Linux', status, apps });
const fresh = (apps: Array<[string, string]>): DayNode => ({ account: ACCOUNT_B, region: 'eu-west-1', id: 'i-0new', platform: 'Linux', status: 'Active', apps });

/** The nodes as the sync's files show them on each day. */
export const INVENTORY: Record<string, DayNode[]> = {
  '2026-11-01': [
    web([['nginx', '1.24.0'], ['curl', '8.5.0'], ['openssl', '3.0.8']]),
    win('3.3.40.0', ['KB5031361']),
    db('Active', [['postgresql', '15.4'], ['curl', '8.5.0']]),
  ],
  '2026-11-02': [
    web([['nginx', '1.25.3'], ['curl', '8.5.0'], ['openssl', '3.0.8']]),
    win('3.3.40.0', ['KB5031361', 'KB5032189']),
    db('Active', [['postgresql', '15.4']]),
    fresh([['nginx', '1.24.0'], ['log4j', '2.14.1']]),
  ],
  '2026-11-03': [
    web([['nginx', '1.25.3'], ['curl', '8.5.0']]),
    win('3.3.50.0', ['KB5031361', 'KB5032189']),
    db('Terminated', [['postgresql', '15.4']]),
    fresh([['nginx', '1.24.0'], ['log4j', '2.17.1']]),
  ],
  '2026-11-05': [
    web([['nginx', '1.25.3'], ['curl', '8.5.0'], ['log4j', '2.17.1']]),
    win('3.3.50.0', ['KB5031361', 'KB5032189']),
    db('Terminated', [['postgresql', '15.4']]),
    fresh([['nginx', '1.24.0'], ['log4j', '2.17.1']]),
  ],
};

export const isLive = (n: DayNode) => n.status !== 'Terminated';

/**
 * A time of installation of its own per node and package, the same every day: random within 300
 * days (real ones cluster at image build time and compress better; this errs on the large side).
 */
function installedTime(id: string, name: string): string {
  const h = createHash('md5').update(`${id}/${name}`).digest().readUInt32BE(0);
  return new Date(Date.UTC(2025, 0, 1) + (h % (300 * 86400)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Writes the sync's files of `day` under `root/[prefix/]`, over the previous day's (as the sync overwrites them). */
export function writeDay(root: string, prefix: string | undefined, day: string, nodes: DayNode[] = INVENTORY[day]): void {
  const base = prefix ? path.join(root, prefix) : root;
  const captureTime = `${day}T00:30:00Z`;
  const write = (type: string, node: DayNode, records: object[]) => {
    const dir = path.join(base, type, `accountid=${node.account}`, `region=${node.region}`, 'resourcetype=ManagedInstanceInventory');
    fs.mkdirSync(dir, { recursive: true });
    const lines = records.map(r => JSON.stringify({ ...r, resourceId: node.id, captureTime, schemaVersion: '1.0' }));
    fs.writeFileSync(path.join(dir, `${node.id}.json`), lines.join('\n') + '\n');
  };
  for (const node of nodes) {
    write('AWS:InstanceInformation', node, [{
      AgentType: 'amazon-ssm-agent',
      AgentVersion: '3.3.40.0',
      ComputerName: node.id.replace('i-0', ''),
      InstanceId: node.id,
      IpAddress: '10.0.0.1',
      PlatformName: node.platform === 'Windows' ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
      PlatformType: node.platform,
      PlatformVersion: '1',
      ResourceType: 'EC2Instance',
      AgentStatus: isLive(node) ? 'Active' : 'ConnectionLost',
      InstanceStatus: node.status,
    }]);
    write('AWS:Application', node, node.apps.map(([Name, Version]) => ({
      Name,
      Version,
      Publisher: 'someone',
      ApplicationType: 'System Environment/Daemons',
      Architecture: 'x86_64',
      InstalledTime: installedTime(node.id, Name),
      Summary: `The ${Name} package`,
      URL: `https://example.com/${Name}`,
    })));
    write('AWS:AWSComponent', node, [{ Name: 'amazon-ssm-agent', Version: '3.3.40.0', Publisher: 'Amazon Web Services', ApplicationType: 'AWS Component' }]);
    write('AWS:PatchSummary', node, [{
      PatchGroup: '',
      BaselineId: 'pb-0123456789abcdef0',
      InstalledCount: '120',
      MissingCount: String(node.apps.length % 3),
      FailedCount: '0',
      CriticalNonCompliantCount: '0',
      SecurityNonCompliantCount: '0',
      OtherNonCompliantCount: '0',
      OperationType: 'Scan',
      RebootOption: 'NoReboot',
    }]);
    write('AWS:ComplianceItem', node, [{ ComplianceType: 'Patch', Status: 'COMPLIANT', Severity: 'LOW', Id: 'item-0', Title: 'item 0', ExecutionType: 'Command' }]);
    if (node.updates) {
      write('AWS:WindowsUpdate', node, node.updates.map(HotFixId => ({ HotFixId, Description: 'Security Update', InstalledTime: day, InstalledBy: 'NT AUTHORITY\\SYSTEM' })));
    }
  }
  for (const account of new Set(nodes.map(n => n.account))) {
    fs.mkdirSync(path.join(base, 'AWS:InstanceInformation', `accountid=${account}`), { recursive: true });
    fs.writeFileSync(path.join(base, 'AWS:InstanceInformation', `accountid=${account}`, 'test.json'), PROBE);
  }
}

/** A larger fleet for the cost figures: `nodes` Linux nodes with `packages` packages each (installed at times of their own). */
export function fleet(nodes: number, packages: number, day: string): DayNode[] {
  return Array.from({ length: nodes }, (_, i) => ({
    account: i % 2 === 0 ? ACCOUNT_A : ACCOUNT_B,
    region: 'us-east-1',
    id: `i-0fleet${String(i).padStart(5, '0')}`,
    platform: 'Linux' as const,
    status: 'Active',
    // A quarter of the packages at a version of their own per node; one in fifty upgraded each day.
    apps: Array.from({ length: packages }, (__, p) => [
      `package-${p}`,
      `${1 + (p % 7)}.${p % 4 === 0 ? i % 17 : p % 13}.${(p + Number(day.slice(-1)) * (p % 50 === 0 ? 1 : 0)) % 10}-1.amzn2023`,
    ] as [string, string]),
  }));
}
