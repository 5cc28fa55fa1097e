import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * The README's Python and Java code, run as a user runs it. Run by `npx projen test:languages`
 * (after package:python and package:java), in .ci/run.
 *
 * Every ```python and ```java block of README.md is either a complete program or marked
 * ```python fragment / ```java fragment. A complete block is one of:
 * - an app (it calls `app.synth()`): written into a folder laid out as `cdk init app` lays it out
 *   (app.py, or a Maven project with the class under src/main/java and the pom's exec mainClass),
 *   with the `cdk.json` `cdk init` writes, and synthesized by the real CDK CLI: `cdk synth`;
 * - a test (pytest `def test_`, or JUnit `@Test`): run with pytest, or `mvn test` (in the Maven
 *   project of the Java app, as a user's tests are).
 * The ```tsx block (the jest example, which jsii-rosetta would otherwise translate into the Python
 * and Java READMEs) is run with jest the same way.
 *
 * The library is the built package (the wheel in dist/python, the jar in dist/java installed into
 * build/m2); aws-cdk-lib is the version the example apps use (examples/python/requirements.txt and
 * examples/java/pom.xml), and so are the Maven plugins' versions, so that CI downloads little more
 * (surefire and JUnit for the JUnit example). Folders: build/readme/.
 */
const root = path.join(__dirname, '..');
const build = path.join(root, 'build');
const work = path.join(build, 'readme');
const m2 = path.join(build, 'm2');
const venv = path.join(build, 'python-venv');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const env = {
  ...process.env,
  PIP_CACHE_DIR: path.join(build, 'pip-cache'),
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  // `python3` and `pip` are the virtual environment's, as after `source .venv/bin/activate`.
  PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH}`,
  VIRTUAL_ENV: venv,
  // Maven's local repository (the library's jar is installed there).
  MAVEN_OPTS: `-Dmaven.repo.local=${m2}`,
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd ?? root}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return `${result.stdout}\n${result.stderr}`;
}

interface Block { readonly language: string; readonly info: string[]; readonly code: string; readonly line: number }

/** The fenced code blocks of a Markdown file. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    blocks.push({ language: open[1], info: open[2].trim().split(/\s+/).filter(Boolean), code: body.join('\n') + '\n', line: start + 1 });
  }
  return blocks;
}

const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
const blocks = codeBlocks(readme).filter(b => ['python', 'java', 'tsx'].includes(b.language));
const complete = blocks.filter(b => !b.info.includes('fragment'));
const kind = (b: Block) => b.code.includes('app.synth()') ? 'app' : /def test_|@Test|^test\(/m.test(b.code) ? 'test' : 'neither';
const name = (b: Block) => `${b.language} ${kind(b)} (README.md line ${b.line})`;

/** aws-cdk-lib of the example apps: what build/python-venv and build/m2 already hold. */
const CDK_LIB_VERSION = /<artifactId>aws-cdk-lib<\/artifactId>\s*<version>([^<]+)</.exec(fs.readFileSync(path.join(root, 'examples', 'java', 'pom.xml'), 'utf-8'))![1];

/** A dependency's or plugin's version in examples/java/pom.xml. */
function pomVersion(artifact: string): string {
  const examplePom = fs.readFileSync(path.join(root, 'examples', 'java', 'pom.xml'), 'utf-8');
  return new RegExp(`<artifactId>${artifact}</artifactId>\\s*<version>([^<]+)<`).exec(examplePom)![1];
}

/** The library in the virtual environment and in the Maven repository, once. */
let pythonReady = false;
function preparePython() {
  if (pythonReady) return;
  const wheel = fs.readdirSync(path.join(root, 'dist', 'python')).find(f => f.endsWith('.whl'))!;
  if (!fs.existsSync(path.join(venv, 'bin', 'python'))) run('python3', ['-m', 'venv', venv]);
  run('python3', ['-m', 'pip', 'install', '--quiet', '-r', 'examples/python/requirements.txt', 'pytest==8.4.2']);
  run('python3', ['-m', 'pip', 'install', '--quiet', '--force-reinstall', '--no-deps', path.join('dist', 'python', wheel)]);
  pythonReady = true;
}
let javaReady = false;
function prepareJava() {
  if (javaReady) return;
  const dir = path.join(root, 'dist', 'java', 'io', 'github', 'cdkssm', 'cdk-ssm-resource-data-sync', '0.0.0');
  run('mvn', ['-q', '-B', `-Dmaven.repo.local=${m2}`, 'install:install-file',
    `-Dfile=${path.join(dir, 'cdk-ssm-resource-data-sync-0.0.0.jar')}`, `-DpomFile=${path.join(dir, 'cdk-ssm-resource-data-sync-0.0.0.pom')}`]);
  javaReady = true;
}

/**
 * The pom.xml `cdk init app --language java` writes (the CLI's own template), with the README's
 * additions: the dependency on the library, and the surefire plugin for the JUnit example.
 */
function pom(mainClass: string): string {
  const template = fs.readFileSync(path.join(root, 'node_modules', 'aws-cdk', 'lib', 'init-templates', 'app', 'java', 'pom.xml'), 'utf-8');
  const xml = (artifact: string) => {
    const found = codeBlocks(readme).find(b => b.language === 'xml' && b.code.includes(`<artifactId>${artifact}</artifactId>`));
    expect({ artifact, found: !!found }).toEqual({ artifact, found: true });
    return found!.code.trimEnd();
  };
  const result = template
    .replace(/%name%/g, 'readme-app')
    .replace('%cdk-version%', CDK_LIB_VERSION)
    .replace('%constructs-version%', pomVersion('constructs'))
    .replace(/<mainClass>[^<]*<\/mainClass>/, `<mainClass>${mainClass}</mainClass>`)
    // The versions of examples/java/pom.xml, which CI has downloaded already.
    .replace(/(<artifactId>maven-compiler-plugin<\/artifactId>\s*<version>)[^<]*/, `$1${pomVersion('maven-compiler-plugin')}`)
    .replace(/(<artifactId>exec-maven-plugin<\/artifactId>\s*<version>)[^<]*/, `$1${pomVersion('exec-maven-plugin')}`)
    .replace(/(\n\s*<\/plugins>)/, `\n${xml('maven-surefire-plugin')}$1`)
    .replace(/(\n\s*<\/dependencies>)/, `\n${xml('cdk-ssm-resource-data-sync')}$1`);
  expect(result).not.toMatch(/%[\w.-]+%/);
  return result;
}

/** A Java source file's path under src/main/java (or src/test/java): from its package and class. */
function javaFile(code: string): { file: string; className: string } {
  const pkg = /^package\s+([\w.]+);/m.exec(code)?.[1];
  const cls = /public\s+class\s+(\w+)/.exec(code)![1];
  return { file: path.join(...(pkg ? pkg.split('.') : []), `${cls}.java`), className: pkg ? `${pkg}.${cls}` : cls };
}

/**
 * A new folder for a block. The Java blocks share one Maven project, as a user's app and its tests
 * do (one compile, one dependency resolution).
 */
const made = new Set<string>();
function folder(b: Block): string {
  const dir = path.join(work, b.language === 'java' ? 'java' : `${b.language}-line-${b.line}`);
  if (!made.has(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  return dir;
}

/** `cdk synth` as a user runs it, then what it wrote. */
function cdkSynth(dir: string): string[] {
  const output = run(cdk, ['synth', '--quiet'], { cwd: dir });
  const manifest = path.join(dir, 'cdk.out', 'manifest.json');
  expect({ output, manifest: fs.existsSync(manifest) }).toEqual({ output, manifest: true });
  const templates = fs.readdirSync(path.join(dir, 'cdk.out')).filter(f => f.endsWith('.template.json'));
  return templates.map(f => fs.readFileSync(path.join(dir, 'cdk.out', f), 'utf-8'));
}

test('every Python and Java block of the README is a complete program or marked as a fragment', () => {
  expect(blocks.filter(b => b.language !== 'tsx').length).toBeGreaterThan(0);
  expect(complete.filter(b => kind(b) === 'neither').map(name)).toEqual([]);
  // The quick starts are among the apps.
  expect(complete.filter(b => kind(b) === 'app').map(b => b.language).sort()).toEqual(expect.arrayContaining(['java', 'python']));
});

describe.each(complete.filter(b => kind(b) !== 'neither').map(b => [name(b), b] as const))('%s', (_, block) => {
  test('runs', () => {
    const dir = folder(block);
    if (block.language === 'python') {
      preparePython();
      if (kind(block) === 'app') {
        fs.writeFileSync(path.join(dir, 'app.py'), block.code);
        fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'python3 app.py' }));
        expect(cdkSynth(dir).join('\n')).toContain('AWS::SSM::ResourceDataSync');
      } else {
        fs.mkdirSync(path.join(dir, 'tests'));
        fs.writeFileSync(path.join(dir, 'tests', 'test_readme.py'), block.code);
        expect(run('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], { cwd: dir })).toMatch(/\d+ passed/);
      }
    } else if (block.language === 'java') {
      prepareJava();
      const { file, className } = javaFile(block.code);
      const tree = kind(block) === 'app' ? 'main' : 'test';
      fs.mkdirSync(path.dirname(path.join(dir, 'src', tree, 'java', file)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', tree, 'java', file), block.code);
      if (kind(block) === 'app') {
        fs.writeFileSync(path.join(dir, 'pom.xml'), pom(className));
        fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'mvn -e -q compile exec:java' }));
        expect(cdkSynth(dir).join('\n')).toContain('AWS::SSM::ResourceDataSync');
      } else {
        if (!fs.existsSync(path.join(dir, 'pom.xml'))) fs.writeFileSync(path.join(dir, 'pom.xml'), pom('none'));
        expect(run('mvn', ['-B', `-Dmaven.repo.local=${m2}`, 'test'], { cwd: dir })).toMatch(/Tests run: [1-9]\d*, Failures: 0, Errors: 0/);
      }
    } else {
      // The jest example, against the compiled library in lib/.
      fs.writeFileSync(path.join(dir, 'inventory.test.ts'), block.code);
      const config = {
        rootDir: dir,
        testMatch: ['<rootDir>/*.test.ts'],
        transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(root, 'test', 'tsconfig.json') }] },
        moduleNameMapper: { '^cdk-ssm-resource-data-sync$': path.join(root, 'lib', 'index.js') },
        modulePaths: [path.join(root, 'node_modules')],
      };
      fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify(config));
      const jest = path.join(root, 'node_modules', '.bin', 'jest');
      // As a user's first run: the assertions pass and the snapshot is written.
      const output = run(jest, ['--config', path.join(dir, 'jest.config.json'), '--coverage=false', '--ci=false'], { cwd: dir });
      expect(output).toMatch(/Tests:\s+1 passed, 1 total/);
      expect(output).toMatch(/1 snapshot written/);
    }
  });
});
