import * as fs from 'fs';
import * as path from 'path';

/** The most CloudFormation accepts as inline Lambda code (`Code.ZipFile`) for Node.js, in characters. */
export const MAX_INLINE_CODE = 4096;

const cache = new Map<string, string>();

/**
 * The source of a Lambda handler of this library (`<dir>/handler.js`, copied next to the compiled
 * module by the compile task), ready to be embedded as inline code: whole-line `//` comments,
 * indentation and blank lines removed. The handlers are written for this (no block comments, no
 * template literals), and their unit tests run this stripped text, not the file.
 */
export function inlineHandlerCode(dir: string): string {
  const file = path.join(dir, 'handler.js');
  let code = cache.get(file);
  if (code === undefined) {
    code = fs.readFileSync(file, 'utf-8').split('\n')
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('//'))
      .join('\n');
    if (code.length > MAX_INLINE_CODE) {
      throw new Error(`${file} is ${code.length} characters once stripped; CloudFormation takes at most ${MAX_INLINE_CODE} as inline code.`);
    }
    cache.set(file, code);
  }
  return code;
}
