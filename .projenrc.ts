import { cdk8s, javascript, JsonFile } from 'projen';

// Every piece of project configuration lives here: run `npx projen` after editing.
const OPERATOR_VERSION = 'v0.93.0';
// The package's version: the newest entry of CHANGELOG.md (test/package.test.ts holds them together).
const VERSION = '0.2.0';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-ml-monitoring',
  description:
    'Typed cdk8s constructs that turn ML inference services into a complete, tested Prometheus Operator, Alertmanager and Grafana monitoring setup.',
  author: 'cdk8s-ml-monitoring contributors',
  authorAddress: 'maintainers@cdk8s-ml-monitoring.dev',
  repositoryUrl: 'https://github.com/cdk8s-ml-monitoring/cdk8s-ml-monitoring.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk8s', 'kubernetes', 'prometheus', 'prometheus-operator', 'alertmanager', 'grafana', 'mlops', 'slo', 'monitoring'],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Not jsii modules, so they ship inside our tarball. re2js: RE2's syntax (Go's regexp, which Prometheus and
  // Alertmanager use) in plain JavaScript, to judge regexes as they will.
  bundledDeps: ['@prometheus-io/lezer-promql@^0.315.0', '@lezer/lr@^1.4.0', '@lezer/highlight@^1.2.0', 're2js@^2.10.0'],
  devDeps: [
    'cdk8s-cli@^2.207.0',
    'ajv@^8.17.0',
    'yaml@^2.8.0',
    // kubernetes-models 5.x is ESM only; 4.5.x ships CommonJS that jest can load.
    'kubernetes-models@4.5.1',
    // KEDA's ScaledObject schema, CommonJS like the above (2.x is ESM only).
    '@kubernetes-models/keda@0.4.2',
    // Grafana's own dashboard types: used type-only to check the dashboard JSON we render.
    '@grafana/schema@^13.2.0',
    // Property-based generation of bad input for the fuzz suite (test/fuzz).
    'fast-check@^4.3.0',
  ],

  // There is no cluster here: integration tests that `kubectl apply` cannot run.
  integrationTestAutoDiscover: false,

  // No hosted CI/release automation in this repository: `.ci/run` is the CI entry point.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  jestOptions: {
    // jest 30 resolves with unrs-resolver (see the note on eslint-import-resolver-typescript below).
    jestVersion: '^29.4.0',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // A run that finds no test must fail, never pass.
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/', '/test/'],
      // Heavy tests spawn promtool/amtool: give them room on a 2-core machine.
      testTimeout: 120_000,
      // promtool and amtool: installed from Debian's packages when missing (as root), else a clear error.
      globalSetup: '<rootDir>/test/util/global-setup.ts',
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'imports', 'scripts', '.projenrc.ts'],
    ignorePatterns: ['src/imports/', '*.js', '*.d.ts', 'node_modules/', 'dist/', 'lib/'],
    commandOptions: { fix: false },
  },
});

// eslint-import-resolver-typescript 3.6.x resolves with enhanced-resolve; 4.x pulls unrs-resolver's
// per-platform bindings, which not every registry mirror serves, and then `npm ci` refuses the lockfile.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@3.6.3');

// The example app and the import script are type-checked and linted like the tests (each folder has a
// tsconfig.json so ESLint's project service finds it).
for (const dir of ['examples', 'imports', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '..' }, include: ['**/*.ts'] },
  });
}

// Generated CRD bindings: committed, internal, not linted, marked generated.
project.gitattributes.addAttributes('/src/imports/**', 'linguist-generated');
project.gitignore.exclude('/dist/', '/.bench/', '/.e2e/', '/.tools/');
// The npm package holds what a user needs (lib/, .jsii, README, LICENSE, API.md): never the proof tools
// the tests download, test output, the examples, the import scripts or CI files.
project.package.addVersion(VERSION);
project.npmignore?.exclude('/CHANGELOG.md', '/scripts/', '/.tools/', '/.bench/', '/.e2e/', '/dist/', '/examples/', '/imports/', '/.ci/', '/test-reports/', '/coverage/', '/projenrc/');

// ---------------------------------------------------------------------------------------------
// CRD bindings. Not part of `compile`: it reads pinned CRD files (default ../shared/crds/...),
// or the folder/URL base given in ML_MONITORING_CRDS (`upstream` = the operator's release files).
project.addTask('import:crds', {
  description: `Regenerate src/imports from the prometheus-operator ${OPERATOR_VERSION} CRDs (see imports/README.md)`,
  exec: 'ts-node --project imports/tsconfig.json imports/import-crds.ts',
});

// README.md's "Alerts and dashboards" section, generated from the code (test/docs/readme-reference.test.ts
// fails when it is stale).
project.addTask('docs:reference', {
  description: 'Rewrite the alerts and dashboards reference in README.md from the code',
  exec: 'ts-node --project scripts/tsconfig.json scripts/readme-reference.ts',
});

// The main job: synthesize the example app into dist/example/*.k8s.yaml.
project.addTask('example', {
  description: 'Synthesize the example app (examples/) into dist/example/*.k8s.yaml',
  exec: 'ts-node --project examples/tsconfig.json examples/main.ts',
  env: { CDK8S_OUTDIR: 'dist/example' },
});

// The README's test command (`npx projen test`, scripts/test.sh) runs three jest passes on each engine
// (Prometheus 3.5 LTS, then Debian stable's 2.x) and then eslint (which checks and never rewrites: fixing is
// `lint:fix`). Each pass writes its own JUnit report into its engine's folder (JEST_JUNIT_OUTPUT_DIR):
// - test:unit: everything but the long simulations and the end-to-end proof, on both cores (under 2 minutes);
// - test:long: the SLO simulations over days of series (promtool, and a real Prometheus over backfilled
//   history beside Sloth's rules), which take minutes by design, the fuzz suite (1,200 generated cases through
//   promtool, amtool and the schemas), the generated rule tests, and the quick start (the packed library
//   installed into a fresh cdk8s app with npm); on both cores (each file runs its promtool processes in turn);
// - e2e: the example app on a real Prometheus and Alertmanager on loopback; its deadlines scale with the
//   machine's load, so it runs beside a CPU-bound pass of the other engine.
const LONG_TESTS = ['test/ml/slo-idle.test.ts', 'test/ml/slo-long-burn.test.ts', 'test/ml/slo-real-intervals.test.ts', 'test/fuzz/fuzz.test.ts',
  'test/testing/rule-tests.test.ts', 'test/testing/rule-tests-presets-a.test.ts', 'test/testing/rule-tests-presets-b.test.ts',
  'test/testing/slo-rule-tests.test.ts', 'test/testing/quality-rule-tests.test.ts', 'test/quickstart/quick-start.test.ts'];
project.addTask('test:unit', {
  description: 'Unit and promtool tests, without the long simulations and the end-to-end proof',
  exec: `jest --ci --maxWorkers=2 --testPathIgnorePatterns '/test/e2e/' ${LONG_TESTS.map(t => `'/${t.replace('.test.ts', '')}'`).join(' ')}`,
  env: { JEST_JUNIT_OUTPUT_NAME: 'junit-unit.xml' },
  receiveArgs: true,
});
project.addTask('test:long', {
  description: 'The long SLO simulations (days of series through promtool and a backfilled Prometheus), generated rule tests, fuzz, quick start',
  exec: `jest --ci --coverage=false --maxWorkers=2 ${LONG_TESTS.join(' ')}`,
  env: { JEST_JUNIT_OUTPUT_NAME: 'junit-long.xml' },
});
project.addTask('e2e', {
  description: 'End-to-end: the example app on a real Prometheus and Alertmanager on loopback (root: the Alertmanager runs in its own mount namespace)',
  exec: 'jest --ci --coverage=false test/e2e',
  env: { JEST_JUNIT_OUTPUT_NAME: 'junit-e2e.xml' },
});
project.testTask.reset();
// Both engines, each engine's end-to-end proof beside a CPU-bound pass of the other (scripts/test.sh says why).
project.testTask.exec('bash scripts/test.sh');

// The test task checks the sources and never rewrites them (CI runs it); fixing is its own task.
project.addTask('lint:fix', {
  description: 'eslint --fix over the sources',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern src test examples imports .projenrc.ts projenrc',
});

// The same proofs on Debian stable's Prometheus 2 alone (the test command runs them after Prometheus 3.5 LTS's).
project.addTask('test:prometheus2', {
  description: 'Run the tests on Debian stable\'s Prometheus 2.x and promtool (PATH) instead of Prometheus 3.5 LTS',
  env: { ML_MONITORING_PROMETHEUS: '2', JEST_JUNIT_OUTPUT_DIR: 'test-reports/prometheus2' },
  steps: ['test:unit', 'test:long', 'e2e'].map(t => ({ spawn: t })),
});

// Benchmarks: never part of the tests (shared, noisy machines); ratios taken in one run.
project.addTask('bench', {
  description: 'Benchmark synthesis against the plain-cdk8s floor; prints time, heap and ratios',
  exec: 'node --expose-gc -r ts-node/register/transpile-only test/bench/bench.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
});

project.synth();
