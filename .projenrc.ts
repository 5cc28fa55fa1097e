import { awscdk, javascript, release } from 'projen';

/**
 * aws-cdk-lib floor for users (the peer dependency `^CDK_FLOOR`): the oldest release whose APIs the
 * construct uses. `aws-cdk-lib/interfaces` (`aws_ssm.IResourceDataSyncRef`, which
 * `IResourceDataSync` extends) first ships in 2.224.0; 2.223.0 does not compile src/. Found by
 * `CDK_COMPAT_VERSIONS=... npx projen test:compat`. See README "Compatibility".
 */
const CDK_FLOOR = '2.224.0';

/**
 * The aws-cdk-lib we develop and test against (devDependency). 2.257.0 is the oldest release on which
 * the whole test toolchain installs and passes together: cdk-nag 3 (`Validations.of(...).addPlugins`),
 * `@aws-cdk/integ-tests-alpha` 2.245 and integ-runner 2.197 (which cannot read the cloud assembly of
 * aws-cdk-lib >= 2.258).
 */
const CDK_DEV_VERSION = '2.257.0';

/** The newest aws-cdk-lib that `test:compat` checks (with CDK_FLOOR), in CI. */
const CDK_NEWEST = '2.276.0';

/** Tools a test run needs besides npm packages, installed into `.venv/` by the `tools` task. */
const CFN_LINT_VERSION = '1.51.0';
/** botocore's SSM model and ParamValidator check the requests of the API-sync handler (test/api-sync/). */
const BOTOCORE_VERSION = '1.43.11';
/**
 * uv installs them: pip took 67 to 77 s (50 s of CPU, mostly unpacking and byte-compiling sympy,
 * networkx and botocore) for what uv installs in 18 s, cold caches included, in `npx projen test`'s
 * first step on a fresh machine. uv (Astral, MIT/Apache-2.0, released every week or two) is only a
 * test-time tool in `.venv/`, never a dependency of the packages. `--compile-bytecode`, as pip does by
 * default: where PYTHONDONTWRITEBYTECODE is set (this machine), Python never writes the .pyc files
 * itself, and every cfn-lint run then compiled its modules again (a run of 2.6 s took 7.6 s).
 */
const UV_VERSION = '0.13.9';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ssm-resource-data-sync',
  description:
    'AWS CDK L2 construct for AWS Systems Manager resource data sync (AWS::SSM::ResourceDataSync): Inventory to an encrypted S3 bucket, and Explorer OpsData from Regions, accounts or an AWS Organization.',
  author: 'cdk-ssm-resource-data-sync contributors',
  authorAddress: 'noreply@example.com',
  repositoryUrl: 'https://github.com/cdkssm/cdk-ssm-resource-data-sync.git',
  // The project URL of npm, PyPI (Home-page) and the Maven pom (<url>): the repository's page, not its .git URL.
  homepage: 'https://github.com/cdkssm/cdk-ssm-resource-data-sync',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'ssm', 'systems-manager', 'inventory', 'resource-data-sync', 'explorer'],
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.16.0',

  cdkVersion: CDK_FLOOR,
  // The dev dependency is CDK_DEV_VERSION, not the floor (below).
  peerDependencyOptions: { pinnedDevDependency: false },
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  // CI is `.ci/run`; no GitHub workflows or mergify in this repository. Releases are cut by hand from a
  // clean clone with `npx projen release` (CONTRIBUTING.md "Releasing"): projen's bump (commit-and-tag-version,
  // conventional commits), the full build and the registry checks, then CHANGELOG.md, a release commit and a
  // tag. Pushing and publishing stay manual (`git push --follow-tags`, then the `publish:*` tasks).
  github: false,
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ changelogPath: 'CHANGELOG.md', gitPushCommand: '' }),
  // Below 1.0.0 commit-and-tag-version bumps the minor on a breaking change; from 1.0.0 a breaking change
  // bumps the major. The first release (no `v*` tag yet) is therefore 1.0.0.
  minMajorVersion: 1,
  // CHANGELOG.md sections: features, fixes and performance (this project's perf commits are user-visible).
  versionrcOptions: {
    types: [
      { type: 'feat', section: 'Features' },
      { type: 'fix', section: 'Bug Fixes' },
      { type: 'perf', section: 'Performance' },
      ...['chore', 'docs', 'style', 'refactor', 'test', 'build', 'ci'].map(type => ({ type, hidden: true })),
    ],
  },

  publishToPypi: {
    distName: 'cdk-ssm-resource-data-sync',
    module: 'cdk_ssm_resource_data_sync',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkssm.resourcedatasync',
    mavenGroupId: 'io.github.cdkssm',
    mavenArtifactId: 'cdk-ssm-resource-data-sync',
  },

  // integ-runner tests (test/integ.*.ts) with committed snapshots, verified offline by `npx projen test`.
  experimentalIntegRunner: true,

  devDeps: [
    `aws-cdk-lib@${CDK_DEV_VERSION}`,
    'constructs@10.5.1',
    // The CDK CLI: the README's Python and Java examples are run with `cdk synth` (test:languages).
    'aws-cdk@^2.1148.1',
    'fast-check@^4',
    'ajv@^8',
    'cdk-nag@^3',
    // The inline Lambda handlers (src/api-sync, src/monitor, src/organization) run on the AWS SDK v3 that the Node.js
    // runtime ships; these are for their unit tests only (never a dependency of the library).
    '@aws-sdk/client-ssm@^3',
    '@aws-sdk/client-cloudwatch@^3',
    '@aws-sdk/client-cloudformation@^3',
    'aws-sdk-client-mock@^4',
    // test/lifecycle: what CloudFormation does per resource for a change (create-only properties from
    // the CloudFormation registry), the AWS CDK's own template-diff library (`cdk diff`).
    '@aws-cdk/cloudformation-diff@^2.187.5',
    // `mutate`: mutation testing of src/ (stryker.config.json, scripts/mutate.js). Not part of CI.
    '@stryker-mutator/core@~9.6.1',
    '@stryker-mutator/jest-runner@~9.6.1',
  ],

  jestOptions: {
    // projen's default `--updateSnapshot` silently rewrites changed snapshots, so a snapshot test
    // could never fail. New snapshots are written on purpose with `npx projen test:update`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // jest's default on a 2-core machine is one worker, which runs the files one after the other
      // (in band). The files are independent (temporary folders, free ports): two workers.
      maxWorkers: 2,
    },
  },

  gitignore: ['cdk.out/', '/.venv/', '/build/', '__pycache__/', '*.pyc', 'target/', '/examples/java/target/', '.jsii.tabl.json'],
});

// PyPI lists CDK libraries under the `Framework :: AWS CDK` classifiers (aws-cdk-lib has both); jsii-pacmak
// adds them from jsii.targets.python.classifiers, which projen's publishToPypi does not expose.
project.package.file.addOverride('jsii.targets.python.classifiers', ['Framework :: AWS CDK', 'Framework :: AWS CDK :: 2']);

// experimentalIntegRunner asks for @latest of both. Pin them: the alpha's peer range must accept
// CDK_DEV_VERSION, and integ-runner after 2.197 is not known to read this aws-cdk-lib's cloud assembly.
for (const name of ['@aws-cdk/integ-runner', '@aws-cdk/integ-tests-alpha']) {
  project.deps.removeDependency(name);
}
project.addDevDeps('@aws-cdk/integ-runner@2.197.10', '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0');
// The integ apps are type-checked by eslint's TypeScript program and by the unit tests that share
// their code; integ-runner only needs them run (6 snapshots: about 25 s instead of 2 minutes).
const integApp = '--app "ts-node --transpile-only {filePath}"';
project.tasks.tryFind('integ')!.reset(`integ-runner --language typescript ${integApp}`, { receiveArgs: true });
// Offline there is no account to deploy to: rewrite the snapshots with --dry-run.
project.tasks.tryFind('integ:update')!.reset(`integ-runner --language typescript ${integApp} --update-on-failed --dry-run`, { receiveArgs: true });

// The default ignore files would ship examples/, cdk.out/ and cdk.json in the npm tarball.
for (const pattern of ['/examples/', 'cdk.out/', 'cdk.json', '/.ci/', '/.venv/', '/build/', '/docs/']) {
  project.addPackageIgnore(pattern);
}
for (const pattern of ['/bench/', '/rosetta/', '/scripts/', '/CONTRIBUTING.md']) {
  project.addPackageIgnore(pattern);
}

// `tools`: non-npm tools the tests run (cfn-lint), in a virtual environment inside the project.
// Idempotent: a second run costs nothing.
const tools = project.addTask('tools', {
  description: 'Install cfn-lint and botocore into .venv/ with uv (used by the tests)',
  // projen runs tasks in a portable shell without `test`: let bash do it.
  exec: `bash -c 'test -x .venv/bin/cfn-lint && .venv/bin/pip show botocore 2>/dev/null | grep -qx "Version: ${BOTOCORE_VERSION}" || { python3 -m venv .venv && .venv/bin/pip install --quiet --disable-pip-version-check uv==${UV_VERSION} && .venv/bin/uv pip install --quiet --compile-bytecode --python .venv/bin/python cfn-lint==${CFN_LINT_VERSION} botocore==${BOTOCORE_VERSION}; }'`,
});
// The inline handlers are read from lib/ at synth time (embedded as CloudFormation ZipFile code).
// Copies the inline handlers (the .js files under src/, read by the constructs at synth time) beside the compiled code in `to`.
const copyHandlers = (to: string) => `bash -c 'cd src && find . -name "*.js" -exec cp --parents {} ../${to}/ \\;'`;
project.compileTask.exec(copyHandlers('lib'));
project.testTask.prependSpawn(tools);
// `trino:install`: the query tests (test/query/queries.trino.test.ts) run the query layer in Trino,
// the engine Athena engine version 3 is built on: its server core and Hive plugin from Maven
// Central into build/trino/ (test/query/trino/install.js). Idempotent: a second run costs nothing.
const trino = project.addTask('trino:install', {
  description: 'Install Trino (server core and the Hive connector, from Maven Central) into build/trino/ (used by the query tests)',
  exec: 'node test/query/trino/install.js',
});
project.testTask.prependSpawn(trino);

// `example`: the main job. Synthesizes the example app in examples/ (which uses the compiled
// library in lib/) into cdk.out/ and prints what it made.
const example = project.addTask('example', {
  description: 'Compile the library, synthesize examples/app.ts into cdk.out/ and print what it made',
});
example.spawn(project.compileTask);
example.exec('ts-node --project examples/tsconfig.json examples/app.ts');

// `rosetta`: every TypeScript example of the README and of the API docs must compile (strict), with
// the fixtures in rosetta/. Part of `npx projen test` (it reads the assembly that compile writes).
const rosetta = project.addTask('rosetta', {
  description: 'Compile the README and API doc examples with jsii-rosetta in strict mode',
  exec: 'jsii-rosetta extract --strict',
});
project.testTask.spawn(rosetta);

// `bench`: synth-time cost of the L2 against the same resources in L1 (bench/). Not part of the tests.
const bench = project.addTask('bench', {
  description: 'Benchmark synthesis of N syncs: L2, hand-written CDK L2, scoped L1, L1 (BENCH_SIZES, BENCH_RUNS); writes build/bench/results.json',
});
bench.exec('tsc --project bench/tsconfig.json');
bench.exec(copyHandlers('build/bench/src'));
bench.exec('node build/bench/bench/run.js');
project.eslint?.addLintPattern('bench');
// aws-cdk-lib's index loads a submodule on first use; `aws-cdk-lib/aws-glue` and the like load at
// import. A user who makes one sync should not pay for loading Lambda, Glue, Athena, CloudWatch...:
// the library takes submodules from the index (`import { aws_glue as glue } from 'aws-cdk-lib'`).
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: ['aws-cdk-lib/*', '!aws-cdk-lib/interfaces'],
        message: "Import submodules from aws-cdk-lib's index (import { aws_x as x } from 'aws-cdk-lib'): it loads them on first use.",
      }],
    }],
  },
});

// `test:languages`: the example app in TypeScript, Python and Java, built on the packaged library,
// must give the same templates (examples/cross-language.test.ts). Run by .ci/run.
// Maven's downloads for packaging go to build/m2 (shared with the Java example), not ~/.m2.
// scripts/jsii-pacmak.js is jsii-pacmak with one fix to its Java Javadoc: the setters of a construct's fluent
// builder say "This parameter is required." for optional properties too (see the script).
project.tasks.tryFind('package:java')!.reset('node scripts/jsii-pacmak.js -v --target java --maven-local-repository build/m2');
// jsii-pacmak translates the TypeScript examples (README, docstrings, Javadoc) from the tablet that
// `rosetta` writes (.jsii.tabl.json); without it they ship untranslated under python/java fences.
// So every packaging task translates first (a second run in one build reuses the tablet: ~2 s).
// The npm tarball ships the tablet too (.jsii.tabl.json, 14 KB packed): Construct Hub then shows these
// translations, compiled strictly with the fixtures in rosetta/, instead of its own loose ones.
for (const name of ['package:js', 'package:python', 'package:java']) {
  project.tasks.tryFind(name)!.prependSpawn(rosetta);
}

// `test:compat`: src/ compiled and the jest unit tests run against the aws-cdk-lib floor and the
// newest aws-cdk-lib (scripts/compat.js; CDK_COMPAT_VERSIONS="a b" for others). Run by .ci/run.
project.addTask('test:compat', {
  description: `Compile src/ and run the unit tests against aws-cdk-lib ${CDK_FLOOR} and ${CDK_NEWEST} (or $CDK_COMPAT_VERSIONS)`,
  exec: `node scripts/compat.js ${CDK_FLOOR} ${CDK_NEWEST}`,
});

const languages = project.addTask('test:languages', {
  description: 'Package for Python and Java, check the example apps against TypeScript, and run the README\'s Python and Java examples with the CDK CLI',
  env: { JEST_JUNIT_OUTPUT_NAME: 'junit-languages.xml' },
});
// Compiled first, unless LANGUAGES_COMPILED is set: .ci/run sets it, as its test and example steps
// have just compiled the same sources (jsii, about 18 s on the critical path of CI).
languages.spawn(project.compileTask, { condition: 'node -e "process.exit(process.env.LANGUAGES_COMPILED ? 1 : 0)"' });
// The three packages of package:js, package:python and package:java (the same dist/js, dist/python and
// dist/java), in one jsii-pacmak run: it builds its targets side by side, and Python (about 28 s
// here) then waits no longer for Java's Maven build (about 61 s), one after the other in CI before.
languages.spawn(rosetta);
languages.exec('node scripts/jsii-pacmak.js -v --target js --target python --target java --maven-local-repository build/m2');
// One file at a time: they share the Python virtual environment and the Maven repository under build/.
languages.exec('jest --ci --runInBand --coverage=false --testMatch "<rootDir>/examples/**/*.test.ts"');

// `test:registries`: the registries' own checks on the packages in dist/ (npm publish --dry-run, twine check,
// the pom and the jars Maven Central requires, what Construct Hub reads), without publishing:
// examples/registries.test.ts. CI runs it inside test:languages (same packages); the release runs it on
// the packages that carry the new version.
const registries = project.addTask('test:registries', {
  description: 'Check the packages in dist/ with the registries\' own tools (npm, twine, the Maven Central pom rules), without publishing',
  env: { JEST_JUNIT_OUTPUT_NAME: 'junit-registries.xml' },
  exec: 'jest --ci --coverage=false --testMatch "<rootDir>/examples/registries.test.ts"',
});

// The release (CONTRIBUTING.md "Releasing"): bump, build (tests and package-all), then the registry checks
// on those packages before the version is reset and the release commit and tag are made.
const releaseTask = project.tasks.tryFind('release')!;
const buildStep = releaseTask.steps.findIndex(step => step.spawn === project.buildTask.name);
releaseTask.insertStep(buildStep + 1, { spawn: registries.name });

// The publishing commands (publib, the tool projen's release workflows run), one per registry, from dist/.
// `PUBLIB_DRYRUN=true` makes each a dry run. Credentials: CONTRIBUTING.md "Publishing".
const PUBLIB = 'publib@0.2.1061';
for (const [registry, command, description] of [
  ['npm', 'publib-npm', 'npm (NPM_TOKEN)'],
  ['pypi', 'publib-pypi', 'PyPI (TWINE_USERNAME, TWINE_PASSWORD)'],
  ['maven', 'publib-maven', 'Maven Central (MAVEN_USERNAME, MAVEN_PASSWORD, MAVEN_GPG_PRIVATE_KEY, MAVEN_GPG_PRIVATE_KEY_PASSPHRASE, MAVEN_ENDPOINT)'],
]) {
  project.addTask(`publish:${registry}`, {
    description: `Publish the package in dist/ to ${description}; PUBLIB_DRYRUN=true for a dry run`,
    exec: `npx --yes -p ${PUBLIB} ${command}`,
  });
}

// `docgen:languages`: the API reference in Python and Java (what Construct Hub renders from the same
// assembly), committed under docs/ like API.md. Not part of compile: jsii-docgen translates every example
// with jsii-rosetta (about 35 s of CPU per language); CI regenerates and diffs them.
project.addTask('docgen:languages', {
  description: 'Generate the Python and Java API reference (docs/API.python.md, docs/API.java.md) with jsii-docgen',
  exec: 'jsii-docgen -l python -l java -o docs/API.md',
});

// `mutate`: mutation testing (StrykerJS, jest runner, perTest coverage) of the security-critical files
// of src/, or of the files given, one file per Stryker run; fails on a mutant that no test kills and
// mutation/accepted-survivors.json does not list. `mutate:changed`: the files under src/ changed
// since main, incrementally (Stryker's --incremental, state in build/mutation/). Not part of CI
// (hours of CPU): see CONTRIBUTING.md, "Mutation testing".
project.addTask('mutate', {
  description: 'Mutation testing of src/ (scripts/mutate.js): the checked files or those given; fails on a survivor not in mutation/accepted-survivors.json',
  exec: 'node scripts/mutate.js',
  receiveArgs: true,
});
project.addTask('mutate:changed', {
  description: 'Mutation testing of the files under src/ changed since main, incrementally (Stryker --incremental)',
  exec: 'node scripts/mutate.js --changed',
  receiveArgs: true,
});
project.addPackageIgnore('/mutation/');

// No deprecated aws-cdk-lib API (teams set JSII_DEPRECATED=fail, and aws-cdk-lib then throws on the
// first call of one): the integ apps, the example app and the Python and Java example apps
// synthesize with it. test/query/deprecated.test.ts checks the query layer on the newest aws-cdk-lib too.
for (const name of ['integ', 'integ:update', 'example', 'test:languages']) {
  project.tasks.tryFind(name)!.env('JSII_DEPRECATED', 'fail');
}
project.synth();
