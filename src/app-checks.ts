import { Annotations, NestedStack, Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { SYNCS_PER_ACCOUNT_AND_REGION } from './validation';

/*
 * Checks across the syncs of one app: the quota of 5 resource data syncs per account and Region,
 * and sync names, which are unique per account and Region.
 *
 * Syncs are grouped by where they deploy: the account and Region of their top-level stack (a
 * nested stack deploys with its parent). Stacks whose account or Region is known only at deploy
 * time are grouped per stack for errors, and all such stacks of one stage together for warnings:
 * they deploy to whichever account and Region the CLI is pointed at, often the same one.
 */

const WARN_AGNOSTIC = 'cdk-ssm-resource-data-sync:environmentAgnosticSyncs';

interface Member {
  readonly sync: IConstruct;
  readonly name: string;
}

/** The syncs of each app, in the order they were made. */
const syncsOfApp = new WeakMap<IConstruct, Member[]>();

/** Record a sync of the app, with its name (a literal or a token). */
export function registerSync(sync: IConstruct, name: string): void {
  const root = sync.node.root;
  let members = syncsOfApp.get(root);
  if (!members) syncsOfApp.set(root, members = []);
  members.push({ sync, name });
  sync.node.addValidation({ validate: () => problemsOf(sync) });
}

/** The stack a construct deploys with: nested stacks deploy with their parent. */
function deployedStack(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (NestedStack.isNestedStack(stack) && stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

function knownEnvironment(stack: Stack): boolean {
  return !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
}

/** Where a stack's syncs count together: its account and Region when known, else the stack itself. */
function groupOf(stack: Stack): unknown {
  return knownEnvironment(stack) ? `${stack.account}/${stack.region}` : stack;
}

/** The app's syncs grouped by where they deploy, in the order they were made; made once per app (not once per sync). */
const groupsOfApp = new WeakMap<IConstruct, { readonly size: number; readonly groups: Map<unknown, Member[]> }>();

function groupsOf(root: IConstruct, members: Member[]): Map<unknown, Member[]> {
  let cached = groupsOfApp.get(root);
  if (!cached || cached.size !== members.length) {
    const groups = new Map<unknown, Member[]>();
    for (const member of members) {
      const group = groupOf(deployedStack(member.sync));
      groups.set(group, [...groups.get(group) ?? [], member]);
    }
    groupsOfApp.set(root, cached = { size: members.length, groups });
  }
  return cached.groups;
}

function problemsOf(sync: IConstruct): string[] {
  const members = syncsOfApp.get(sync.node.root) ?? [];
  const stack = deployedStack(sync);
  const known = knownEnvironment(stack);
  const together = groupsOf(sync.node.root, members).get(groupOf(stack)) ?? [];
  const where = known ? `account ${stack.account} and Region ${stack.region}` : `stack ${stack.node.path}`;
  const problems: string[] = [];

  const position = together.findIndex(m => m.sync === sync);
  if (position >= SYNCS_PER_ACCOUNT_AND_REGION) {
    problems.push(`this is resource data sync ${position + 1} of ${together.length} for ${where} in this app; the service allows ${SYNCS_PER_ACCOUNT_AND_REGION} per account and Region, and syncs made outside this app (by other tools or services) take slots too. Move syncs to another account or Region, or remove some. The first ${SYNCS_PER_ACCOUNT_AND_REGION}: ${together.slice(0, SYNCS_PER_ACCOUNT_AND_REGION).map(m => m.sync.node.path).join(', ')}.`);
  }
  const name = together[position]?.name;
  if (name !== undefined && !Token.isUnresolved(name)) {
    const same = together.filter(m => m.name === name);
    if (same.length > 1 && same[0].sync !== sync) {
      problems.push(`syncName "${name}" is also the name of ${same[0].sync.node.path}, in the same ${where}; a sync name is unique per account and Region. Give one of them another syncName, or leave syncName out to have one generated.`);
    }
  }
  if (!known) warnAgnostic(sync, stack, members);
  return problems;
}

/** Environment-agnostic stacks of one stage deploy together: warn when they could break the quota or a name. */
function warnAgnostic(sync: IConstruct, stack: Stack, members: Member[]): void {
  const stage = Stage.of(stack);
  const agnostic = members.filter(m => {
    const other = deployedStack(m.sync);
    return !knownEnvironment(other) && Stage.of(other) === stage && other.account === stack.account && other.region === stack.region;
  });
  const stacks = [...new Set(agnostic.map(m => deployedStack(m.sync).node.path))];
  if (stacks.length < 2) return;
  const position = agnostic.findIndex(m => m.sync === sync);
  const own = agnostic[position];
  const sameName = !Token.isUnresolved(own.name) && agnostic.find(m => m.name === own.name && m.sync !== sync && deployedStack(m.sync) !== stack);
  const quota = position === SYNCS_PER_ACCOUNT_AND_REGION;
  if (quota || (sameName && agnostic.indexOf(sameName) < position)) {
    const why = quota
      ? `they hold ${agnostic.length} resource data syncs, and one account and Region allows ${SYNCS_PER_ACCOUNT_AND_REGION}`
      : `the syncName "${own.name}" is also used by ${(sameName as Member).sync.node.path}`;
    Annotations.of(sync).addWarningV2(WARN_AGNOSTIC,
      `the environment-agnostic stacks ${stacks.join(', ')} deploy to the account and Region the CLI is pointed at; if that is the same for all of them, ${why}. ` +
      'Give the stacks an env, or make sure they deploy to different accounts or Regions.');
  }
}
