/*
 * An in-memory Systems Manager that enforces the rules of the resource data sync API that matter on
 * day two (AWS-RULES.md, AWS-QUERY-ORG.md §2): a name is unique per account and Region, at most 5
 * syncs per account and Region, `ResourceDataSyncAlreadyExistsException`,
 * `ResourceDataSyncCountExceededException`, `ResourceDataSyncNotFoundException`,
 * `UpdateResourceDataSync` only for `SyncFromSource` syncs (and only their source), a first status
 * that can be `Failed`, and throttling. It serves both the CloudFormation resource
 * (`AWS::SSM::ResourceDataSync`, driven by ./deploy.ts) and the inline handler of
 * `Custom::SSMResourceDataSync` (through SDK-shaped modules, `sdkModules()`).
 */

/** The service quota of resource data syncs per account and Region. */
export const SYNC_QUOTA = 5;

export interface FakeSync {
  readonly request: any;
  status: string | undefined;
}

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

export interface FakeSsmOptions {
  /** Syncs that exist before (made by someone else: Amazon Inspector, the console). */
  readonly existing?: string[];
  /** The first status of a new sync, by sync name (default `Successful`). */
  readonly firstStatus?: (name: string) => string | undefined;
  /** How many of the next calls (of any operation) are throttled. */
  readonly throttle?: number;
}

export class FakeSsm {
  public readonly syncs = new Map<string, FakeSync>();
  public readonly calls: Array<{ operation: string; input: any }> = [];
  /** Syncs no stack under test holds (made by others, or by another stack): not checked against a template. */
  public readonly preexisting = new Set<string>();
  /** The first status of the syncs created from now on (by name); `undefined` for the default. */
  public firstStatus?: (name: string) => string | undefined;
  /** Calls of these operations are throttled this many more times. */
  public readonly throttledOperations = new Map<string, number>();
  /** CloudFormation's DescribeStacks is denied (a role that may not call it). */
  public describeStacksDenied = false;
  private throttled: number;

  constructor(private readonly options: FakeSsmOptions = {}) {
    for (const name of options.existing ?? []) {
      this.syncs.set(name, { request: { SyncName: name, SyncType: 'SyncToDestination' }, status: 'Successful' });
      this.preexisting.add(name);
    }
    this.throttled = options.throttle ?? 0;
  }

  /** Throttle the next `n` calls. */
  public throttleNext(n: number): void {
    this.throttled = n;
  }

  public call(operation: string, input: any): any {
    this.calls.push({ operation, input });
    if (this.throttled > 0 || (this.throttledOperations.get(operation) ?? 0) > 0) {
      if (this.throttled > 0) this.throttled--;
      else this.throttledOperations.set(operation, this.throttledOperations.get(operation)! - 1);
      throw awsError('ThrottlingException', 'Rate exceeded');
    }
    switch (operation) {
      case 'CreateResourceDataSync': {
        if (this.syncs.has(input.SyncName)) throw awsError('ResourceDataSyncAlreadyExistsException', `Sync ${input.SyncName} already exists.`);
        if (this.syncs.size >= SYNC_QUOTA) throw awsError('ResourceDataSyncCountExceededException', 'You have exceeded the allowed maximum sync configurations.');
        this.syncs.set(input.SyncName, { request: JSON.parse(JSON.stringify(input)), status: (this.firstStatus ?? this.options.firstStatus)?.(input.SyncName) ?? 'Successful' });
        return {};
      }
      case 'DeleteResourceDataSync': {
        if (!this.syncs.has(input.SyncName)) throw awsError('ResourceDataSyncNotFoundException', `Sync ${input.SyncName} not found.`);
        this.syncs.delete(input.SyncName);
        return {};
      }
      case 'UpdateResourceDataSync': {
        const sync = this.syncs.get(input.SyncName);
        if (!sync) throw awsError('ResourceDataSyncNotFoundException', `Sync ${input.SyncName} not found.`);
        if (input.SyncType !== 'SyncFromSource' || sync.request.SyncType !== 'SyncFromSource') {
          throw awsError('ResourceDataSyncInvalidConfigurationException', 'Only SyncFromSource syncs can be updated.');
        }
        const old = sync.request.SyncSource ?? {};
        if (old.SourceType !== input.SyncSource.SourceType
          || old.AwsOrganizationsSource?.OrganizationSourceType !== input.SyncSource.AwsOrganizationsSource?.OrganizationSourceType) {
          throw awsError('ResourceDataSyncConflictException', 'The source type of a sync cannot change.');
        }
        sync.request.SyncSource = JSON.parse(JSON.stringify(input.SyncSource));
        return {};
      }
      case 'ListResourceDataSync': {
        const items = [...this.syncs.values()].filter(s => !input.SyncType || s.request.SyncType === input.SyncType)
          .map(s => ({ ...JSON.parse(JSON.stringify(s.request)), LastStatus: s.status, LastSyncStatusMessage: s.status === 'Failed' ? 'S3 write failed for bucket' : undefined }));
        const start = input.NextToken ? Number(input.NextToken) : 0;
        const max = input.MaxResults ?? 50;
        const page = items.slice(start, start + max);
        return { ResourceDataSyncItems: page, NextToken: start + max < items.length ? String(start + max) : undefined };
      }
      default:
        throw new Error(`the fake SSM has no ${operation}`);
    }
  }
}

/**
 * SDK v3-shaped modules for the inline handlers: `@aws-sdk/client-ssm` over `ssm`, and
 * `@aws-sdk/client-cloudformation` whose `DescribeStacks` answers `stackStatus()`. The clients retry
 * throttling up to their `maxAttempts` (3 by default), as the SDK's standard retry mode does.
 */
export function sdkModules(ssm: FakeSsm, stackStatus: () => string): { [name: string]: any } {
  const command = (operation: string) => class {
    static operation = operation;
    constructor(public readonly input: any) {}
  };
  const client = (serve: (operation: string, input: any) => any) => class {
    private readonly attempts: number;
    constructor(config: { maxAttempts?: number } = {}) { this.attempts = config.maxAttempts ?? 3; }
    async send(cmd: any): Promise<any> {
      for (let i = 1; ; i++) {
        try {
          return serve((cmd.constructor as any).operation, cmd.input);
        } catch (e) {
          if ((e as Error).name !== 'ThrottlingException' || i >= this.attempts) throw e;
        }
      }
    }
  };
  const ssmModule: any = { SSMClient: client((op, input) => ssm.call(op, input)) };
  for (const verb of ['Create', 'Update', 'Delete', 'List']) {
    ssmModule[`${verb}ResourceDataSyncCommand`] = command(`${verb}ResourceDataSync`);
  }
  const cfnModule = {
    CloudFormationClient: client(() => {
      if (ssm.describeStacksDenied) throw awsError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks');
      return { Stacks: [{ StackStatus: stackStatus() }] };
    }),
    DescribeStacksCommand: command('DescribeStacks'),
  };
  return { '@aws-sdk/client-ssm': ssmModule, '@aws-sdk/client-cloudformation': cfnModule };
}
