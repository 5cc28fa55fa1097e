import * as fs from 'fs';
import * as path from 'path';

/*
 * The API reference in Python and Java (docs/, `npx projen docgen:languages`, what Construct Hub
 * renders from the same assembly) reads right: every public type is there, the code is in the
 * language of the page, and the translated examples have no artefacts of the translation. CI
 * regenerates the files and fails when they differ from the committed ones (.ci/run, api-docs).
 */
const root = path.join(__dirname, '..');
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf-8'));
const pages = {
  python: fs.readFileSync(path.join(root, 'docs', 'API.python.md'), 'utf-8'),
  java: fs.readFileSync(path.join(root, 'docs', 'API.java.md'), 'utf-8'),
};

/** The bodies of the fenced blocks of one language. */
const fenced = (markdown: string, language: string) =>
  [...markdown.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map(m => m[1]);

describe.each(Object.entries(pages))('docs/API.%s.md', (language, page) => {
  test('documents every public type of the assembly', () => {
    const types = Object.values<any>(assembly.types).map(t => t.name);
    expect(types.length).toBeGreaterThan(20);
    expect(types.filter(name => !page.includes(`id="cdk-ssm-resource-data-sync.${name}"`))).toEqual([]);
  });

  test('its code blocks are in its language, not TypeScript', () => {
    const blocks = fenced(page, language);
    expect(blocks.length).toBeGreaterThan(50);
    expect(fenced(page, 'ts').concat(fenced(page, 'typescript'))).toEqual([]);
    const typescript = [/\bconst \w+\s*[:=]/, /\bimport \{/, /\bfrom '/, /=>/];
    expect(blocks.filter(code => typescript.some(re => re.test(code)))).toEqual([]);
  });

  test('no translated example repeats a comment line (a jsii-rosetta artefact)', () => {
    const comment = language === 'java' ? '//' : '#';
    const repeated = fenced(page, language).flatMap(code => code.split('\n')
      .filter((line, i, lines) => i > 0 && line.trim().startsWith(comment) && line.trim() === lines[i - 1].trim()));
    expect(repeated).toEqual([]);
  });

  test('optional and required properties are marked as in the assembly', () => {
    // ResourceDataSyncProps: all optional; SyncSourceOptions.regions: required.
    const props = assembly.types['cdk-ssm-resource-data-sync.ResourceDataSyncProps'].properties;
    const name = (p: string) => language === 'python' ? p.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`) : p;
    for (const p of props) {
      // (A deprecated property's name is struck through: ~~`syncType`~~.)
      expect(page).toMatch(new RegExp(`##### (~~)?\`${name(p.name)}\`(~~)?<sup>Optional</sup> <a name="${name(p.name)}" id="cdk-ssm-resource-data-sync\\.ResourceDataSyncProps\\.property\\.${p.name}">`));
    }
    expect(page).toContain('id="cdk-ssm-resource-data-sync.SyncSourceOptions.property.regions"');
    expect(page).toMatch(/##### `regions`<sup>Required<\/sup> <a name="regions" id="cdk-ssm-resource-data-sync.SyncSourceOptions.property.regions">/);
  });
});
