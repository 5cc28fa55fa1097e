import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Validates AWS API requests against botocore's models (test/api-sync/validate_requests.py, with
 * the botocore of `.venv/`): its ParamValidator, plus the models' maximums, patterns and enums.
 * A request names its `service` (default `ssm`).
 */
export function validate(requests: Array<{ operation: string; params: any; service?: string }>): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-botocore-'));
  try {
    const file = path.join(dir, 'requests.json');
    fs.writeFileSync(file, JSON.stringify(requests));
    const python = path.join(__dirname, '..', '.venv', 'bin', 'python');
    if (!fs.existsSync(python)) throw new Error('.venv/ is missing: run `npx projen tools`.');
    const result = spawnSync(python, [path.join(__dirname, 'api-sync', 'validate_requests.py'), file], { encoding: 'utf-8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
