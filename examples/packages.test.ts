import { javaArtifact, pythonPackage, unzip } from './dist';

/*
 * The Python and Java packages show Python and Java, not TypeScript: jsii-pacmak translates the
 * README and the doc examples with the tablet jsii-rosetta writes, and the packaging tasks run
 * `rosetta` first (.projenrc.ts). Run by `npx projen test:languages` after package:python and
 * package:java, in .ci/run.
 */

/** The bodies of the fenced blocks of one language in Markdown. */
function fenced(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + language + '[^\\n]*\\n([\\s\\S]*?)^```', 'gm'))].map(m => m[1]);
}

/** Signs of TypeScript that never appear in Python or Java code. */
const TYPESCRIPT = [/\bconst \w+\s*[:=]/, /\bimport \{/, /\bfrom '/, /\bdeclare const\b/, /=>/];
const typescriptIn = (code: string) => TYPESCRIPT.filter(re => re.test(code)).map(String);

describe('Python package (dist/python wheel)', () => {
  const wheel = pythonPackage('.whl');

  test('the README (the PyPI page) shows the examples in Python', () => {
    const blocks = fenced(unzip(wheel, /\.dist-info\/METADATA$/), 'python');
    expect(blocks.length).toBeGreaterThan(5);
    expect(blocks.map(typescriptIn).filter(found => found.length > 0)).toEqual([]);
    expect(blocks.join('\n')).toContain('ResourceDataSync(stack, "Inventory")');
  });

  test('docstrings show the examples in Python', () => {
    const module = unzip(wheel, /^cdk_ssm_resource_data_sync\/__init__\.py$/);
    const examples = [...module.matchAll(/Example::\n\n([\s\S]*?)'''/g)].map(m => m[1]);
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.map(typescriptIn).filter(found => found.length > 0)).toEqual([]);
    expect(examples.join('\n')).toMatch(/\bResourceDataSync\(stack, "\w+"/);
  });
});

describe('Java package (dist/java)', () => {
  test('the Javadoc shows the examples in Java', () => {
    const html = unzip(javaArtifact('-javadoc.jar'), /resourcedatasync\/ResourceDataSync\.html$/);
    const examples = [...html.matchAll(/<pre>([\s\S]*?)<\/pre>/g)].map(m => m[1]);
    expect(examples.join('\n')).toMatch(/ResourceDataSync(\.Builder\.create| \w+ = new ResourceDataSync)\(stack, "\w+"/);
    expect(examples.map(typescriptIn).filter(found => found.length > 0)).toEqual([]);
  });

  test('the sources jar\'s Javadoc comments show the examples in Java', () => {
    const source = unzip(javaArtifact('-sources.jar'), /resourcedatasync\/ResourceDataSync\.java$/);
    expect(source).toMatch(/ResourceDataSync(\.Builder\.create| \w+ = new ResourceDataSync)\(stack, "\w+"/);
    expect(typescriptIn(source.split('*/')[0])).toEqual([]);
  });
});
