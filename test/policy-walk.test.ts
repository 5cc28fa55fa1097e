import { committedSnapshotTemplates } from './snapshots';

/*
 * Walks every statement of every policy in every committed snapshot stack (bucket policies, key
 * policies, IAM policies) and proves the library never writes a wide grant:
 * - no Allow to a `*` principal without an organization condition;
 * - no Allow of `*`, `s3:*` or `kms:*`, except the account-root key administration statement that
 *   aws-cdk-lib writes into every key (AWS's default key policy: it delegates key access to IAM in
 *   the key's own account, and dropping it can leave a key nobody can manage);
 * - every Allow to a service principal carries a confused-deputy condition (aws:SourceAccount or
 *   aws:SourceOrgID), except `s3:GetBucketAcl` on the bucket, which AWS documents unconditioned.
 */
const templates = committedSnapshotTemplates();

interface Found { stack: string; resource: string; statement: any }

function statementsOf(template: any, stack: string): Found[] {
  const found: Found[] = [];
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    const documents = [r.Properties?.PolicyDocument, r.Properties?.KeyPolicy].filter(Boolean);
    for (const doc of documents) for (const statement of [doc.Statement].flat()) found.push({ stack, resource: `${id} (${r.Type})`, statement });
  }
  return found;
}

const all = Object.entries(templates).flatMap(([name, t]) => statementsOf(t, name));
const allows = all.filter(f => f.statement.Effect === 'Allow');
const list = (v: any): any[] => (v === undefined ? [] : [v].flat());
const conditionKeys = (s: any) => Object.values<any>(s.Condition ?? {}).flatMap(c => Object.keys(c));

test('the walk sees every use case and their policies', () => {
  expect(Object.keys(templates).length).toBeGreaterThanOrEqual(10);
  expect(allows.filter(f => f.resource.includes('AWS::S3::BucketPolicy')).length).toBeGreaterThan(10);
  expect(allows.filter(f => f.resource.includes('AWS::KMS::Key')).length).toBeGreaterThan(5);
});

test('no Allow to a * principal without an organization condition', () => {
  const wide = allows.filter(({ statement: s }) => {
    const principals = s.Principal === '*' ? ['*'] : Object.values<any>(s.Principal ?? {}).flatMap(list);
    return principals.includes('*') && !conditionKeys(s).some(k => /^aws:(Source|Principal)OrgID$/.test(k));
  });
  expect(wide).toEqual([]);
});

test('no Allow of *, s3:* or kms:*, but the account-root key administration statement', () => {
  const wide = allows.filter(({ statement: s }) => list(s.Action).some(a => a === '*' || a === 's3:*' || a === 'kms:*'));
  for (const { resource, statement } of wide) {
    expect(resource).toContain('AWS::KMS::Key');
    expect(statement).toEqual({
      Action: 'kms:*',
      Effect: 'Allow',
      Principal: { AWS: expect.anything() },
      Resource: '*',
    });
    const root = JSON.stringify(statement.Principal.AWS);
    expect(root).toMatch(/:iam::(111122223333|\{"Ref":"AWS::AccountId"\}|","\{"Ref":"AWS::AccountId"\}",")?.*:root/);
  }
});

test('every Allow to a service principal is bound to an account or organization, but the documented GetBucketAcl', () => {
  const services = allows.filter(({ statement: s }) => s.Principal?.Service !== undefined && s.Resource !== undefined);
  expect(services.length).toBeGreaterThan(10);
  const unbound = services.filter(({ statement: s }) =>
    !(list(s.Action).length === 1 && s.Action === 's3:GetBucketAcl')
    && !conditionKeys(s).some(k => k === 'aws:SourceAccount' || k === 'aws:SourceOrgID'));
  expect(unbound).toEqual([]);
});

test('every PutObject for ssm.amazonaws.com requires bucket-owner-full-control and stays under accountid= paths', () => {
  const puts = allows.filter(({ statement: s }) => s.Principal?.Service === 'ssm.amazonaws.com' && s.Action === 's3:PutObject');
  expect(puts.length).toBeGreaterThan(5);
  for (const { statement: s } of puts) {
    expect(s.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(JSON.stringify(s.Resource)).toMatch(/\/\*\/accountid=/);
  }
});
