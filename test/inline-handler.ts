import * as fs from 'fs';
import * as path from 'path';
import { inlineHandlerCode } from '../src/inline-code';

/** What the handlers log goes nowhere in tests. */
const QUIET = { log: () => undefined };

/**
 * Loads a handler of this library from the exact text that is embedded in the templates (comments
 * and indentation stripped), as a CommonJS module whose `require` is jest's: the AWS SDK clients it
 * requires are the ones aws-sdk-client-mock mocks.
 *
 * Under mutation testing (`npx projen mutate`, mutation/README.md) the handler file is Stryker's
 * instrumented copy, which is far longer than inline code may be: it is then run as it is, unstripped
 * (the stripping itself is tested on the real file in test/api-sync/api-sync.test.ts and here).
 */
export function loadInlineHandler(dir: string, modules: { [name: string]: any } = {}, file = 'handler.js'): any {
  const module = { exports: {} as any };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string) => modules[name] ?? require(name);
  const text = fs.readFileSync(path.join(dir, file), 'utf-8');
  const code = isInstrumented(text) ? text : inlineHandlerCode(dir, file);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', 'console', code)(load, module, module.exports, QUIET);
  return module.exports;
}

/** Whether a handler file is Stryker's instrumented copy (its mutants switched by `__stryker__`). */
function isInstrumented(code: string): boolean {
  return code.includes('__stryker__') && process.env.STRYKER_MUTATOR_WORKER !== undefined;
}

/**
 * `test`, or `test.skip` where the handler file is Stryker's instrumented copy (under mutation
 * testing): no template can embed that copy (it is far longer than inline code may be), so a test
 * that synthesizes a stack with the handler cannot run then.
 */
export function testWithTemplate(dir: string, file = 'handler.js'): jest.It {
  return isInstrumented(fs.readFileSync(path.join(dir, file), 'utf-8')) ? test.skip : test;
}
