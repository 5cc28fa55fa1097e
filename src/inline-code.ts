import * as fs from 'fs';
import * as path from 'path';

/** The most CloudFormation accepts as inline Lambda code (`Code.ZipFile`) for Node.js, in characters. */
export const MAX_INLINE_CODE = 4096;

const cache = new Map<string, string>();

/**
 * The source of a Lambda handler of this library (`<dir>/<file>`, `handler.js` by default, copied next to the compiled
 * module by the compile task), ready to be embedded as inline code: whole-line `//` comments,
 * indentation and blank lines removed, and the spaces next to punctuation outside string literals
 * (`a = { b: 1 }` → `a={b:1}`). The handlers are written for this (no block comments, no template
 * literals, no regular expression with a space next to punctuation, no `a - -b`), and their unit
 * tests run this stripped text, not the file.
 */
export function inlineHandlerCode(dir: string, fileName = 'handler.js'): string {
  const file = path.join(dir, fileName);
  let code = cache.get(file);
  if (code === undefined) {
    code = fs.readFileSync(file, 'utf-8').split('\n')
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('//'))
      .map(squeeze)
      .join('\n');
    if (code.length > MAX_INLINE_CODE) {
      throw new Error(`${file} is ${code.length} characters once stripped; CloudFormation takes at most ${MAX_INLINE_CODE} as inline code.`);
    }
    cache.set(file, code);
  }
  return code;
}

const PUNCTUATION = /[{}()[\],;:=<>+\-*/?!&|.]/;

/** One line without the spaces next to punctuation, string literals ('...' and "...") kept as they are. */
function squeeze(line: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      out += c;
      if (c === '\\') out += line[++i] ?? '';
      else if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"') {
      quote = c;
      out += c;
    } else if (c === ' ') {
      let j = i;
      while (line[j + 1] === ' ') j++;
      const next = line[j + 1];
      if (!(PUNCTUATION.test(out[out.length - 1] ?? '') || (next !== undefined && PUNCTUATION.test(next)))) out += ' ';
      i = j;
    } else {
      out += c;
    }
  }
  return out;
}
