/*
 * In-memory AWS services for the coverage census handler (src/organization/coverage-handler.js):
 * Organizations (pages of at most 20 accounts, empty pages with a NextToken, OUs), S3 (ListObjectsV2
 * pages of at most 1,000 keys, PutObject), CloudFormation (ListStackInstances pages of 100),
 * CloudWatch (PutMetricData), AWS Account Management (GetRegionOptStatus), and throttling. Every
 * request is recorded, so that tests count them (the cost figures of the README) and validate them
 * against botocore's models.
 */

export interface FakeAccount {
  readonly Id: string;
  readonly State: string;
  readonly JoinedTimestamp: Date;
  /** The OU (or root) the account is in. */
  readonly parent: string;
}

export interface Call {
  readonly service: string;
  readonly operation: string;
  readonly input: any;
}

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

export class FakeOrganization {
  public readonly accounts: FakeAccount[] = [];
  /** OU id → its parent (root or OU). */
  public readonly ous = new Map<string, string>();
  /** S3 objects: key → LastModified. */
  public readonly objects = new Map<string, Date>();
  public readonly stackInstances: any[] = [];
  /** "account/Region" → RegionOptStatus. */
  public readonly optStatus = new Map<string, string>();
  public readonly calls: Call[] = [];
  /** Calls of these operations are throttled this many more times. */
  public readonly throttled = new Map<string, number>();
  /** Insert an empty page with a NextToken before each Organizations page. */
  public emptyPages = false;
  public readonly puts: Array<{ key: string; body: string }> = [];
  public readonly metricData: any[] = [];
  private sorted?: string[];

  public count(operation: string): number {
    return this.calls.filter(c => c.operation === operation).length;
  }

  /** The rows of the last report. */
  public report(): any[] {
    const last = this.puts[this.puts.length - 1];
    return last ? last.body.split('\n').map(line => JSON.parse(line)) : [];
  }

  /** Writes `nodes` Inventory objects of an account and Region, last modified at `at`. */
  public write(account: string, region: string, at: Date, nodes = 1, prefix = ''): void {
    for (let i = 0; i < nodes; i++) {
      const node = `i-${String(i).padStart(17, '0')}`;
      this.objects.set(`${prefix}AWS:InstanceInformation/accountid=${account}/region=${region}/resourcetype=ManagedInstanceInventory/${node}.json`, at);
    }
    this.sorted = undefined;
  }

  public call(service: string, operation: string, input: any): any {
    this.calls.push({ service, operation, input: JSON.parse(JSON.stringify(input)) });
    const left = this.throttled.get(operation) ?? 0;
    if (left > 0) {
      this.throttled.set(operation, left - 1);
      throw awsError(service === 's3' ? 'SlowDown' : 'ThrottlingException', 'Rate exceeded');
    }
    switch (operation) {
      case 'ListAccounts': return this.page(this.accounts, input.NextToken, 20, 'Accounts');
      case 'ListAccountsForParent':
        return this.page(this.accounts.filter(a => a.parent === input.ParentId), input.NextToken, 20, 'Accounts');
      case 'ListOrganizationalUnitsForParent':
        return this.page([...this.ous].filter(([, p]) => p === input.ParentId).map(([Id]) => ({ Id })), input.NextToken, 20, 'OrganizationalUnits');
      case 'ListStackInstances': {
        const start = Number(input.NextToken ?? 0);
        const page = this.stackInstances.slice(start, start + 100);
        return { Summaries: page, NextToken: start + 100 < this.stackInstances.length ? String(start + 100) : undefined };
      }
      case 'ListObjectsV2': {
        // The keys in order (sorted once per change), from the first with the prefix (binary search).
        const prefix = input.Prefix ?? '';
        this.sorted ??= [...this.objects.keys()].sort();
        let lo = 0;
        for (let hi = this.sorted.length; lo < hi;) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.sorted[mid] < prefix) lo = mid + 1; else hi = mid;
        }
        const start = Number(input.ContinuationToken ?? 0);
        const page = this.sorted.slice(lo + start, lo + start + 1001).filter(k => k.startsWith(prefix));
        const more = page.length > 1000;
        page.length = Math.min(page.length, 1000);
        return {
          Contents: page.length > 0 ? page.map(Key => ({ Key, LastModified: this.objects.get(Key) })) : undefined,
          IsTruncated: more,
          NextContinuationToken: more ? String(start + 1000) : undefined,
        };
      }
      case 'PutObject':
        this.puts.push({ key: input.Key, body: input.Body });
        return {};
      case 'PutMetricData':
        this.metricData.push(...input.MetricData.map((d: any) => ({ ...d, Namespace: input.Namespace })));
        return {};
      case 'GetRegionOptStatus': {
        const status = this.optStatus.get(`${input.AccountId}/${input.RegionName}`);
        if (status === 'denied') throw awsError('AccessDeniedException', 'not authorized');
        return { RegionName: input.RegionName, RegionOptStatus: status ?? 'ENABLED' };
      }
      default:
        throw new Error(`the fake has no ${service} ${operation}`);
    }
  }

  /** A page of Organizations results: at most `max`, and (with emptyPages) an empty page with a token first. */
  private page(items: any[], token: string | undefined, max: number, key: string): any {
    const [start, served] = (token ?? '0:0').split(':').map(Number);
    if (this.emptyPages && !served) return { [key]: [], NextToken: `${start}:1` };
    const page = items.slice(start, start + max).map(({ parent, ...rest }) => rest);
    return { [key]: page, NextToken: start + max < items.length ? `${start + max}:0` : undefined };
  }
}

/** SDK v3-shaped modules over the fake, for the inline handler (`require` of each client). */
export function sdkModules(fake: FakeOrganization): { [name: string]: any } {
  const modules: { [name: string]: any } = {};
  const services: Array<[string, string, string, string[]]> = [
    ['organizations', 'organizations', 'Organizations', ['ListAccounts', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent']],
    ['s3', 's3', 'S3', ['ListObjectsV2', 'PutObject']],
    ['cloudformation', 'cloudformation', 'CloudFormation', ['ListStackInstances']],
    ['cloudwatch', 'cloudwatch', 'CloudWatch', ['PutMetricData']],
    ['account', 'account', 'Account', ['GetRegionOptStatus']],
  ];
  for (const [pkg, service, client, operations] of services) {
    const module: any = {
      [`${client}Client`]: class {
        async send(command: any): Promise<any> {
          // The SDK's standard retry mode: 3 attempts on throttling.
          for (let i = 1; ; i++) {
            try {
              return fake.call(service, command.constructor.operation, command.input);
            } catch (e) {
              if (!/Throttl|SlowDown/.test((e as Error).name) || i >= 3) throw e;
            }
          }
        }
      },
    };
    for (const operation of operations) {
      module[`${operation}Command`] = class {
        static operation = operation;
        constructor(public readonly input: any) {}
      };
    }
    modules[`@aws-sdk/client-${pkg}`] = module;
  }
  return modules;
}
