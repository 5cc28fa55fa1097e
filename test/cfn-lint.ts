import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** cfn-lint from `.venv/` (installed by `npx projen tools`, which `npx projen test` runs) or the PATH. */
function cfnLintCommand(): string {
  const local = path.join(__dirname, '..', '.venv', 'bin', 'cfn-lint');
  if (fs.existsSync(local)) return local;
  const found = spawnSync('cfn-lint', ['--version']);
  if (found.status === 0) return 'cfn-lint';
  // Never skip: a run without cfn-lint would pass without checking anything.
  throw new Error('cfn-lint is not installed: run `npx projen tools` (npx projen test does it first).');
}

/** Lints CloudFormation templates; returns cfn-lint's exit code and what it printed. */
export function cfnLint(templateFiles: string[], options: string[] = []): { status: number | null; output: string } {
  const result = spawnSync(cfnLintCommand(), ['--format', 'parseable', ...options, '--', ...templateFiles], { encoding: 'utf-8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Lints named templates (written to a temporary folder, one file per name). */
export function cfnLintTemplates(templates: Record<string, { toJSON(): unknown }>, options: string[] = []): ReturnType<typeof cfnLint> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-lint-'));
  const files = Object.entries(templates).map(([name, template]) => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(template.toJSON()));
    return file;
  });
  return cfnLint(files, options);
}
