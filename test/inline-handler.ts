import { inlineHandlerCode } from '../src/inline-code';

/** What the handlers log goes nowhere in tests. */
const QUIET = { log: () => undefined };

/**
 * Loads a handler of this library from the exact text that is embedded in the templates (comments
 * and indentation stripped), as a CommonJS module whose `require` is jest's: the AWS SDK clients it
 * requires are the ones aws-sdk-client-mock mocks.
 */
export function loadInlineHandler(dir: string, modules: { [name: string]: any } = {}, file?: string): any {
  const module = { exports: {} as any };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string) => modules[name] ?? require(name);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', 'console', inlineHandlerCode(dir, file))(load, module, module.exports, QUIET);
  return module.exports;
}
