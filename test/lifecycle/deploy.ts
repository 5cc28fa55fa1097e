/*
 * What CloudFormation does with a stack update, simulated closely enough to prove day two: for each
 * resource, create / update in place / replace / delete, classified by the AWS CDK's own template
 * diff (`@aws-cdk/cloudformation-diff`, which reads create-only properties from the CloudFormation
 * registry); custom resources get the events CloudFormation sends (Create, Update, the rollback
 * Update with the properties swapped, the cleanup Delete of a replaced or failed resource, Delete)
 * and their handler is the inline code of the template itself; resource data syncs, made by either
 * path, live in a FakeSsm that enforces the API's rules. A failure rolls the update back.
 *
 * Facts modelled (CloudFormation User Guide, "Update behaviors of stack resources" and "Custom
 * resources"): replacements and new resources are created first, old and removed ones are deleted
 * in the cleanup phase after the whole update succeeded; a custom-named resource that needs
 * replacing is refused; a resource's type cannot change under the same logical id; DeletionPolicy
 * Retain keeps the physical resource (and its name) when the resource leaves the template; a custom
 * resource's Update that answers another physical id is a replacement; on rollback every updated
 * resource gets an Update back to its old properties, every created one a Delete.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { FakeSsm, sdkModules } from './fake-aws';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export interface Template {
  readonly Resources?: { [id: string]: any };
  readonly Parameters?: { [id: string]: any };
}

/** Where each type keeps its physical name (the names this library's constructs set or generate). */
export const NAME_PROPERTIES: { [type: string]: string[] } = {
  'AWS::SSM::ResourceDataSync': ['SyncName'],
  'Custom::SSMResourceDataSync': ['SyncName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::CloudFormation::StackSet': ['StackSetName'],
  'AWS::Athena::WorkGroup': ['Name'],
  'AWS::Glue::Database': ['DatabaseInput', 'Name'],
  'AWS::Glue::Table': ['TableInput', 'Name'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Events::Rule': ['Name'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SSM::Association': ['AssociationName'],
};

/** Types whose replacement or deletion loses data unless the old copy is retained. */
export const DATA_TYPES = ['AWS::S3::Bucket', 'AWS::KMS::Key'];

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'none';

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly action: Action;
}

/** A stack as deployed: its template and the physical id of each resource. */
export interface StackState {
  readonly template: Template;
  readonly physical: Map<string, string>;
  /** Physical names kept by resources that left the template with DeletionPolicy Retain. */
  readonly retained: Set<string>;
}

export function emptyStack(): StackState {
  return { template: { Resources: {} }, physical: new Map(), retained: new Set() };
}

export interface DeployResult {
  /** The stack after the update (the old one if it rolled back). */
  readonly state: StackState;
  readonly ok: boolean;
  /** Why the update failed (then it was rolled back). */
  readonly errors: string[];
  /** What went wrong that a real deploy would not survive: failed rollbacks, orphans. */
  readonly violations: string[];
  readonly changes: ResourceChange[];
}

export interface DeployOptions {
  readonly ssm: FakeSsm;
  /** Parameter values (the StackSet's for a member template). */
  readonly parameters?: { [name: string]: string };
  /** Something later in the update fails: CloudFormation rolls the whole update back. */
  readonly failAtEnd?: boolean;
  readonly stackName?: string;
}

/** The name a resource's properties give it, if it is a literal string. */
export function physicalName(resource: any, resolve: (v: any) => any = v => v): string | undefined {
  const path = NAME_PROPERTIES[resource?.Type];
  if (!path) return undefined;
  let value: any = resource.Properties;
  for (const key of path) value = value?.[key];
  const resolved = value === undefined ? undefined : resolve(value);
  if (typeof resolved !== 'string') return undefined;
  // A table's name is unique within its database only.
  if (resource.Type === 'AWS::Glue::Table') return `${resolve(resource.Properties.DatabaseName)}/${resolved}`;
  return resolved;
}

/** Per resource, what CloudFormation does for this change. */
export function changes(before: Template, after: Template): ResourceChange[] {
  const diff = fullDiff(before as any, after as any);
  const result: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, d) => {
    const type = d.newResourceType ?? d.oldResourceType ?? '';
    let action: Action;
    switch (d.changeImpact) {
      case ResourceImpact.WILL_CREATE: action = 'create'; break;
      case ResourceImpact.WILL_DESTROY: case ResourceImpact.WILL_ORPHAN: action = 'delete'; break;
      case ResourceImpact.WILL_REPLACE: case ResourceImpact.MAY_REPLACE: action = 'replace'; break;
      case ResourceImpact.WILL_UPDATE: action = 'update'; break;
      // Types the registry does not know (custom resources) change as updates: their handler decides.
      default: action = d.isDifferent ? 'update' : 'none';
    }
    if (action !== 'none') result.push({ logicalId, type, action });
  });
  return result;
}

const PSEUDO: { [name: string]: string } = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
};

/** Resolves the intrinsic functions CDK templates use here, with physical ids for Refs. */
function resolver(template: Template, physical: Map<string, string>, parameters: { [name: string]: string }, stackName: string) {
  const resolve = (v: any): any => {
    if (Array.isArray(v)) return v.map(resolve);
    if (!v || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const a = v[k];
      if (k === 'Ref') {
        if (a === 'AWS::StackName') return stackName;
        if (a === 'AWS::StackId') return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/id`;
        if (PSEUDO[a] !== undefined) return PSEUDO[a];
        if (template.Parameters?.[a]) return parameters[a] ?? template.Parameters[a].Default ?? `parameter-${a}`;
        return physical.get(a) ?? `${a}-physical`;
      }
      if (k === 'Fn::GetAtt') {
        const [id, attr] = typeof a === 'string' ? a.split('.') : a;
        return `arn:aws:${(template.Resources?.[id]?.Type ?? 'x::y').split('::')[1].toLowerCase()}:${REGION}:${ACCOUNT}:${physical.get(id) ?? id}/${attr}`;
      }
      if (k === 'Fn::Join') return resolve(a[1]).join(a[0]);
      if (k === 'Fn::Select') return resolve(a[1])[Number(a[0])];
      if (k === 'Fn::Split') return String(resolve(a[1])).split(a[0]);
      if (k === 'Fn::Sub') return String(typeof a === 'string' ? a : a[0]).replace(/\$\{([^}]+)\}/g, (_m, name) => String(resolve(name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name })));
      if (k === 'Fn::If' || k === 'Fn::GetAZs' || k === 'Fn::ImportValue' || k === 'Fn::FindInMap') return `unresolved-${k}`;
    }
    const out: any = {};
    for (const key of keys) out[key] = resolve(v[key]);
    return out;
  };
  return resolve;
}

/** CloudFormation delivers a custom resource's properties as strings (booleans and numbers too). */
function delivered(v: any): any {
  if (Array.isArray(v)) return v.map(delivered);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, delivered(x)]));
}

/** The API request a resource data sync of the template stands for (both paths, in the API's shape). */
export function syncRequest(resource: any, resolve: (v: any) => any): any {
  const p = resolve(resource.Properties ?? {});
  if (resource.Type === 'Custom::SSMResourceDataSync') {
    const { ServiceToken: _t, ServiceTimeout: _s, ...request } = p;
    return request;
  }
  const d = p.S3Destination;
  const s = p.SyncSource;
  return {
    SyncName: p.SyncName,
    SyncType: p.SyncType,
    S3Destination: d && {
      BucketName: d.BucketName, Prefix: d.BucketPrefix, SyncFormat: d.SyncFormat, Region: d.BucketRegion, AWSKMSKeyARN: d.KMSKeyArn,
    },
    SyncSource: s && {
      SourceType: s.SourceType,
      AwsOrganizationsSource: s.AwsOrganizationsSource && {
        OrganizationSourceType: s.AwsOrganizationsSource.OrganizationSourceType,
        OrganizationalUnits: s.AwsOrganizationsSource.OrganizationalUnits?.map((id: string) => ({ OrganizationalUnitId: id })),
      },
      SourceRegions: s.SourceRegions,
      IncludeFutureRegions: s.IncludeFutureRegions,
    },
  };
}

/** JSON with sorted keys and without undefined or false-y empties, for comparing requests. */
export function canonical(v: any): string {
  return JSON.stringify(v, (_k, x) => (x && x.constructor === Object
    ? Object.fromEntries(Object.keys(x).sort().filter(k => x[k] !== undefined).map(k => [k, x[k]]))
    : x));
}

/** The inline handler behind a custom resource: the ZipFile of the function its ServiceToken names. */
function handlerOf(template: Template, resource: any, ssm: FakeSsm, status: () => string): any {
  const token = resource.Properties?.ServiceToken;
  const fnId = token?.['Fn::GetAtt']?.[0];
  const code = template.Resources?.[fnId]?.Properties?.Code?.ZipFile;
  if (typeof code !== 'string') throw new Error(`no inline handler for ${JSON.stringify(token)}`);
  const module = { exports: {} as any };
  const modules = sdkModules(ssm, status);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  new Function('require', 'module', 'exports', 'console', code)((n: string) => modules[n] ?? require(n), module, module.exports, { log: () => undefined });
  const handler = module.exports;
  handler.delay = 0;
  return handler;
}

const isSync = (type: string) => type === 'AWS::SSM::ResourceDataSync' || type === 'Custom::SSMResourceDataSync';

/**
 * Updates the stack `state` to `after` as CloudFormation would, against `options.ssm`. A first
 * deploy is an update of `emptyStack()`, a stack deletion an update to `{ Resources: {} }`.
 */
export async function deploy(state: StackState, after: Template, options: DeployOptions): Promise<DeployResult> {
  const before = state.template;
  const stackName = options.stackName ?? 'Stack';
  const params = options.parameters ?? {};
  const ssm = options.ssm;
  const physical = new Map(state.physical);
  const retained = new Set(state.retained);
  let status = 'UPDATE_IN_PROGRESS';
  const oldResolve = resolver(before, state.physical, params, stackName);
  const newResolve = resolver(after, physical, params, stackName);
  const all = changes(before, after);
  const errors: string[] = [];
  const violations: string[] = [];
  let counter = 0;

  const custom = async (template: Template, resource: any, event: any): Promise<{ status: string; id: string; reason: string }> => {
    const handler = handlerOf(template, resource, ssm, () => status);
    let response: any;
    handler.respond = async (_e: any, s: string, id: string, reason: string) => { response = { status: s, id, reason }; };
    await handler.handler({ StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/id`, RequestId: `r${++counter}`, ResponseURL: 'https://response', ...event });
    if (!response) throw new Error(`the handler of ${event.LogicalResourceId} did not respond`);
    return response;
  };
  const ssmCall = (operation: string, input: any) => {
    try {
      ssm.call(operation, input);
      return undefined;
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  /** Names held in the account before a resource of `type` named `name` is created. */
  const held = (type: string, name: string, except?: string) => {
    if (retained.has(`${type}|${name}`)) return true;
    for (const [id, r] of Object.entries(before.Resources ?? {})) {
      if (id !== except && r.Type === type && physicalName(r, oldResolve) === name) return true;
    }
    return false;
  };

  // Phase 1: creates, replacements (new copy first) and updates, in template order.
  type Done = { id: string; action: Action; oldId?: string; newId?: string };
  const done: Done[] = [];
  let failed: { id: string; action: Action; response?: { id: string } } | undefined;
  for (const [id, resource] of Object.entries(after.Resources ?? {})) {
    const change = all.find(c => c.logicalId === id);
    if (!change || change.action === 'delete') continue;
    const old = before.Resources?.[id];
    if (old && old.Type !== resource.Type) {
      errors.push(`${id}: Update of resource type is not permitted (${old.Type} → ${resource.Type})`);
      failed = { id, action: 'none' };
      break;
    }
    const name = physicalName(resource, newResolve);
    if (change.action === 'create' || (change.action === 'replace' && !resource.Type.startsWith('Custom::'))) {
      if (change.action === 'replace' && name !== undefined && name === physicalName(old, oldResolve)) {
        errors.push(`${id}: CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${name} and update the stack again.`);
        failed = { id, action: 'none' };
        break;
      }
      if (resource.Type === 'Custom::SSMResourceDataSync') {
        const r = await custom(after, resource, { RequestType: 'Create', LogicalResourceId: id, ResourceType: resource.Type, ResourceProperties: delivered(newResolve(resource.Properties)) });
        if (r.status !== 'SUCCESS') { errors.push(`${id}: ${r.reason}`); failed = { id, action: 'create', response: r }; break; }
        physical.set(id, r.id);
      } else if (resource.Type === 'AWS::SSM::ResourceDataSync') {
        const request = syncRequest(resource, newResolve);
        const error = ssmCall('CreateResourceDataSync', request);
        if (error) { errors.push(`${id}: ${error}`); failed = { id, action: 'none' }; break; }
        if (ssm.syncs.get(request.SyncName)?.status === 'Failed') {
          ssm.call('DeleteResourceDataSync', { SyncName: request.SyncName, SyncType: request.SyncType });
          errors.push(`${id}: the first sync failed`);
          failed = { id, action: 'none' };
          break;
        }
        physical.set(id, request.SyncName);
      } else {
        if (name !== undefined && held(resource.Type, name, change.action === 'replace' ? undefined : id)) {
          errors.push(`${id}: ${resource.Type} ${name} already exists`);
          failed = { id, action: 'none' };
          break;
        }
        physical.set(id, name ?? `${id}-${++counter}`);
      }
      done.push({ id, action: change.action, oldId: state.physical.get(id), newId: physical.get(id) });
    } else if (change.action === 'update' || change.action === 'replace') {
      if (resource.Type === 'Custom::SSMResourceDataSync') {
        const oldId = state.physical.get(id)!;
        const r = await custom(after, resource, {
          RequestType: 'Update',
          LogicalResourceId: id,
          ResourceType: resource.Type,
          PhysicalResourceId: oldId,
          ResourceProperties: delivered(newResolve(resource.Properties)),
          OldResourceProperties: delivered(oldResolve(old.Properties)),
        });
        if (r.status !== 'SUCCESS') { errors.push(`${id}: ${r.reason}`); failed = { id, action: 'update', response: r }; break; }
        physical.set(id, r.id);
        done.push({ id, action: r.id === oldId ? 'update' : 'replace', oldId, newId: r.id });
      } else if (resource.Type === 'AWS::SSM::ResourceDataSync') {
        const request = syncRequest(resource, newResolve);
        const error = request.SyncType === 'SyncFromSource' ? ssmCall('UpdateResourceDataSync', { SyncName: request.SyncName, SyncType: request.SyncType, SyncSource: request.SyncSource }) : undefined;
        if (error) { errors.push(`${id}: ${error}`); failed = { id, action: 'none' }; break; }
        done.push({ id, action: 'update', oldId: state.physical.get(id), newId: state.physical.get(id) });
      } else {
        done.push({ id, action: 'update', oldId: state.physical.get(id), newId: state.physical.get(id) });
      }
    }
  }
  if (!failed && options.failAtEnd) {
    errors.push('a later resource failed');
    failed = { id: '(later)', action: 'none' };
  }

  if (failed) {
    // Rollback: the failed resource first, then what was done, in reverse order.
    status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const undoResolve = resolver(after, physical, params, stackName);
    const rollbackOf = async (id: string, action: Action, currentId: string | undefined, oldId: string | undefined) => {
      const resource = after.Resources![id];
      const old = before.Resources?.[id];
      if (resource.Type === 'Custom::SSMResourceDataSync') {
        if (action === 'create' || (action === 'replace' && !old)) {
          await deleteSync(resource, currentId!, id, after, undoResolve, 'rollback');
        } else {
          const r = await custom(before, old, {
            RequestType: 'Update',
            LogicalResourceId: id,
            ResourceType: old.Type,
            PhysicalResourceId: currentId,
            ResourceProperties: delivered(oldResolve(old.Properties)),
            OldResourceProperties: delivered(undoResolve(resource.Properties)),
          });
          if (r.status !== 'SUCCESS') {
            violations.push(`rollback: the rollback Update of ${id} failed (UPDATE_ROLLBACK_FAILED): ${r.reason}`);
          } else if (r.id !== currentId && currentId !== undefined) {
            // Back to the old physical resource: the cleanup deletes the new one.
            await deleteSync(resource, currentId, id, after, undoResolve, 'rollback cleanup');
          }
          if (r.id !== oldId) violations.push(`rollback: ${id} came back as ${r.id}, not ${oldId}`);
        }
      } else if (resource.Type === 'AWS::SSM::ResourceDataSync') {
        if (action === 'create' || action === 'replace') {
          await deleteSync(resource, currentId!, id, after, undoResolve, 'rollback');
        } else if (action === 'update' && old) {
          const request = syncRequest(old, oldResolve);
          if (request.SyncType === 'SyncFromSource') {
            const error = ssmCall('UpdateResourceDataSync', { SyncName: request.SyncName, SyncType: request.SyncType, SyncSource: request.SyncSource });
            if (error) violations.push(`rollback: ${id}: ${error}`);
          }
        }
      }
    };
    if (failed.action === 'create') {
      // CloudFormation deletes a resource whose create failed, with the physical id it answered.
      await rollbackOf(failed.id, 'create', failed.response?.id, undefined);
    } else if (failed.action === 'update') {
      await rollbackOf(failed.id, 'update', failed.response?.id, state.physical.get(failed.id));
    }
    for (const step of [...done].reverse()) await rollbackOf(step.id, step.action, step.newId, step.oldId);
    violations.push(...stateViolations(before, oldResolve, ssm, 'after the rollback'));
    return { state, ok: false, errors, violations, changes: all };
  }

  // Phase 2, cleanup: the old copies of replaced resources, then the removed resources.
  status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
  for (const step of done.filter(s => s.action === 'replace')) {
    const old = before.Resources![step.id];
    if (isSync(old.Type)) await deleteSync(old, step.oldId!, step.id, before, oldResolve, 'cleanup');
  }
  for (const [id, old] of Object.entries(before.Resources ?? {})) {
    if (after.Resources?.[id]) continue;
    if (old.DeletionPolicy === 'Retain' || old.DeletionPolicy === 'RetainExceptOnCreate') {
      const name = physicalName(old, oldResolve);
      if (name !== undefined) retained.add(`${old.Type}|${name}`);
      continue;
    }
    if (isSync(old.Type)) await deleteSync(old, state.physical.get(id)!, id, before, oldResolve, 'cleanup');
    physical.delete(id);
  }
  const next: StackState = { template: after, physical, retained };
  violations.push(...stateViolations(after, resolver(after, physical, params, stackName), ssm, 'after the update'));
  return { state: next, ok: true, errors, violations, changes: all };

  /** CloudFormation's Delete of a sync resource (physical id `id`), in the rollback or the cleanup (`when`). */
  async function deleteSync(resource: any, id: string, logicalId: string, template: Template, resolve: (v: any) => any, when: string) {
    let error: string | undefined;
    if (resource.Type === 'Custom::SSMResourceDataSync') {
      const r = await custom(template, resource, {
        RequestType: 'Delete', LogicalResourceId: logicalId, ResourceType: resource.Type, PhysicalResourceId: id, ResourceProperties: delivered(resolve(resource.Properties)),
      });
      if (r.status !== 'SUCCESS') error = r.reason;
    } else {
      const request = syncRequest(resource, resolve);
      error = ssmCall('DeleteResourceDataSync', { SyncName: request.SyncName, SyncType: request.SyncType });
    }
    if (error) violations.push(`${when}: the Delete of ${logicalId} (${id}) failed: ${error}`);
  }
}

/** The syncs the fake holds are those the template says (plus the ones that were there before it). */
function stateViolations(template: Template, resolve: (v: any) => any, ssm: FakeSsm, when: string): string[] {
  const expected = new Map<string, string>();
  for (const r of Object.values(template.Resources ?? {})) {
    if (isSync(r.Type)) {
      const request = syncRequest(r, resolve);
      expected.set(request.SyncName, canonical(request));
    }
  }
  const problems: string[] = [];
  for (const [name, sync] of ssm.syncs) {
    if (ssm.preexisting.has(name)) continue;
    if (!expected.has(name)) problems.push(`${when}: sync ${name} exists but no resource of the stack holds it (orphaned)`);
    else if (canonical(sync.request) !== expected.get(name)) problems.push(`${when}: sync ${name} is ${canonical(sync.request)}, the template says ${expected.get(name)}`);
  }
  for (const name of expected.keys()) if (!ssm.syncs.has(name)) problems.push(`${when}: sync ${name} of the template does not exist`);
  return problems;
}
