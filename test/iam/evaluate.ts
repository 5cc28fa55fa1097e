/*
 * A small evaluator for ONE resource-based IAM policy (an S3 bucket policy or a KMS key policy),
 * used by the tests to ask "is this request allowed?" of synthesized policies, request by request.
 *
 * It is a test tool, not a full IAM implementation. It follows AWS's documented evaluation logic
 * for a single resource-based policy: a matching Deny wins, else a matching Allow allows, else the
 * request is implicitly denied. It knows nothing of identity policies, SCPs/RCPs, permission
 * boundaries, sessions, cross-account rules, KMS grants or the default key policy; an Allow here
 * means "this policy allows it", no more.
 *
 * Supported: Version, Id, Statement (one or a list); Sid, Effect, Principal ('*', {AWS}, {Service}),
 * Action/NotAction, Resource/NotResource (wildcards * and ?), Condition with the operators in
 * SUPPORTED_OPERATORS, the IfExists suffix and the ForAnyValue:/ForAllValues: prefixes. Anything
 * Policy variables (`${aws:SourceAccount}`) in Resource/NotResource are replaced with the request's
 * single-valued context key; a variable the request cannot fill makes that pattern match nothing.
 * Anything else (NotPrincipal, Federated/CanonicalUser principals, policy variables outside Resource,
 * date/IP/binary operators, unknown elements) throws rather than being silently ignored.
 *
 * Hand-written on purpose: the maintained npm evaluator, @cloud-copilot/iam-simulate, is
 * AGPL-3.0-or-later, which this Apache-2.0 library does not take, even as a dev dependency.
 */

export type ContextValue = string | string[];

export interface IamRequest {
  /** The calling principal: a service principal like 'ssm.amazonaws.com', or an AWS principal ARN like 'arn:aws:iam::111122223333:role/reader' or an account id. */
  readonly principal: { readonly service: string } | { readonly aws: string };
  /** e.g. 's3:PutObject' */
  readonly action: string;
  /** e.g. 'arn:aws:s3:::bucket/inventory/...' */
  readonly resource: string;
  /** Request context keys (case-insensitive names). A missing key is absent from the request. */
  readonly context?: Record<string, ContextValue>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  readonly decision: Decision;
  /** Sids (or '#<index>') of the statements that matched, allows and denies, in policy order. */
  readonly matchedSids: string[];
}

type Json = unknown;
type Context = Map<string, ContextValue>;

const POLICY_ELEMENTS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

/** Evaluates `request` against one resource-based policy. Throws on anything it does not support. */
export function evaluatePolicy(policy: unknown, request: IamRequest): EvaluationResult {
  const doc = asObject(policy, 'policy');
  for (const key of Object.keys(doc)) if (!POLICY_ELEMENTS.has(key)) throw new Error(`unsupported policy element ${key}`);
  if (doc.Statement === undefined) throw new Error('policy has no Statement');
  const statements = [doc.Statement].flat();
  const context = contextOf(request);
  const matchedSids: string[] = [];
  let allow = false;
  let deny = false;
  statements.forEach((raw, index) => {
    const s = asObject(raw, `statement #${index}`);
    if (!statementMatches(s, request, context)) return;
    matchedSids.push(typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : `#${index}`);
    if (s.Effect === 'Deny') deny = true;
    else allow = true;
  });
  return { decision: deny ? 'ExplicitDeny' : allow ? 'Allow' : 'ImplicitDeny', matchedSids };
}

function statementMatches(s: Record<string, Json>, request: IamRequest, context: Context): boolean {
  for (const key of Object.keys(s)) if (!STATEMENT_ELEMENTS.has(key)) throw new Error(`unsupported statement element ${key}`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new Error(`invalid Effect ${JSON.stringify(s.Effect)}`);
  if (s.NotPrincipal !== undefined) throw new Error('unsupported statement element NotPrincipal');
  if (s.Principal === undefined) throw new Error('a resource-based policy statement needs a Principal');
  const action = pick(s, 'Action', 'NotAction');
  const resource = pick(s, 'Resource', 'NotResource', true);
  // Every part is evaluated (no short-circuit), so an unsupported element throws whatever the request.
  const matches = [
    principalMatches(s.Principal, request.principal),
    action.negated !== action.values.some(p => globMatch(p, request.action, true)),
    resource.negated !== resource.values.some(p => {
      const pattern = substituteVariables(p, context);
      return pattern !== undefined && globMatch(pattern, request.resource, false);
    }),
    s.Condition === undefined || conditionMatches(asObject(s.Condition, 'Condition'), context),
  ];
  return matches.every(Boolean);
}

/** Exactly one of `name` / `Not<name>`, as a list of strings. */
function pick(s: Record<string, Json>, name: string, notName: string, variables = false): { negated: boolean; values: string[] } {
  if ((s[name] === undefined) === (s[notName] === undefined)) throw new Error(`a statement needs exactly one of ${name} and ${notName}`);
  const negated = s[name] === undefined;
  return { negated, values: strings(negated ? s[notName] : s[name], negated ? notName : name, false, variables) };
}

/** `${key}` replaced by the request's single-valued context value (wildcards in it escaped); undefined if it has none. */
function substituteVariables(pattern: string, context: Context): string | undefined {
  let unresolved = false;
  const result = pattern.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const value = context.get(key.toLowerCase());
    if (typeof value !== 'string') {
      unresolved = true;
      return '';
    }
    if (/[*?]/.test(value)) unresolved = true; // AWS substitutes literally; a wildcard in a value is not a wildcard
    return value;
  });
  return unresolved ? undefined : result;
}

// ---- principals -------------------------------------------------------------------------------

function principalMatches(principal: Json, caller: IamRequest['principal']): boolean {
  if (principal === '*') return true;
  const p = asObject(principal, 'Principal');
  return Object.entries(p).map(([kind, value]) => {
    const values = strings(value, `Principal.${kind}`);
    if (kind === 'Service') return 'service' in caller && values.some(v => v.toLowerCase() === caller.service.toLowerCase());
    if (kind === 'AWS') return values.some(v => v === '*' || ('aws' in caller && awsPrincipalMatches(v, caller.aws)));
    throw new Error(`unsupported principal type ${kind}`);
  }).some(Boolean);
}

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

/** 'arn:...:root' or an account id stands for every principal of the account; any other ARN for itself only. */
function awsPrincipalMatches(policyValue: string, caller: string): boolean {
  const account = ACCOUNT.test(policyValue) ? policyValue : ROOT.exec(policyValue)?.[1];
  if (account === undefined) return policyValue === caller;
  return accountOf(caller) === account;
}

function accountOf(caller: string): string | undefined {
  if (ACCOUNT.test(caller)) return caller;
  const account = caller.split(':')[4];
  return caller.startsWith('arn:') && account !== undefined && ACCOUNT.test(account) ? account : undefined;
}

// ---- wildcards --------------------------------------------------------------------------------

/** `*` is any sequence (':' and '/' included), `?` one character. */
function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** ArnLike/ArnEquals: each of the six colon-separated parts is matched on its own; the sixth keeps its colons. */
function arnMatch(pattern: string, value: string): boolean {
  const p = arnParts(pattern);
  if (p === undefined) throw new Error(`ArnLike/ArnEquals value is not an ARN: ${pattern}`);
  const v = arnParts(value);
  return v !== undefined && p.every((part, i) => globMatch(part, v[i], false));
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

// ---- conditions -------------------------------------------------------------------------------

type Test = (policyValue: string, requestValue: string) => boolean;

function numeric(compare: (a: number, b: number) => boolean): Test {
  return (p, r) => {
    const want = Number(p);
    if (p.trim() === '' || Number.isNaN(want)) throw new Error(`not a number in a Numeric condition: ${p}`);
    const got = Number(r);
    return r.trim() !== '' && !Number.isNaN(got) && compare(got, want);
  };
}

function bool(p: string, r: string): boolean {
  if (!/^(true|false)$/i.test(p)) throw new Error(`not a boolean in a Bool condition: ${p}`);
  return p.toLowerCase() === r.toLowerCase();
}

/** Base operators: the positive test, and whether the operator is its negation. */
const OPERATORS: Record<string, { test: Test; negated: boolean }> = {
  StringEquals: { test: (p, r) => p === r, negated: false },
  StringNotEquals: { test: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { test: (p, r) => globMatch(p, r, false), negated: false },
  StringNotLike: { test: (p, r) => globMatch(p, r, false), negated: true },
  ArnEquals: { test: arnMatch, negated: false },
  ArnLike: { test: arnMatch, negated: false },
  ArnNotEquals: { test: arnMatch, negated: true },
  ArnNotLike: { test: arnMatch, negated: true },
  Bool: { test: bool, negated: false },
  NumericEquals: { test: numeric((a, b) => a === b), negated: false },
  NumericNotEquals: { test: numeric((a, b) => a === b), negated: true },
  NumericLessThan: { test: numeric((a, b) => a < b), negated: false },
  NumericLessThanEquals: { test: numeric((a, b) => a <= b), negated: false },
  NumericGreaterThan: { test: numeric((a, b) => a > b), negated: false },
  NumericGreaterThanEquals: { test: numeric((a, b) => a >= b), negated: false },
};

/** The operator names evaluatePolicy accepts (each also with IfExists and the ForAnyValue:/ForAllValues: prefixes), plus Null. */
export const SUPPORTED_OPERATORS: readonly string[] = [...Object.keys(OPERATORS), 'Null'];

/** Operators AND, keys within an operator AND; all are evaluated, so an unsupported one always throws. */
function conditionMatches(condition: Record<string, Json>, context: Context): boolean {
  return Object.entries(condition).flatMap(([operator, block]) =>
    Object.entries(asObject(block, `Condition.${operator}`)).map(([key, value]) =>
      operatorMatches(operator, context.get(key.toLowerCase()), strings(value, `Condition.${operator}.${key}`, true)))).every(Boolean);
}

function operatorMatches(operator: string, requestValue: ContextValue | undefined, policyValues: string[]): boolean {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator)!;
  const [, set, base, ifExists] = m;
  if (base === 'Null') {
    if (set || ifExists) throw new Error(`unsupported condition operator ${operator}`);
    for (const v of policyValues) if (!/^(true|false)$/i.test(v)) throw new Error(`not a boolean in a Null condition: ${v}`);
    return policyValues.some(v => (v.toLowerCase() === 'true') === (requestValue === undefined));
  }
  const op = OPERATORS[base];
  if (op === undefined) throw new Error(`unsupported condition operator ${operator}`);
  for (const p of policyValues) op.test(p, p); // validates the policy's values (a bad number, boolean or ARN throws) whatever the request
  // One request value against the policy's values: OR for a positive operator, NOR for a negated one.
  const one = (r: string) => op.negated !== policyValues.some(p => op.test(p, r));
  if (set === undefined) {
    if (requestValue === undefined) return ifExists !== undefined || op.negated;
    if (Array.isArray(requestValue)) throw new Error(`${operator} on a multivalued key needs ForAnyValue: or ForAllValues:`);
    return one(requestValue);
  }
  const values = requestValue === undefined ? [] : [requestValue].flat();
  if (values.length === 0) return set === 'ForAllValues' || ifExists !== undefined;
  return set === 'ForAnyValue' ? values.some(one) : values.every(one);
}

// ---- helpers ----------------------------------------------------------------------------------

function contextOf(request: IamRequest): Context {
  const context: Context = new Map();
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (context.has(key.toLowerCase())) throw new Error(`context key ${key} given twice`);
    context.set(key.toLowerCase(), value);
  }
  return context;
}

function asObject(value: Json, what: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object: ${JSON.stringify(value)}`);
  return value as Record<string, Json>;
}

/** A string or a list of strings (numbers and booleans too, as condition values). */
function strings(value: Json, what: string, scalars = false, variables = false): string[] {
  return [value].flat().map(v => {
    if (typeof v === 'string' && v.includes('${') && !variables) throw new Error(`unsupported policy variable in ${what}: ${v}`);
    if (typeof v === 'string') return v;
    if (scalars && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
    throw new Error(`${what} must be a string or a list of strings, got ${JSON.stringify(v)} (unresolved intrinsic?)`);
  });
}
