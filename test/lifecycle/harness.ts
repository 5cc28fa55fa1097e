/*
 * The lifecycle harness: every construct's day two runs through it. Given two versions of an app
 * (before and after a change), it synthesizes both, deploys the first and then the second as
 * CloudFormation would (./deploy.ts) against a fake Systems Manager (./fake-aws.ts), and reports:
 * - how the change deploys (per resource: created, updated in place, replaced, deleted);
 * - what a real deploy would not survive: a replaced or re-created resource that keeps a physical
 *   name its old copy still holds, a failed rollback, an orphaned sync, a data-holding resource
 *   deleted without being retained — for the stack and for every StackSet's member stacks;
 * - that a failure late in the same update rolls back cleanly (the rollback case);
 * - whether synth refused the after app (with its error) and which warnings it printed.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ACCOUNT, DATA_TYPES, deploy, emptyStack, REGION, ResourceChange, StackState, Template } from './deploy';
import { FakeSsm } from './fake-aws';
import { WARN_DESTROY_DELETES_DATA } from '../../src/inventory-bucket';

/** Builds one version of the app into a fresh App (with `cdk init`'s feature flags). */
export type Build = (app: App) => void;

export interface Synthesized {
  /** Templates by stack name. */
  readonly templates: Map<string, Template>;
  /** The validation errors that refused synthesis, if any. */
  readonly error?: string;
  /** The ids of the warnings printed (`cdk-ssm-resource-data-sync:...`). */
  readonly warnings: string[];
}

const cache = new Map<string, Synthesized>();

/** Synthesizes an app; `key` (if given) memoizes the result for generated props. */
export function synth(build: Build, key?: string): Synthesized {
  const cached = key !== undefined ? cache.get(key) : undefined;
  if (cached) return cached;
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  let result: Synthesized;
  // aws-cdk-lib prints a validation report (every warning, in full) on each synthesis with warnings:
  // the harness reads the warnings from the assembly instead.
  const error = console.error;
  console.error = () => undefined;
  try {
    build(app);
    const assembly = app.synth();
    const templates = new Map<string, Template>();
    const warnings = new Set<string>();
    for (const artifact of assembly.stacks) {
      templates.set(artifact.stackName, artifact.template);
      for (const message of artifact.messages) {
        if (message.level === 'warning') {
          const id = /\[ack: ([^\]]+)\]/.exec(String(message.entry.data))?.[1];
          if (id) warnings.add(id);
        }
      }
    }
    result = { templates, warnings: [...warnings] };
  } catch (e) {
    result = { templates: new Map(), error: (e as Error).message, warnings: [] };
  } finally {
    console.error = error;
  }
  if (key !== undefined) cache.set(key, result);
  return result;
}

export interface Transition {
  readonly before: Synthesized;
  readonly after: Synthesized;
  /** Resource changes of every stack (and `<stack>/member` for StackSet members). */
  readonly changes: ResourceChange[];
  /** Why the update failed, if it did (it was then rolled back). */
  readonly errors: string[];
  /** What a real deploy would not survive. Empty when the change is safe. */
  readonly violations: string[];
  /** A deploy that failed, but cleanly: rolled back with the old state intact. */
  readonly refusedAtDeploy: boolean;
}

export interface TransitionOptions {
  /** Syncs that exist in the account before (other tools'), counting against the quota. */
  readonly existingSyncs?: string[];
  /** Also check that a failure late in the update rolls back cleanly. */
  readonly rollback?: boolean;
  /** Sets the fake Systems Manager up for the second deploy (a first status `Failed`, throttling). */
  readonly beforeUpdate?: (ssm: FakeSsm) => void;
}

/** Deploys `before`, then `after`, and checks every invariant. Both apps must synthesize. */
export async function transition(before: Synthesized, after: Synthesized, options: TransitionOptions = {}): Promise<Transition> {
  if (before.error || after.error) throw new Error(`transition: an app did not synthesize: ${before.error ?? after.error}`);
  const changes: ResourceChange[] = [];
  const errors: string[] = [];
  const violations: string[] = [];
  const names = new Set([...before.templates.keys(), ...after.templates.keys()]);
  for (const stackName of names) {
    const b = before.templates.get(stackName) ?? { Resources: {} };
    const a = after.templates.get(stackName) ?? { Resources: {} };
    const run = async (failAtEnd: boolean) => {
      const ssm = new FakeSsm({ existing: options.existingSyncs });
      const first = await deploy(emptyStack(), b, { ssm, stackName });
      if (!first.ok || first.violations.length > 0) throw new Error(`transition: the before app does not deploy: ${[...first.errors, ...first.violations].join('; ')}`);
      options.beforeUpdate?.(ssm);
      return { ssm, first: first.state, second: await deploy(first.state, a, { ssm, stackName, failAtEnd }) };
    };
    const { first, second } = await run(false);
    changes.push(...second.changes.map(c => ({ ...c, logicalId: `${stackName}/${c.logicalId}` })));
    errors.push(...second.errors.map(e => `${stackName}: ${e}`));
    violations.push(...second.violations.map(v => `${stackName}: ${v}`));
    violations.push(...pagesOnDeploy(a, second.changes.filter(c => c.action === 'create' || c.action === 'replace')).map(v => `${stackName}: ${v}`));
    // Data loss is what the user asked for only where the app said so (removalPolicy DESTROY).
    if (!before.warnings.includes(WARN_DESTROY_DELETES_DATA)) violations.push(...dataLoss(first, second.changes).map(v => `${stackName}: ${v}`));
    if (options.rollback !== false && second.ok) {
      const rolledBack = await run(true);
      violations.push(...rolledBack.second.violations.map(v => `${stackName} (rollback): ${v}`));
    }
    if (second.ok) {
      const member = await stackSets(b, a);
      changes.push(...member.changes.map(c => ({ ...c, logicalId: `${stackName}/member/${c.logicalId}` })));
      violations.push(...member.violations.map(v => `${stackName}: ${v}`));
    }
  }
  return { before, after, changes, errors, violations, refusedAtDeploy: errors.length > 0 && violations.length === 0 };
}

/**
 * An alarm that a deploy creates starts without data: one that treats missing data as breaching
 * goes off at once and pages before anything has run.
 */
function pagesOnDeploy(template: Template, created: ResourceChange[]): string[] {
  return created.filter(c => c.type === 'AWS::CloudWatch::Alarm')
    .filter(c => template.Resources?.[c.logicalId]?.Properties?.TreatMissingData === 'breaching')
    .map(c => `alarm ${c.logicalId} treats missing data as breaching: it goes off at deploy, before the first data point`);
}

/** A data-holding resource replaced or deleted must have been retained (DeletionPolicy Retain). */
function dataLoss(state: StackState, changes: ResourceChange[]): string[] {
  return changes.filter(c => DATA_TYPES.includes(c.type) && (c.action === 'replace' || c.action === 'delete'))
    .filter(c => !['Retain', 'RetainExceptOnCreate'].includes(state.template.Resources?.[c.logicalId]?.DeletionPolicy))
    .map(c => `${c.type} ${c.logicalId} is ${c.action === 'replace' ? 'replaced' : 'deleted'} and not retained: its data is lost`);
}

/**
 * StackSets: a member template that changes is a stack update in every member account (run once,
 * as one member); a StackSet that is replaced or moved (a new name or logical id) deploys its new
 * member stacks before the old StackSet deletes its own: create-before-delete in every account.
 */
async function stackSets(before: Template, after: Template): Promise<{ changes: ResourceChange[]; violations: string[] }> {
  const sets = (t: Template) => Object.entries(t.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::CloudFormation::StackSet');
  const member = (r: any): { template: Template; parameters: { [k: string]: string } } => ({
    template: JSON.parse(r.Properties.TemplateBody),
    parameters: Object.fromEntries((r.Properties.Parameters ?? []).map((p: any) => [p.ParameterKey, typeof p.ParameterValue === 'string' ? p.ParameterValue : 'parameter-value'])),
  });
  const changes: ResourceChange[] = [];
  const violations: string[] = [];
  for (const [id, a] of sets(after)) {
    const b = before.Resources?.[id];
    const sameSet = b && b.Type === a.Type && b.Properties.StackSetName === a.Properties.StackSetName;
    const ssm = new FakeSsm();
    if (sameSet) {
      const m0 = member(b);
      const m1 = member(a);
      const first = await deploy(emptyStack(), m0.template, { ssm, parameters: m0.parameters, stackName: 'Member' });
      const second = await deploy(first.state, m1.template, { ssm, parameters: m1.parameters, stackName: 'Member' });
      changes.push(...second.changes);
      violations.push(...second.errors.map(e => `member stack update failed: ${e}`), ...second.violations.map(v => `member: ${v}`));
    } else {
      // Every old StackSet of the stack is still deployed when the new one rolls out.
      for (const [, old] of sets(before)) {
        const m0 = member(old);
        const first = await deploy(emptyStack(), m0.template, { ssm, parameters: m0.parameters, stackName: 'OldMember' });
        for (const name of first.state.physical.values()) ssm.preexisting.add(name);
      }
      const m1 = member(a);
      const created = await deploy(emptyStack(), m1.template, { ssm, parameters: m1.parameters, stackName: 'NewMember' });
      violations.push(...created.errors.map(e => `StackSet ${a.Properties.StackSetName}: its member stacks are created while the old StackSet's still exist, and fail: ${e}`));
    }
  }
  return { changes, violations };
}

/** A stack in the harness's environment. */
export function stackIn(app: App, name = 'Stack'): Stack {
  return new Stack(app, name, { env: { account: ACCOUNT, region: REGION } });
}
