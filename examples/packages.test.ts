import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * The Python and Java packages show Python and Java, not TypeScript: jsii-pacmak translates the
 * README and the doc examples with the tablet jsii-rosetta writes, and the packaging tasks run
 * `rosetta` first (.projenrc.ts). Run by `npx projen test:languages` after package:python and
 * package:java, in .ci/run.
 */
const root = path.join(__dirname, '..');
const javaDir = path.join(root, 'dist', 'java', 'io', 'github', 'cdkssm', 'cdk-ssm-resource-data-sync', '0.0.0');

/** One file of a zip archive (a wheel or a jar), read with Python's zipfile (no unzip needed). */
function unzip(archive: string, match: RegExp): string {
  const script = 'import re, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nname = next(n for n in z.namelist() if re.search(sys.argv[2], n))\nsys.stdout.write(z.read(name).decode("utf-8"))';
  return execFileSync('python3', ['-c', script, archive, match.source], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
}

/** The bodies of the fenced blocks of one language in Markdown. */
function fenced(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + language + '[^\\n]*\\n([\\s\\S]*?)^```', 'gm'))].map(m => m[1]);
}

/** Signs of TypeScript that never appear in Python or Java code. */
const TYPESCRIPT = [/\bconst \w+\s*[:=]/, /\bimport \{/, /\bfrom '/, /\bdeclare const\b/, /=>/];
const typescriptIn = (code: string) => TYPESCRIPT.filter(re => re.test(code)).map(String);

describe('Python package (dist/python wheel)', () => {
  const wheel = path.join(root, 'dist', 'python', fs.readdirSync(path.join(root, 'dist', 'python')).find(f => f.endsWith('.whl'))!);

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
    const html = unzip(path.join(javaDir, 'cdk-ssm-resource-data-sync-0.0.0-javadoc.jar'), /resourcedatasync\/ResourceDataSync\.html$/);
    const examples = [...html.matchAll(/<pre>([\s\S]*?)<\/pre>/g)].map(m => m[1]);
    expect(examples.join('\n')).toMatch(/ResourceDataSync(\.Builder\.create| \w+ = new ResourceDataSync)\(stack, "\w+"/);
    expect(examples.map(typescriptIn).filter(found => found.length > 0)).toEqual([]);
  });

  test('the sources jar\'s Javadoc comments show the examples in Java', () => {
    const source = unzip(path.join(javaDir, 'cdk-ssm-resource-data-sync-0.0.0-sources.jar'), /resourcedatasync\/ResourceDataSync\.java$/);
    expect(source).toMatch(/ResourceDataSync(\.Builder\.create| \w+ = new ResourceDataSync)\(stack, "\w+"/);
    expect(typescriptIn(source.split('*/')[0])).toEqual([]);
  });
});
