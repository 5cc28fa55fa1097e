/*
 * Resolves the bucket and key policies of a synthesized CloudFormation template (the JSON of
 * `Template.fromStack(stack).toJSON()`) into concrete policy documents for ./evaluate.ts.
 *
 * A test tool: it gives every resource a predictable physical name rather than what CloudFormation
 * would generate (a bucket without BucketName is its logical id lower-cased, a key's id is its
 * logical id, a role's name is its logical id, the stack name is 'Stack'), and it resolves only the
 * intrinsics CDK writes into these policies. Anything else (Fn::If and conditions, Fn::ImportValue, Fn::FindInMap, unknown
 * GetAtt attributes, parameters without a Default) throws rather than guessing.
 */

export interface TemplateEnv {
  readonly account: string;
  readonly region: string;
  /** Default 'aws'. */
  readonly partition?: string;
}

export interface ResolvedPolicies {
  /** Bucket policies by bucket ARN ('arn:<partition>:s3:::<bucket name>'). */
  readonly bucketPolicies: Record<string, unknown>;
  /** Key policies by key ARN ('arn:<partition>:kms:<region>:<account>:key/<logicalId>'). */
  readonly keyPolicies: Record<string, unknown>;
  /** Physical names/ARNs assigned to each resource, by logical id: { ref, arn }. */
  readonly resources: Record<string, { ref: string; arn?: string }>;
}

/** Dropped from lists and objects, as CloudFormation drops AWS::NoValue. */
const NO_VALUE = Symbol('AWS::NoValue');

export function resolveTemplatePolicies(template: any, env: TemplateEnv): ResolvedPolicies {
  const bucketPolicies: Record<string, unknown> = {};
  const keyPolicies: Record<string, unknown> = {};
  const resources: Record<string, { ref: string; arn?: string }> = {};
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    const arn = arnOf(template, id, env);
    resources[id] = arn === undefined ? { ref: refOf(template, id, env) } : { ref: refOf(template, id, env), arn };
    if (r.Type === 'AWS::S3::BucketPolicy') {
      const bucket = `arn:${partition(env)}:s3:::${resolveString(template, r.Properties.Bucket, env)}`;
      if (bucket in bucketPolicies) throw new Error(`two bucket policies for ${bucket}`);
      bucketPolicies[bucket] = resolveValue(template, r.Properties.PolicyDocument, env);
    }
    if (r.Type === 'AWS::KMS::Key' && r.Properties?.KeyPolicy !== undefined) {
      keyPolicies[arn!] = resolveValue(template, r.Properties.KeyPolicy, env);
    }
  }
  return { bucketPolicies, keyPolicies, resources };
}

/** Resolve intrinsics in any value of the template (for tests that need e.g. the sync's S3Destination). */
export function resolveValue(template: any, value: unknown, env: TemplateEnv): unknown {
  const resolved = resolve(template, value, env);
  if (resolved === NO_VALUE) throw new Error('the value resolves to AWS::NoValue');
  return resolved;
}

function resolve(template: any, value: unknown, env: TemplateEnv): unknown {
  if (Array.isArray(value)) return value.map(v => resolve(template, v, env)).filter(v => v !== NO_VALUE);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [name, arg] = entries[0] ?? [];
  if (entries.length === 1 && (name === 'Ref' || name.startsWith('Fn::'))) return intrinsic(template, name, arg, env);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const r = resolve(template, v, env);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function intrinsic(template: any, name: string, arg: any, env: TemplateEnv): unknown {
  const str = (v: unknown) => resolveString(template, v, env);
  const list = (v: unknown): string[] => {
    const r = resolve(template, v, env);
    if (!Array.isArray(r)) throw new Error(`${name} needs a list, got ${JSON.stringify(r)}`);
    return r.map(str);
  };
  switch (name) {
    case 'Ref': return ref(template, arg, env);
    case 'Fn::GetAtt': {
      const [id, attribute] = typeof arg === 'string' ? splitOnce(arg, '.') : arg;
      return getAtt(template, id, attribute, env);
    }
    case 'Fn::Join': return list(arg[1]).join(str(arg[0]));
    case 'Fn::Select': {
      const index = Number(resolve(template, arg[0], env));
      return list(arg[1])[index] ?? fail(`Fn::Select index ${JSON.stringify(arg[0])} out of range`);
    }
    case 'Fn::Split': return str(arg[1]).split(str(arg[0]));
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : arg;
      return str(text).replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, key: string) => {
        if (bang) return `\${${key}}`;
        if (vars && key in vars) return str(vars[key]);
        const [id, attribute] = splitOnce(key, '.');
        return attribute === undefined ? str({ Ref: id }) : getAtt(template, id, attribute, env);
      });
    }
    default: throw new Error(`unsupported intrinsic ${name}`);
  }
}

function ref(template: any, id: string, env: TemplateEnv): unknown {
  switch (id) {
    case 'AWS::Partition': return partition(env);
    case 'AWS::AccountId': return env.account;
    case 'AWS::Region': return env.region;
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return 'Stack'; // the template does not carry its name; test/util.ts's newStack() uses 'Stack'
    case 'AWS::NoValue': return NO_VALUE;
  }
  const parameter = template.Parameters?.[id];
  if (parameter !== undefined) {
    if (parameter.Default === undefined) throw new Error(`parameter ${id} has no Default`);
    return parameter.Default;
  }
  return refOf(template, id, env);
}

/** The Ref of a resource. */
function refOf(template: any, id: string, env: TemplateEnv): string {
  const r = template.Resources?.[id];
  if (r === undefined) throw new Error(`no resource or parameter ${id} in the template`);
  if (r.Type === 'AWS::S3::Bucket') return r.Properties?.BucketName === undefined ? id.toLowerCase() : resolveString(template, r.Properties.BucketName, env);
  return id;
}

/** The Arn attribute of the resource types the policies name, undefined for others. */
function arnOf(template: any, id: string, env: TemplateEnv): string | undefined {
  const p = partition(env);
  switch (template.Resources?.[id]?.Type) {
    case 'AWS::S3::Bucket': return `arn:${p}:s3:::${refOf(template, id, env)}`;
    case 'AWS::KMS::Key': return `arn:${p}:kms:${env.region}:${env.account}:key/${id}`;
    case 'AWS::IAM::Role': return `arn:${p}:iam::${env.account}:role/${id}`;
    default: return undefined;
  }
}

function getAtt(template: any, id: string, attribute: string, env: TemplateEnv): string {
  const type = template.Resources?.[id]?.Type;
  if (attribute === 'Arn' && arnOf(template, id, env) !== undefined) return arnOf(template, id, env)!;
  if (type === 'AWS::KMS::Key' && attribute === 'KeyId') return id;
  throw new Error(`unsupported Fn::GetAtt ${id}.${attribute} (${type})`);
}

function resolveString(template: any, value: unknown, env: TemplateEnv): string {
  const r = resolve(template, value, env);
  if (typeof r !== 'string') throw new Error(`expected a string, got ${JSON.stringify(r)}`);
  return r;
}

function partition(env: TemplateEnv): string {
  return env.partition ?? 'aws';
}

function splitOnce(s: string, separator: string): [string, string | undefined] {
  const i = s.indexOf(separator);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function fail(message: string): never {
  throw new Error(message);
}
