import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { installPythonApps, pythonVenv } from './dist';

/*
 * The example app in TypeScript, Python and Java must synthesize the same templates.
 * Run by `npx projen test:languages` (after package:python and package:java), in .ci/run.
 * Python: a fresh virtual environment under build/ with the built wheel and aws-cdk-lib from PyPI.
 * Java: the built jar installed into a Maven repository under build/, aws-cdk-lib from Maven Central.
 */
const root = path.join(__dirname, '..');
const build = path.join(root, 'build');
const m2 = path.join(build, 'm2');
const env = {
  ...process.env,
  // The same feature flags and context for the three apps (App reads CDK_CONTEXT_JSON), as
  // `cdk synth -c centralKeyArn=...` gives them.
  CDK_CONTEXT_JSON: JSON.stringify({ ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, centralKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
  PIP_CACHE_DIR: path.join(build, 'pip-cache'),
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
};

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return String(result.stdout);
}

/** Each stack's template, keys sorted, by stack name. */
function templates(outdir: string): Record<string, string> {
  const sorted = (v: any): any => Array.isArray(v) ? v.map(sorted)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sorted(v[k])])) : v;
  return Object.fromEntries(fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))
    .map(f => [f.replace('.template.json', ''), JSON.stringify(sorted(JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf-8'))), undefined, 1)]));
}

const outdir = (language: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rds-${language}-`));
const STACKS = ['CentralInventoryStack', 'ExistingBucketStack', 'InventoryStack', 'MemberInventoryStack', 'OrganizationInventoryStack', 'OrganizationOpsDataStack'];
let typescript: Record<string, string>;

beforeAll(() => {
  const out = outdir('typescript');
  run(path.join(root, 'node_modules', '.bin', 'ts-node'), ['--project', 'examples/tsconfig.json', 'examples/app.ts'], { env: { ...env, CDK_OUTDIR: out } });
  typescript = templates(out);
  expect(Object.keys(typescript).sort()).toEqual(STACKS);
});

test('Python: the app on the built wheel synthesizes the same templates as TypeScript', () => {
  const wheel = fs.readdirSync(path.join(root, 'dist', 'python')).find(f => f.endsWith('.whl'));
  expect(wheel).toBeDefined();
  installPythonApps(path.join(root, 'dist', 'python', wheel!));
  const python = path.join(pythonVenv, 'bin', 'python');
  const out = outdir('python');
  expect(run(python, ['app.py'], { cwd: path.join(root, 'examples', 'python'), env: { ...env, CDK_OUTDIR: out } })).toContain('Synthesized 6 stacks');
  const python_ = templates(out);
  expect(Object.keys(python_).sort()).toEqual(STACKS);
  for (const stack of STACKS) expect({ stack, template: python_[stack] }).toEqual({ stack, template: typescript[stack] });
});

test('Java: the app on the built jar synthesizes the same templates as TypeScript', () => {
  const dir = path.join(root, 'dist', 'java', 'io', 'github', 'cdkssm', 'cdk-ssm-resource-data-sync', '0.0.0');
  const jar = path.join(dir, 'cdk-ssm-resource-data-sync-0.0.0.jar');
  expect(fs.existsSync(jar)).toBe(true);
  const maven = ['-q', '-B', `-Dmaven.repo.local=${m2}`];
  run('mvn', [...maven, 'install:install-file', `-Dfile=${jar}`, `-DpomFile=${path.join(dir, 'cdk-ssm-resource-data-sync-0.0.0.pom')}`]);
  const out = outdir('java');
  expect(run('mvn', [...maven, 'compile', 'exec:java'], { cwd: path.join(root, 'examples', 'java'), env: { ...env, CDK_OUTDIR: out } }))
    .toContain('Synthesized 6 stacks');
  const java = templates(out);
  expect(Object.keys(java).sort()).toEqual(STACKS);
  for (const stack of STACKS) expect({ stack, template: java[stack] }).toEqual({ stack, template: typescript[stack] });
});
