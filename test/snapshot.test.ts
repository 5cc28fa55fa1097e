import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { cfnLint } from './cfn-lint';
import { USE_CASES } from './use-cases';

/*
 * Whole-stack snapshots, one per use case. They fail on any change (jest runs with
 * --ci and snapshots are never rewritten by `npx projen test`); `npx projen test:update` rewrites
 * them on purpose.
 */
describe.each(Object.entries(USE_CASES))('%s', (_, build) => {
  const template = Template.fromStack(build()).toJSON();

  test('matches the snapshot', () => {
    expect(template).toMatchSnapshot();
  });
});

test('cfn-lint finds nothing in any use-case template', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-lint-'));
  const files = Object.entries(USE_CASES).map(([name, build]) => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(build()).toJSON(), undefined, 1));
    return file;
  });
  const { status, output } = cfnLint(files);
  expect(output).toBe('');
  expect(status).toBe(0);
});
