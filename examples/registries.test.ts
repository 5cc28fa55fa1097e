import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { javaArtifact, manifest, pythonPackage, root, tarball, unzip, VERSION, zipEntries } from './dist';

/*
 * The packages in dist/ as their registries will judge them, without publishing: npm's own dry run,
 * twine's check (what PyPI runs on upload), the pom and the jars Maven Central requires, and what
 * Construct Hub reads from the npm package. Run by test:languages in CI (after package:js,
 * package:python and package:java) and by `npx projen release` on the packages of the new version
 * (`npx projen test:registries`). CONTRIBUTING.md "Releasing" says what each check stands for.
 */
const build = path.join(root, 'build');
const TWINE_VERSION = '7.0.0';

function run(command: string, args: string[]): string {
  const env = { ...process.env, PIP_CACHE_DIR: path.join(build, 'pip-cache'), PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const result = spawnSync(command, args, { cwd: build, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return String(result.stdout);
}

/** One file of the npm tarball. */
const fromTarball = (file: string) => execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });

describe('npm: the tarball (dist/js)', () => {
  let dryRun: { files: Array<{ path: string; size: number }>; size: number; unpackedSize: number; version: string };
  let packageJson: any;
  beforeAll(() => {
    fs.mkdirSync(build, { recursive: true });
    // npm's own view of what it would upload: no login or network needed for a dry run.
    const out = run('npm', ['publish', '--dry-run', '--json', '--ignore-scripts', tarball]);
    dryRun = JSON.parse(out)[manifest.name];
    packageJson = JSON.parse(fromTarball('package.json'));
  });

  test('npm publish --dry-run accepts it, with this version', () => {
    expect(dryRun.version).toBe(VERSION);
    expect(packageJson).toMatchObject({ name: manifest.name, version: VERSION, license: 'Apache-2.0' });
  });

  test('it holds the compiled library, its types and the docs, and no tests, fixtures, examples or sources', () => {
    const files = dryRun.files.map(f => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', '.jsii', 'README.md', 'LICENSE', 'API.md', 'lib/index.js', 'lib/index.d.ts']));
    // The examples translated by jsii-rosetta with this repository's fixtures, for Construct Hub.
    expect(files).toContain('.jsii.tabl.json');
    // The inline Lambda handlers are read from lib/ at synth time.
    expect(files).toEqual(expect.arrayContaining(['lib/api-sync/handler.js', 'lib/monitor/handler.js']));
    const unexpected = files.filter(f => !/^(lib\/.*\.(js|d\.ts)|\.jsii|\.jsii\.tabl\.json|package\.json|README\.md|LICENSE|API\.md)$/.test(f));
    expect(unexpected).toEqual([]);
    expect(files.filter(f => /(^|\/)(test|tests|__snapshots__|fixtures?|examples|src|cdk\.out|build|dist|docs)\/|\.test\.|\.snapshot\//.test(f))).toEqual([]);
  });

  test('`types` and `main` point at files in it', () => {
    const files = dryRun.files.map(f => f.path);
    expect(packageJson.types).toBe('lib/index.d.ts');
    expect(files).toContain(packageJson.types);
    expect(files).toContain(packageJson.main);
  });

  test('it is small: under 1 MB packed and 4 MB unpacked', () => {
    // 0.36 MB packed and 1.5 MB unpacked when this was written (.jsii is a third of it).
    expect(dryRun.size).toBeLessThan(1_000_000);
    expect(dryRun.unpackedSize).toBeLessThan(4_000_000);
  });

  test('Construct Hub takes it: jsii assembly matching package.json, awscdk keyword, a licence file, the CDK as a peer', () => {
    // What Construct Hub's npm follower and ingestion check (cdklabs/construct-hub): a `jsii` field, a
    // dependency on aws-cdk-lib or constructs or a CDK keyword, an allowed licence, a `.jsii` whose name,
    // version and licence equal package.json's, a LICENSE file; `keywords` are its search tags.
    const assembly = JSON.parse(fromTarball('.jsii'));
    expect(packageJson.jsii).toBeDefined();
    expect({ name: assembly.name, version: assembly.version, license: assembly.license })
      .toEqual({ name: packageJson.name, version: packageJson.version, license: packageJson.license });
    expect(packageJson.keywords).toEqual(expect.arrayContaining(['awscdk', 'aws-cdk', 'cdk']));
    expect(Object.keys(packageJson.peerDependencies)).toEqual(expect.arrayContaining(['aws-cdk-lib', 'constructs']));
    expect(packageJson.stability).toBe('stable');
    expect(assembly.docs.stability).toBe('stable');
    expect(packageJson.repository.url).toMatch(/^https:\/\/github\.com\//);
    expect(packageJson.description.length).toBeGreaterThan(50);
    // The README Construct Hub renders, with its examples translated to Python and Java from the assembly.
    expect(assembly.readme.markdown).toContain('new ResourceDataSync(');
    expect(Object.keys(assembly.targets)).toEqual(expect.arrayContaining(['java', 'python']));
  });
});

describe('PyPI: the wheel and the sdist (dist/python)', () => {
  const wheel = pythonPackage('.whl');
  const sdist = pythonPackage('.tar.gz');

  test('twine check --strict passes on both: the metadata is complete and the README renders', () => {
    const venv = path.join(build, 'twine-venv');
    const python = path.join(venv, 'bin', 'python');
    if (!fs.existsSync(python)) run('python3', ['-m', 'venv', venv]);
    run(python, ['-m', 'pip', 'install', '--quiet', `twine==${TWINE_VERSION}`]);
    const out = run(python, ['-m', 'twine', 'check', '--strict', wheel, sdist]);
    expect(out.match(/PASSED/g)).toHaveLength(2);
    expect(out).not.toMatch(/WARNING|FAILED|ERROR/);
  });

  test('the metadata has the version, licence, Python and CDK requirements and the README as Markdown', () => {
    const metadata = unzip(wheel, /\.dist-info\/METADATA$/);
    const field = (name: string) => [...metadata.matchAll(new RegExp(`^${name}: (.*)$`, 'gm'))].map(m => m[1]);
    expect(field('Name')).toEqual([manifest.jsii.targets.python.distName]);
    expect(field('Version')).toEqual([VERSION]);
    expect(field('Summary')).toEqual([manifest.description]);
    expect(field('Home-page')).toEqual([manifest.homepage]);
    expect(field('Project-URL')).toEqual([`Source, ${manifest.repository.url}`]);
    expect(field('Description-Content-Type')).toEqual(['text/markdown']);
    expect(field('Requires-Python')).toHaveLength(1);
    expect(field('Classifier')).toEqual(expect.arrayContaining(['Framework :: AWS CDK', 'Framework :: AWS CDK :: 2', 'License :: OSI Approved']));
    const requires = field('Requires-Dist').join('\n');
    const floor = manifest.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
    expect(requires.split('\n')).toEqual(expect.arrayContaining([`aws-cdk-lib <3.0.0,>=${floor}`, expect.stringMatching(/^constructs <11\.0\.0,>=10\./)]));
    // The long description is the README (after the header lines).
    expect(metadata.split('\n\n').slice(1).join('\n\n')).toContain('ResourceDataSync(stack, "Inventory")');
  });
});

describe('Maven Central: the artifacts (dist/java)', () => {
  test('the jar, the sources jar and the javadoc jar are there, each with content', () => {
    expect(zipEntries(javaArtifact('.jar'))).toEqual(expect.arrayContaining([
      'io/github/cdkssm/resourcedatasync/ResourceDataSync.class',
    ]));
    expect(zipEntries(javaArtifact('-sources.jar'))).toEqual(expect.arrayContaining([
      'io/github/cdkssm/resourcedatasync/ResourceDataSync.java',
    ]));
    expect(zipEntries(javaArtifact('-javadoc.jar'))).toEqual(expect.arrayContaining([
      'index.html', 'io/github/cdkssm/resourcedatasync/ResourceDataSync.html',
    ]));
  });

  test('the pom has what Maven Central requires: coordinates, name, description, url, licences, developers, scm', () => {
    const pom = fs.readFileSync(javaArtifact('.pom'), 'utf-8');
    // The project's own elements (not those of <parent>, <dependencies> or <build>).
    const own = pom.replace(/<(parent|dependencies|dependencyManagement|build|properties)>[\s\S]*?<\/\1>/g, '');
    const element = (name: string) => own.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))?.[1].trim();
    expect({
      groupId: element('groupId'), artifactId: element('artifactId'), version: element('version'), packaging: element('packaging'),
    }).toEqual({ groupId: manifest.jsii.targets.java.maven.groupId, artifactId: manifest.jsii.targets.java.maven.artifactId, version: VERSION, packaging: 'jar' });
    expect(element('name')).toBeTruthy();
    expect(element('description')).toBe(manifest.description);
    expect(element('url')).toBe(manifest.homepage);
    expect(element('licenses')).toMatch(/<license>\s*<name>Apache License 2\.0<\/name>\s*<url>https:\/\/[^<]+<\/url>/);
    expect(element('developers')).toMatch(/<developer>[\s\S]*<name>[^<]+<\/name>[\s\S]*<\/developer>/);
    expect(element('scm')).toMatch(/<connection>scm:git:[^<]+<\/connection>/);
    expect(element('scm')).toMatch(/<url>https:\/\/github\.com\/[^<]+<\/url>/);
  });

  test('the install command of CONTRIBUTING.md installs the jar with its sources and Javadoc', () => {
    const contributing = fs.readFileSync(path.join(root, 'CONTRIBUTING.md'), 'utf-8');
    const section = contributing.slice(contributing.indexOf('## Installing the built packages by hand'));
    const command = /```bash\n([\s\S]*?)```/.exec(section)![1];
    expect(command).toContain('mvn install:install-file');
    const m2 = path.join(build, 'm2');
    const installed = path.join(m2, ...manifest.jsii.targets.java.maven.groupId.split('.'), manifest.jsii.targets.java.maven.artifactId, VERSION);
    fs.rmSync(installed, { recursive: true, force: true });
    // As written, with DIST and the version set and Maven on this build's local repository.
    run('bash', ['-euc', `DIST=${path.join(root, 'dist')}\nmvn() { command mvn -q -B -Dmaven.repo.local=${m2} "$@"; }\n${command.replace(/^V=\S+/m, `V=${VERSION}`)}`]);
    const name = `${manifest.jsii.targets.java.maven.artifactId}-${VERSION}`;
    expect(fs.readdirSync(installed).filter(f => f.endsWith('.jar') || f.endsWith('.pom')).sort())
      .toEqual([`${name}-javadoc.jar`, `${name}-sources.jar`, `${name}.jar`, `${name}.pom`]);
  });

  test('the Javadoc of the builders says "This parameter is required." on required properties only', () => {
    // jsii-pacmak wrote it on every setter of a construct's builder, optional or not (about 140 here):
    // scripts/jsii-pacmak.js fixes it. Checked on the sources jar against the assembly's optionality.
    const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf-8'));
    const struct = (fqn: string): any => assembly.types[fqn];
    /** A struct's properties with their optionality, inherited ones included (from this assembly). */
    const properties = (fqn: string): Record<string, boolean> => {
      const type = struct(fqn);
      if (!type) return {};
      return Object.assign({}, ...(type.interfaces ?? []).map(properties),
        Object.fromEntries((type.properties ?? []).map((p: any) => [p.name, !!p.optional])));
    };
    const mismatches: string[] = [];
    let setters = 0;
    let required = 0;
    for (const type of Object.values<any>(assembly.types)) {
      const structParam = type.kind === 'class'
        ? type.initializer?.parameters?.find((p: any) => struct(p.type.fqn)?.datatype) : undefined;
      const props = type.kind === 'interface' && type.datatype ? properties(type.fqn) : structParam ? properties(structParam.type.fqn) : undefined;
      if (!props) continue;
      const source = unzip(javaArtifact('-sources.jar'), new RegExp(`resourcedatasync/${type.name}\\.java$`));
      const builder = source.slice(source.indexOf('public static final class Builder'));
      for (const [, javadoc, name] of builder.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*public (?:<[^>]+> )?Builder (\w+)\(/g)) {
        if (!(name in props)) continue;
        setters++;
        const saysRequired = javadoc.includes('This parameter is required.');
        if (saysRequired) required++;
        if (saysRequired === props[name]) mismatches.push(`${type.name}.Builder.${name}: optional=${props[name]}, Javadoc says required=${saysRequired}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(setters).toBeGreaterThan(100);
    expect(required).toBeGreaterThan(0);
  });
});
