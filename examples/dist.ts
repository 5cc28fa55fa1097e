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
