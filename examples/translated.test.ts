import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installPythonApps, javaArtifact, pythonPackage, pythonVenv, root, unzip } from './dist';

/*
 * The programs the packages ship, run as a user pastes them: the Python README on PyPI (the wheel's
 * METADATA) and the Java package's docs (package-info.java of the sources jar, which the Javadoc
 * renders) hold jsii-rosetta's translations of the README's TypeScript, next to the README's own
 * Python and Java blocks. Run by `npx projen test:languages` (after package:python and package:java).
 *
 * - A complete program (it makes an `App` at its top level) must synthesize: one Python process runs
 *   every Python program, one JVM every Java program (each compiled by one javac run), and after each
 *   program the driver checks that it wrote at least one template into CDK_OUTDIR.
 * - Every other Python snippet (README and docstrings) must at least be Python: `compile()`.
 *
 * The library is the built package; aws-cdk-lib the one of the example apps (build/python-venv, build/m2).
 */
const build = path.join(root, 'build');
const work = path.join(build, 'translated');
const venv = pythonVenv;
const m2 = path.join(build, 'm2');
const env = {
  ...process.env,
  // The multi-account program reads the central key's ARN from the context (`cdk synth -c centralKeyArn=...`).
  CDK_CONTEXT_JSON: JSON.stringify({ centralKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
  CDK_OUTDIR: path.join(work, 'cdk.out'),
  PIP_CACHE_DIR: path.join(build, 'pip-cache'),
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
};

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { cwd: work, env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return String(result.stdout);
}

/** The bodies of the fenced blocks of one language in Markdown. */
function fenced(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + language + '[^\\n]*\\n([\\s\\S]*?)^```', 'gm'))].map(m => m[1]);
}

/** The `<pre>` examples of a Javadoc comment, as Java source. */
function javadocExamples(source: string): string[] {
  const entities: Record<string, string> = { 'lt': '<', 'gt': '>', 'amp': '&', 'quot': '"', 'apos': '\'', '#64': '@', '#47': '/', '#42': '*' };
  return [...source.matchAll(/<pre>([\s\S]*?)<\/pre>/g)].map(m => m[1]
    .split('\n').map(line => line.replace(/^\s*\* ?/, '')).join('\n')
    .replace(/&(#?\w+);/g, (all, name) => entities[name] ?? all));
}

/** A complete program: it makes an `App` at its top level (a Java class: in its `main`). */
const isPythonProgram = (code: string) => /^\w+ = (cdk\.)?App\(/m.test(code);
const isJavaProgram = (code: string) => /^App \w+ = new App\(/m.test(code) || /public static void main\([\s\S]*new App\(/.test(code);

/**
 * One Python process runs every program (a fresh CDK_OUTDIR before each, then the templates it
 * wrote), then every failing app (the synth error, or the warnings of its stacks): the jsii runtime
 * starts once (about 30 s of CPU here). Prints JSON: { programs: [[name, templates]], failing: [[name, messages]] }.
 */
const PYTHON_DRIVER = `
import json, os, shutil, sys, traceback
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3, cx_api
from cdk_ssm_resource_data_sync import InventoryBucket, ResourceDataSync, SyncDestination, SyncHealthMonitor, SyncType
given = json.load(open(sys.argv[1]))
outdir = os.environ["CDK_OUTDIR"]
programs = []
for name, code in given["programs"]:
    shutil.rmtree(outdir, ignore_errors=True)
    try:
        exec(compile(code, name, "exec"), {"__name__": "__main__"})
        written = sorted(f for f in os.listdir(outdir) if f.endswith(".template.json")) if os.path.isdir(outdir) else []
    except Exception:
        written = ["FAILED " + traceback.format_exc()]
    programs.append([name, " ".join(written) or "no template"])
failing = []
for name, code in given["failing"]:
    app = cdk.App()
    try:
        exec(code, {**globals(), "app": app})
        assembly = app.synth()
        found = [str(m.entry.data) for s in assembly.stacks for m in s.messages if m.level == cx_api.SynthesisMessageLevel.WARNING]
    except Exception as e:
        found = [str(e)]
    failing.append([name, "\\n".join(found)])
print(json.dumps({"programs": programs, "failing": failing}))
`;

/** A Java example as a class of its own: a whole class as it is, statements inside a main method. */
function javaProgram(code: string, index: number): { className: string; source: string } {
  const whole = /public\s+class\s+(\w+)/.exec(code);
  if (whole) {
    const pkg = /^package\s+([\w.]+);/m.exec(code)?.[1];
    return { className: pkg ? `${pkg}.${whole[1]}` : whole[1], source: code };
  }
  const lines = code.split('\n');
  const imports = lines.filter(l => /^import\s/.test(l));
  const body = lines.filter(l => !/^import\s/.test(l));
  const className = `Program${index}`;
  return {
    className,
    source: ['import java.util.*;', ...imports, `public class ${className} {`, '  public static void main(final String[] args) {',
      ...body.map(l => `    ${l}`), '  }', '}', ''].join('\n'),
  };
}

const JAVA_DRIVER = (classes: string[]) => `
import java.io.File;
import java.nio.file.*;
import java.util.*;
public class RunAll {
  public static void main(String[] args) throws Exception {
    File outdir = new File(System.getenv("CDK_OUTDIR"));
    for (String name : new String[] { ${classes.map(c => JSON.stringify(c)).join(', ')} }) {
      if (outdir.exists()) {
        try (var files = Files.walk(outdir.toPath())) { files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete); }
      }
      String written;
      try {
        Class.forName(name).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        String[] found = outdir.list((dir, f) -> f.endsWith(".template.json"));
        Arrays.sort(found == null ? new String[0] : found);
        written = found == null || found.length == 0 ? "no template" : String.join(" ", found);
      } catch (Throwable e) {
        written = "FAILED " + (e.getCause() != null ? e.getCause() : e);
      }
      System.out.println(name + ": " + written);
    }
    // The failing apps (FailingApps.java): each builds into a new App, whose synthesis must fail.
    for (java.lang.reflect.Method app : FailingApps.class.getDeclaredMethods()) {
      String message;
      try {
        software.amazon.awscdk.App cdkApp = new software.amazon.awscdk.App();
        app.invoke(null, cdkApp);
        cdkApp.synth();
        message = "synthesized";
      } catch (Throwable e) {
        Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null ? e.getCause() : e;
        message = String.valueOf(cause.getMessage());
      }
      System.out.println("FAILING " + app.getName() + ": " + message.replace("\\\\", "\\\\\\\\").replace("\\n", "\\\\n"));
    }
  }
}
`;


beforeAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
});

describe('Python package: the README on PyPI and the docstrings', () => {
  const python = path.join(venv, 'bin', 'python');
  let wheel: string;
  let readme: string[];
  let docstrings: string[];
  let programs: string[];
  beforeAll(() => {
    wheel = pythonPackage('.whl');
    readme = fenced(unzip(wheel, /\.dist-info\/METADATA$/), 'python');
    docstrings = [...unzip(wheel, /^cdk_ssm_resource_data_sync\/__init__\.py$/).matchAll(/Example::\n\n([\s\S]*?)'''/g)]
      .map(m => m[1]);
    programs = readme.filter(isPythonProgram);
  });

  test('every snippet is Python (compile)', () => {
    expect(readme.length).toBeGreaterThan(5);
    expect(docstrings.length).toBeGreaterThan(5);
    const snippets = [...readme.map((code, i) => [`README block ${i + 1}`, code]), ...docstrings.map((code, i) => [`docstring example ${i + 1}`, code])];
    const file = path.join(work, 'snippets.json');
    fs.writeFileSync(file, JSON.stringify(snippets));
    const check = 'import json, sys, textwrap\nfor name, code in json.load(open(sys.argv[1])):\n'
      + '    try:\n        compile(textwrap.dedent(code), name, "exec")\n    except SyntaxError as e:\n        print(f"{name}: {e}")\n';
    expect(run('python3', ['-c', check, file])).toBe('');
  });

  /** The driver's report, once for both tests. */
  let report: { programs: Array<[string, string]>; failing: Array<[string, string]> } | undefined;
  function runDriver() {
    if (report) return report;
    installPythonApps(wheel);
    const file = path.join(work, 'python.json');
    fs.writeFileSync(file, JSON.stringify({
      programs: programs.map((code, i) => [`program ${i + 1}`, code]),
      failing: FAILING_PYTHON_APPS.map(([name, code]) => [name, code]),
    }));
    report = JSON.parse(run(python, ['-c', PYTHON_DRIVER, file]));
    return report!;
  }

  test('every complete program synthesizes on the built wheel', () => {
    // The quick start (translated and the README's own Python) and the multi-account program at least.
    expect(programs.length).toBeGreaterThanOrEqual(3);
    const ran = runDriver().programs;
    expect(ran.map(([name]) => name)).toEqual(programs.map((_, i) => `program ${i + 1}`));
    expect(ran.filter(([, written]) => !/^(\S+\.template\.json ?)+$/.test(written))).toEqual([]);
    // The multi-account program: the central stack and a member stack.
    expect(ran.map(([, written]) => written)).toContain('CentralInventory.template.json Inventory-222222222222-eu-west-1.template.json');
  });

  test('errors and warnings read right in Python: methods and properties by name, no TypeScript call', () => {
    const reported = runDriver().failing;
    expect(reported.map(([name]) => name)).toEqual(FAILING_PYTHON_APPS.map(([name]) => name));
    reported.forEach(([name, message], i) => {
      expect({ name, message }).toEqual({ name, message: expect.stringMatching(FAILING_PYTHON_APPS[i][2]) });
      expect({ name, typescript: message.split('\n').filter(line => TYPESCRIPT_CALL.test(line)) }).toEqual({ name, typescript: [] });
    });
  });
});

/**
 * Apps a Python user gets wrong, each with what its errors or warnings must say: the library's
 * messages name methods and properties, never a TypeScript call (`fromBucketName(name, { region })`).
 */
const FAILING_PYTHON_APPS: Array<[string, string, RegExp]> = [
  ['a destination in another account', `
central = cdk.Stack(app, "Central", env=cdk.Environment(account="111111111111", region="us-east-1"))
member = cdk.Stack(app, "Member", env=cdk.Environment(account="222222222222", region="eu-west-1"))
bucket = InventoryBucket(central, "Central")
ResourceDataSync(member, "Inventory", destination=SyncDestination.from_inventory_bucket(bucket))`,
  /SyncDestination\.fromBucketName and the option region\.[\s\S]*SyncDestination\.fromBucketName with the options region and kmsKeyArn/],
  ['a source sync without a source', `
stack = cdk.Stack(app, "Stack")
ResourceDataSync(stack, "Sync", sync_type=SyncType.SYNC_FROM_SOURCE)`,
  /Give a source, for example SyncSource\.singleAccount with the option regions, or use SYNC_TO_DESTINATION/],
  ['autoDeleteObjects without DESTROY', `
stack = cdk.Stack(app, "Stack")
InventoryBucket(stack, "Bucket", auto_delete_objects=True)`,
  /Set removalPolicy to RemovalPolicy\.DESTROY, or leave out autoDeleteObjects\./],
  ['a monitor with nothing to watch', `
stack = cdk.Stack(app, "Stack")
SyncHealthMonitor(stack, "Monitor")`,
  /or set watchAllSyncs to true\./],
  ['an imported bucket without a Region (a warning)', `
stack = cdk.Stack(app, "Stack", env=cdk.Environment(account="111111111111", region="eu-west-1"))
ResourceDataSync(stack, "Sync", destination=SyncDestination.from_bucket(s3.Bucket.from_bucket_name(stack, "Imported", "their-bucket")))`,
  /import it with Bucket\.fromBucketAttributes and the attributes bucketName and region, or use SyncDestination\.fromBucketName and the option region\./],
];


/** TypeScript call syntax in a message: an object literal argument, `new X(`, an arrow function, `[...]`. */
const TYPESCRIPT_CALL = /\(\{|\{ ?\w+[:,} ]|\bnew [A-Z]\w*\(|=>|\[\.\.\.\]/;

/**
 * Apps a Java user gets wrong (the errors of FAILING_PYTHON_APPS), as methods of one class the driver
 * runs: the method's name, its body, and what the synthesis error must say.
 */
const FAILING_JAVA_APPS: Array<[string, string, RegExp]> = [
  ['destinationInAnotherAccount', `
    Stack central = new Stack(app, "Central", StackProps.builder().env(Environment.builder().account("111111111111").region("us-east-1").build()).build());
    Stack member = new Stack(app, "Member", StackProps.builder().env(Environment.builder().account("222222222222").region("eu-west-1").build()).build());
    InventoryBucket bucket = new InventoryBucket(central, "Central");
    ResourceDataSync.Builder.create(member, "Inventory").destination(SyncDestination.fromInventoryBucket(bucket)).build();`,
  FAILING_PYTHON_APPS[0][2]],
  ['sourceSyncWithoutSource', `
    ResourceDataSync.Builder.create(new Stack(app, "Stack"), "Sync").syncType(SyncType.SYNC_FROM_SOURCE).build();`,
  FAILING_PYTHON_APPS[1][2]],
  ['autoDeleteObjectsWithoutDestroy', `
    InventoryBucket.Builder.create(new Stack(app, "Stack"), "Bucket").autoDeleteObjects(true).build();`,
  FAILING_PYTHON_APPS[2][2]],
  ['monitorWithNothingToWatch', `
    new SyncHealthMonitor(new Stack(app, "Stack"), "Monitor");`,
  FAILING_PYTHON_APPS[3][2]],
];

const FAILING_JAVA_CLASS = [
  'import software.amazon.awscdk.*;',
  'import io.github.cdkssm.resourcedatasync.*;',
  'public class FailingApps {',
  ...FAILING_JAVA_APPS.map(([name, body]) => `  public static void ${name}(final App app) {${body}\n  }`),
  '}',
  '',
].join('\n');

describe('Java package: the docs in the sources and Javadoc jars', () => {
  test('every complete program compiles against the built jar and synthesizes', () => {
    const examples = javadocExamples(unzip(javaArtifact('-sources.jar'), /resourcedatasync\/package-info\.java$/));
    const programs = examples.filter(isJavaProgram).map(javaProgram);
    expect(programs.length).toBeGreaterThanOrEqual(2);
    // A Maven project as examples/java is (its pom: aws-cdk-lib in build/m2, the plugins CI has), with
    // these classes and a driver as its main class: one `mvn compile exec:java`.
    const dir = path.join(work, 'java');
    const src = path.join(dir, 'src', 'main', 'java');
    for (const { className, source } of programs) {
      const file = path.join(src, ...className.split('.')) + '.java';
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, source);
    }
    fs.writeFileSync(path.join(src, 'RunAll.java'), JAVA_DRIVER(programs.map(p => p.className)));
    fs.writeFileSync(path.join(src, 'FailingApps.java'), FAILING_JAVA_CLASS);
    const examplePom = fs.readFileSync(path.join(root, 'examples', 'java', 'pom.xml'), 'utf-8');
    fs.writeFileSync(path.join(dir, 'pom.xml'), examplePom.replace(/<mainClass>[^<]*<\/mainClass>/, '<mainClass>RunAll</mainClass>'));
    const maven = ['-q', '-B', `-Dmaven.repo.local=${m2}`];
    run('mvn', [...maven, 'install:install-file', `-Dfile=${javaArtifact('.jar')}`, `-DpomFile=${javaArtifact('.pom')}`]);
    const output = run('mvn', [...maven, 'compile', 'exec:java'], { cwd: dir }).replace(/\x1b\[[\d;]*m/g, '').trim().split('\n');
    javaFailing = output.filter(l => l.startsWith('FAILING ')).map(l => {
      const [, name, message] = /^FAILING (\w+): (.*)$/.exec(l)!;
      return [name, message.replace(/\\n/g, '\n').replace(/\\\\/g, '\\')] as [string, string];
    });
    const lines = output.filter(l => programs.some(p => l.startsWith(`${p.className}: `)));
    expect(lines.filter(l => !/^[\w.]+: (\S+\.template\.json ?)+$/.test(l))).toEqual([]);
    expect(lines).toHaveLength(programs.length);
    expect(lines.join('\n')).toMatch(/CentralInventory\.template\.json.*Inventory-222222222222-eu-west-1\.template\.json/);
  });

  test('errors read right in Java: methods and properties by name, no TypeScript call', () => {
    // Run by the test above, in the same JVM (one Maven run).
    expect(javaFailing.map(([name]) => name).sort()).toEqual(FAILING_JAVA_APPS.map(([name]) => name).sort());
    for (const [name, message] of javaFailing) {
      const expected = FAILING_JAVA_APPS.find(([n]) => n === name)![2];
      expect({ name, message }).toEqual({ name, message: expect.stringMatching(expected) });
      expect({ name, typescript: message.split('\n').filter(line => !/^\s+at /.test(line) && TYPESCRIPT_CALL.test(line)) }).toEqual({ name, typescript: [] });
    }
  });
});

/** The failing Java apps' messages, by method name: from the Maven run of the test of the programs. */
let javaFailing: Array<[string, string]> = [];
