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
  expect(run.stdout).toContain('Synthesized 6 stacks');

  const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).map(f => path.join(outdir, f));
  expect(templates.map(f => path.basename(f)).sort()).toEqual([
    'CentralInventoryStack.template.json', 'ExistingBucketStack.template.json', 'InventoryStack.template.json',
    'MemberInventoryStack.template.json', 'OrganizationInventoryStack.template.json', 'OrganizationOpsDataStack.template.json',
  ]);
  // W3005: aws-cdk-lib's lambda.Function (the API-sync and monitor handlers) repeats its role in
  // DependsOn, which its GetAtt already orders; the only warning, and not this library's template.
  const { status, output } = cfnLint(templates, ['--ignore-checks', 'W3005']);
  expect(output).toBe('');
  expect(status).toBe(0);
  // The organization example's coverage census: its alarm on silent account-Regions notifies a topic.
  const organization = JSON.parse(fs.readFileSync(path.join(outdir, 'OrganizationInventoryStack.template.json'), 'utf-8'));
  const alarm = Object.values<any>(organization.Resources).find(r => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r).includes('SilentAccountRegions'));
  expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^CoverageAlarms/) }]);
});

/** The README's multi-account example, as pasted (the package name mapped to the compiled library). */
function runReadmeMultiAccountExample(context: Record<string, string>) {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
  const block = [...readme.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map(m => m[1]).find(code => code.includes('centralKeyArn'));
  expect(block).toBeDefined();
  // Inside the project (build/ is ignored by git), so that aws-cdk-lib resolves from node_modules.
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'build', 'readme-example-'));
  const file = path.join(dir, 'app.ts');
  fs.writeFileSync(file, block!.replace(/from 'cdk-ssm-resource-data-sync'/g, `from ${JSON.stringify(path.join(root, 'lib'))}`));
  // As the CDK CLI runs an app: CDK_CONTEXT_JSON set, so aws-cdk-lib synthesizes on exit.
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--project', 'examples/tsconfig.json', '--transpile-only', file], {
    cwd: root, encoding: 'utf-8', env: { ...process.env, CDK_OUTDIR: path.join(dir, 'cdk.out'), CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  return { ...run, outdir: path.join(dir, 'cdk.out') };
}

test('the README\'s multi-account example stops loudly without the central key ARN, and uses it when given', () => {
  const without = runReadmeMultiAccountExample({});
  expect(without.status).not.toBe(0);
  expect(without.stderr).toContain('No context value present for centralKeyArn key');

  const keyArn = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const run = runReadmeMultiAccountExample({ centralKeyArn: keyArn });
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
  const member = JSON.parse(fs.readFileSync(path.join(run.outdir, 'Inventory-222222222222-eu-west-1.template.json'), 'utf-8'));
  const sync = Object.values<any>(member.Resources).find(r => r.Type === 'AWS::SSM::ResourceDataSync');
  expect(sync.Properties.S3Destination.KMSKeyArn).toBe(keyArn);
});

test('the example app stops, with what to pass, when the central key ARN is not given (no made-up key)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-example-nokey-'));
  const file = path.join(root, 'examples', `.nokey-${path.basename(dir)}.ts`);
  fs.writeFileSync(file, "import { App } from 'aws-cdk-lib';\nimport { addExampleStacks } from './stacks';\naddExampleStacks(new App({ outdir: process.env.CDK_OUTDIR }));\n");
  try {
    const run = spawnSync(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--project', 'examples/tsconfig.json', '--transpile-only', file], {
      cwd: root, encoding: 'utf-8', env: { ...process.env, CDK_OUTDIR: dir, CDK_CONTEXT_JSON: '{}' },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('No context value present for centralKeyArn key: deploy CentralInventoryStack first, then pass its output with -c centralKeyArn=<KeyArn>.');
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
