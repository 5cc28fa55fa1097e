import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cfnLint } from './cfn-lint';

/*
 * The example app, run as the README's main-job command runs it (against the compiled library in
 * lib/, so `npx projen build` or `npx projen compile` must have run), then linted with cfn-lint.
 */
const root = path.join(__dirname, '..');

test('the example app synthesizes its stacks and cfn-lint finds nothing in them', () => {
  expect(fs.existsSync(path.join(root, 'lib', 'index.js'))).toBe(true);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-example-'));
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--project', 'examples/tsconfig.json', 'examples/app.ts'], {
    cwd: root, encoding: 'utf-8', env: { ...process.env, CDK_OUTDIR: outdir },
  });
  // stderr carries aws-cdk-lib's report of warnings (the member stack's bucketPolicyNotManaged).
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
  expect(run.stdout).toContain('Synthesized 5 stacks');

  const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).map(f => path.join(outdir, f));
  expect(templates.map(f => path.basename(f)).sort()).toEqual([
    'CentralInventoryStack.template.json', 'ExistingBucketStack.template.json', 'InventoryStack.template.json',
    'MemberInventoryStack.template.json', 'OrganizationOpsDataStack.template.json',
  ]);
  const { status, output } = cfnLint(templates);
  expect(output).toBe('');
  expect(status).toBe(0);
});
