import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { engine } from '../util/prometheus-release';
import { checkAlertmanagerConfig } from '../util/promtool';
import { proveAll } from '../util/prove';
import { Doc } from '../util/synth';

/**
 * The quick start as a new user lives it: the library packed as the tarball npm would publish, a fresh
 * cdk8s TypeScript app laid out from cdk8s-cli's own `typescript-app` template (what `cdk8s init
 * typescript-app` writes, without its `cdk8s import k8s`, which downloads Kubernetes' schema and which the
 * quick start does not use), the tarball installed, README.md's quick-start code written as main.ts
 * exactly, compiled with the template's own tsconfig.json, and `cdk8s synth` run. The output must pass the
 * proofs: schemas, promtool, amtool.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npmEnv = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };

/** The code block after `<!-- quick-start main.ts -->` in README.md. */
export function readmeQuickStart(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- quick-start main\.ts -->\n```ts\n([\s\S]*?)\n```/.exec(readme);
  if (!m) throw new Error('README.md has no code block after <!-- quick-start main.ts -->');
  return `${m[1]}\n`;
}

/** The newest mtime under a folder. */
function newest(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = path.join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

/** lib/ and .jsii as `npx projen compile` writes them, compiled again when src/ is newer. */
function ensureCompiled(): void {
  const jsii = path.join(ROOT, '.jsii');
  if (fs.existsSync(jsii) && fs.existsSync(path.join(ROOT, 'lib', 'index.js')) && fs.statSync(jsii).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  execFileSync('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: ROOT, stdio: 'pipe', env: npmEnv });
}

/** The version a cdk8s-cli module resolves, as `cdk8s init` reads it (the cli's own dependency). */
function cliModuleVersion(name: string): string {
  const cli = path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [ROOT] }));
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [cli] }), 'utf8')).version;
}

/** The template's files with cdk8s init's substitutions; `{{}}.gitignore` is `.gitignore`. */
function layOutTemplate(appDir: string, name: string): void {
  const cliDir = path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [ROOT] }));
  const template = path.join(cliDir, 'templates', 'typescript-app');
  const values: { [k: string]: string } = {
    $base: name,
    cdk8s_core_version: cliModuleVersion('cdk8s'),
    cdk8s_plus_version: cliModuleVersion('cdk8s-plus-33'),
    constructs_version: cliModuleVersion('constructs'),
    cdk8s_cli_spec: `^${JSON.parse(fs.readFileSync(path.join(cliDir, 'package.json'), 'utf8')).version}`,
  };
  for (const f of fs.readdirSync(template)) {
    const from = path.join(template, f);
    if (fs.statSync(from).isDirectory() || f.startsWith('.hooks')) continue;
    const text = fs.readFileSync(from, 'utf8').replace(/\{\{\s*([$\w]+)\s*\}\}/g, (_m, k: string) => {
      if (values[k] === undefined) throw new Error(`the cdk8s-cli template uses {{ ${k} }}, which this test does not know: update layOutTemplate`);
      return values[k];
    });
    fs.writeFileSync(path.join(appDir, f.replace('{{}}', '')), text);
  }
}

describe('the quick start, in a fresh cdk8s app, from the packed library', () => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    ensureCompiled();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
    const packed = JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: npmEnv }));
    tarball = path.join(work, packed[0].filename);
  }, 300_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the package holds only lib/, .jsii, README, LICENSE, API.md and package.json (and its bundled dependencies), at the CHANGELOG\'s version', () => {
    const list = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map(f => f.replace(/^package\//, ''));
    const top = [...new Set(list.map(f => f.split('/')[0]))].sort();
    expect(top).toEqual(['.jsii', 'API.md', 'LICENSE', 'README.md', 'lib', 'node_modules', 'package.json']);
    const bundled = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bundledDependencies as string[];
    expect([...new Set(list.filter(f => f.startsWith('node_modules/')).map(f => f.split('/').slice(1, f.split('/')[1].startsWith('@') ? 3 : 2).join('/')))])
      .toEqual(expect.arrayContaining(bundled));
    expect(list.filter(f => f.startsWith('lib/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(version).not.toBe('0.0.0');
    const newestEntry = /^## (\d+\.\d+\.\d+)/m.exec(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'))?.[1];
    expect(version).toBe(newestEntry);
    expect(path.basename(tarball)).toBe(`cdk8s-ml-monitoring-${version}.tgz`);
  });

  // The TypeScript the template pins, and the two majors after it as README.md describes them: 6 works as the
  // template is; 7 breaks ts-node, so the app is compiled with tsc and cdk8s runs the JavaScript. TypeScript
  // is not the engine's business: on Prometheus 2 (the second engine of the test command), the template's
  // TypeScript alone proves the quick start's output.
  const variants: Array<[string, string | undefined, string | undefined]> = [
    ['the template\'s TypeScript', undefined, undefined],
    ['TypeScript 6', '6.0.x', undefined],
    ['TypeScript 7, compiled with tsc and run with node', '7.0.x', 'node main.js'],
  ];
  test.each(engine() === '3' ? variants : variants.slice(0, 1))('README.md\'s quick start with %s compiles with the template\'s tsconfig, synthesizes, and its output passes the schemas, promtool and amtool', (_what, typescript, appCommand) => {
    const app = path.join(work, `ml-monitoring-${typescript ?? 'template'}`);
    fs.mkdirSync(app);
    layOutTemplate(app, 'ml-monitoring');
    fs.writeFileSync(path.join(app, 'main.ts'), readmeQuickStart());
    // The template's snapshot test is of its own empty chart: not the user's app.
    for (const f of ['main.test.ts']) fs.rmSync(path.join(app, f), { force: true });
    const run = (args: string[]) => {
      try {
        return execFileSync(NPM, args, { cwd: app, encoding: 'utf8', env: npmEnv, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
      } catch (e: any) {
        throw new Error(`npm ${args.join(' ')} failed in the fresh app:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
      }
    };
    run(['install', '--prefer-offline', '--no-audit', '--no-fund']);
    run(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'cdk8s-plus-28']);
    if (typescript) run(['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', `typescript@${typescript}`]);
    if (appCommand) {
      const yamlFile = path.join(app, 'cdk8s.yaml');
      fs.writeFileSync(yamlFile, fs.readFileSync(yamlFile, 'utf8').replace(/^app: .*$/m, `app: ${appCommand}`));
    }
    // README.md names the versions this ran with.
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'typescript', 'package.json'), 'utf8')).version as string;
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`TypeScript ${installed.split('.').slice(0, typescript ? 1 : 2).join('.')}`);
    run(['run', 'compile']);
    run(['run', 'synth']);
    const files = fs.readdirSync(path.join(app, 'dist')).filter(f => f.endsWith('.k8s.yaml'));
    expect(files).toEqual(['ml-monitoring.k8s.yaml']);
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(app, 'dist', files[0]), 'utf8')).map(d => d.toJSON() as Doc).filter(Boolean);
    proveAll(docs);
    const secret = docs.find(d => d.kind === 'Secret' && d.stringData?.['alertmanager.yaml'])!;
    const am = checkAlertmanagerConfig(secret.stringData['alertmanager.yaml']);
    expect(am.output).toMatch(/SUCCESS/);
    // What the guide asked for: the six alerts with its thresholds, in both tenants, to Slack and email.
    const rules = docs.filter(d => d.kind === 'PrometheusRule').flatMap(d => d.spec.groups.flatMap((g: any) => g.rules));
    for (const alert of ['MLInferenceHighLatency', 'ModelErrorRatioHigh', 'ModelPodRestarting', 'ModelPodNotReady', 'ModelCpuHigh', 'ModelMemoryHigh',
      'ModelPodLatencyHigh', 'ModelPodErrorRatioHigh']) {
      expect(rules.filter((r: any) => r.alert === alert).length).toBeGreaterThan(0);
    }
    expect(docs.filter(d => d.kind === 'ServiceMonitor' && d.metadata.name === 'ml-inference').map(d => d.metadata.namespace).sort()).toEqual(['tenant-a', 'tenant-b']);
    const config = YAML.parse(secret.stringData['alertmanager.yaml']);
    expect(config.route.group_by).toEqual(['namespace', 'alertname']);
    expect(Object.keys(config.receivers.find((r: any) => r.name === config.route.receiver)).sort()).toEqual(['email_configs', 'name', 'slack_configs']);
  }, 600_000);
});
