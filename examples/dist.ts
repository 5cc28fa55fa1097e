import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * The packages jsii-pacmak writes into dist/ (package:js, package:python, package:java), found by the
 * version in package.json: 0.0.0 in the repository, the new version during `npx projen release`
 * (between bump and unbump).
 */
export const root = path.join(__dirname, '..');
export const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
export const VERSION: string = manifest.version;

/** The npm tarball. */
export const tarball = path.join(root, 'dist', 'js', `${manifest.name}@${VERSION}.jsii.tgz`);

/** The files of one kind in dist/python (`.whl`, `.tar.gz`). */
export function pythonPackage(suffix: string): string {
  const dir = path.join(root, 'dist', 'python');
  const file = fs.readdirSync(dir).find(f => f.endsWith(suffix) && f.includes(`-${VERSION}`));
  if (!file) throw new Error(`no ${suffix} of version ${VERSION} in ${dir}`);
  return path.join(dir, file);
}

const maven = manifest.jsii.targets.java.maven;
/** The directory of this version in the Maven repository layout of dist/java. */
export const javaDir = path.join(root, 'dist', 'java', ...maven.groupId.split('.'), maven.artifactId, VERSION);
/** One artifact of dist/java: `javaArtifact('.jar')`, `javaArtifact('-sources.jar')`, `javaArtifact('.pom')`. */
export const javaArtifact = (suffix: string) => path.join(javaDir, `${maven.artifactId}-${VERSION}${suffix}`);

const ZIP = 'import re, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n';

/** One file of a zip archive (a wheel or a jar), read with Python's zipfile (no unzip needed). */
export function unzip(archive: string, match: RegExp): string {
  const script = ZIP + 'name = next(n for n in z.namelist() if re.search(sys.argv[2], n))\nsys.stdout.write(z.read(name).decode("utf-8"))';
  return execFileSync('python3', ['-c', script, archive, match.source], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
}

/** The names of the files in a zip archive. */
export function zipEntries(archive: string): string[] {
  const script = ZIP + 'sys.stdout.write("\\n".join(z.namelist()))';
  return execFileSync('python3', ['-c', script, archive], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
}

/** The example apps' virtual environment: aws-cdk-lib and constructs from PyPI, the library from dist/python. */
export const pythonVenv = path.join(root, 'build', 'python-venv');

/**
 * build/python-venv with examples/python/requirements.txt and the built wheel (reinstalled, as its
 * version stays 0.0.0 between builds). With uv when `npx projen tools` put it into .venv/: pip took
 * 36 s (28 s of CPU, unpacking and byte-compiling aws-cdk-lib) on a cold cache, on the critical
 * path of CI's languages step; else with pip. The README's own commands (examples/readme.test.ts)
 * still run pip, as a user does: they then find the requirements installed. Byte-compiled at install,
 * as pip does: where PYTHONDONTWRITEBYTECODE is set, every Python process would compile aws-cdk-lib again.
 */
export function installPythonApps(wheel: string) {
  const python = path.join(pythonVenv, 'bin', 'python');
  const options = { cwd: root, stdio: 'inherit' as const, env: { ...process.env, PIP_CACHE_DIR: path.join(root, 'build', 'pip-cache'), PIP_DISABLE_PIP_VERSION_CHECK: '1' } };
  if (!fs.existsSync(python)) execFileSync('python3', ['-m', 'venv', pythonVenv], options);
  const uv = path.join(root, '.venv', 'bin', 'uv');
  const requirements = path.join(root, 'examples', 'python', 'requirements.txt');
  const install = fs.existsSync(uv)
    ? (args: string[]) => execFileSync(uv, ['pip', 'install', '--quiet', '--compile-bytecode', '--python', python, ...args], options)
    : (args: string[]) => execFileSync(python, ['-m', 'pip', 'install', '--quiet', ...args], options);
  install(['-r', requirements]);
  install(['--force-reinstall', '--no-deps', wheel]);
}
