import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { buildExampleApp, buildKubePrometheusStackExampleApp } from '../../examples/app';
import { GpuMetrics, InferenceRuntime, MlInferenceMonitoring, Ratio, RuleTests } from '../../src';
import { DCGM } from '../../src/ml/_dcgm-exports';
import { RUNTIME_CASES } from '../ml/_traffic';
import { Fixture } from '../util/exposition';
import { generateRuleTests, promtoolTestRules, ruleTestFiles, runMutated } from '../util/rule-tests';
import { TEST_SELECTOR } from '../util/synth';

/*
 * The promtool tests the library writes for users (RuleTests.synth): for every runtime preset they pass
 * against the generated rules with the real promtool; their series are the runtime's own (each one is a
 * series of the runtime's fixture, written from its source); and they bite: a rule file whose threshold
 * or `for` is changed after generation fails them.
 */

const TARGET_LABELS = new Set(['namespace', 'ml_service', 'pod', 'instance', 'job']);


describe.each(Object.entries(RUNTIME_CASES))('generated tests for the %s preset', (_name, c) => {
  // With the per-pod and per-handler variants wherever the runtime has their signal.
  const spec = c.runtime._spec;
  const perPod = {
    latencyPerPod: spec.latency ? {} : undefined,
    errorRatioPerPod: spec.errors ? {} : undefined,
    latencyPerHandler: spec.latency && spec.handler?.onLatency ? {} : undefined,
    errorRatioPerHandler: spec.errors && spec.handler ? {} : undefined,
  };
  const { dir, result } = generateRuleTests(chart => new MlInferenceMonitoring(chart, 'model-svc', {
    runtime: c.runtime, namespace: 'tenant-a', selector: { app: 'model' }, selectorLabels: TEST_SELECTOR, alerts: perPod,
  }));
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  test('pass with promtool against the generated rules', () => {
    // The main file, and the traffic-drop tests' (a week of history, evaluated every 5 minutes).
    expect(ruleTestFiles(result)).toEqual(['tenant-a.model-svc-inference.test.yaml', 'tenant-a.model-svc-inference.every-300s.test.yaml']);
    expect(result.cannotFire).toEqual([]);
    for (const f of ruleTestFiles(result)) {
      const r = promtoolTestRules(dir, f);
      if (!r.ok) throw new Error(r.output);
    }
    // Every alert of the preset has a test, except those the file names with a reason.
    const text = fs.readFileSync(path.join(dir, ruleTestFiles(result)[0]), 'utf8');
    const docs = ruleTestFiles(result).map(f => YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    const tested = new Set<string>(docs.flatMap(doc => doc.tests.flatMap((t: any) => t.alert_rule_test.map((a: any) => a.alertname))));
    const rules = YAML.parse(fs.readFileSync(path.join(dir, ruleTestFiles(result)[0].replace('.test.yaml', '.rules.yaml')), 'utf8'));
    const alerts = new Set<string>(rules.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert).map((x: any) => x.alert));
    const untested = [...alerts].filter(a => !tested.has(a));
    expect(untested.filter(a => !new RegExp(`^# not tested: ${a}: .+`, 'm').test(text))).toEqual([]);
    expect(tested.size).toBeGreaterThanOrEqual(6);
  });

  test('write only series the runtime exports (its fixture has each, with these labels)', () => {
    const fixtures = [c.fixture, ...(c.olderFixtures ?? [])].map(f => Fixture.load(f));
    const runtimeSeries = new Set<string>();
    for (const f of ruleTestFiles(result)) {
      const doc = YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      for (const t of doc.tests) for (const s of t.input_series) runtimeSeries.add(s.series);
    }
    const problems: string[] = [];
    for (const text of runtimeSeries) {
      const m = /^([^{]+)(?:\{(.*)\})?$/.exec(text)!;
      const metric = m[1];
      if (['up', 'kube_pod_status_phase', 'kube_pod_status_ready', 'kube_pod_container_status_restarts_total', 'kube_pod_container_resource_limits',
        'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'].includes(metric)) continue;
      const labels: { [k: string]: string } = {};
      for (const kv of (m[2] ?? '').match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []) {
        const i = kv.indexOf('=');
        labels[kv.slice(0, i)] = JSON.parse(kv.slice(i + 1));
      }
      const own = Object.fromEntries(Object.entries(labels).filter(([k]) => !TARGET_LABELS.has(k)));
      const le = (v: string) => (v === '+Inf' ? Infinity : Number(v));
      const modelLabel = c.runtime._spec.modelLabel;
      // Same label names and values (bucket bounds compared as numbers); the model's name is the generator's own.
      const found = fixtures.some(fx => fx.series(metric).some(s => Object.keys(own).every(k => k in s.labels
        && (k === 'le' ? le(s.labels[k]) === le(own[k]) : k === modelLabel || s.labels[k] === own[k]))));
      if (!found) problems.push(`${text} has no series of that name and label names in ${c.fixture}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('generated tests bite', () => {
  const { dir, result } = generateRuleTests(chart => new MlInferenceMonitoring(chart, 'model-svc', {
    runtime: InferenceRuntime.fastApi(),
    namespace: 'tenant-a',
    selector: { app: 'model' },
    selectorLabels: TEST_SELECTOR,
    alerts: {
      latency: { maxLatency: Duration.millis(750) },
      errorRatio: { maxErrorRatio: Ratio.percent(2), pendingFor: Duration.minutes(4) },
      latencyPerPod: { maxLatency: Duration.seconds(2) },
      errorRatioPerPod: { maxErrorRatio: Ratio.percent(10) },
      errorRatioPerHandler: { maxErrorRatio: Ratio.percent(20), pendingFor: Duration.minutes(3) },
    },
  }));
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  const testFile = () => ruleTestFiles(result)[0];
  const rulesFile = () => testFile().replace('.test.yaml', '.rules.yaml');

  /** Runs the generated tests against the rules with one alert's rule changed. */
  function mutated(alert: string, change: (rule: any) => void): { ok: boolean; output: string } {
    return runMutated(dir, { rulesFile: rulesFile(), testFile: testFile(), pick: r => r.alert === alert, change });
  }
  const scaleThreshold = (factor: number) => (rule: any) => {
    rule.expr = rule.expr.replace(/> (\d+(?:\.\d+)?(?:e-?\d+)?)/, (_: string, n: string) => `> ${Number(n) * factor}`);
  };

  test('unchanged, they pass', () => {
    const r = promtoolTestRules(dir, testFile());
    if (!r.ok) throw new Error(r.output);
  });

  test.each([
    ['ModelLatencyHigh', 'threshold doubled', scaleThreshold(2)],
    ['ModelLatencyHigh', 'threshold halved', scaleThreshold(0.5)],
    ['ModelErrorRatioHigh', 'threshold doubled', scaleThreshold(2)],
    ['ModelErrorRatioHigh', 'threshold halved', scaleThreshold(0.5)],
    ['ModelErrorRatioHigh', 'for doubled', (r: any) => { r.for = '8m'; }],
    ['ModelErrorRatioHigh', 'for halved', (r: any) => { r.for = '2m'; }],
    ['ModelPodLatencyHigh', 'threshold doubled', scaleThreshold(2)],
    ['ModelPodLatencyHigh', 'threshold halved', scaleThreshold(0.5)],
    ['ModelPodErrorRatioHigh', 'threshold doubled', scaleThreshold(2)],
    ['ModelPodErrorRatioHigh', 'for doubled', (r: any) => { r.for = '10m'; }],
    ['ModelHandlerErrorRatioHigh', 'threshold doubled', scaleThreshold(2)],
    ['ModelHandlerErrorRatioHigh', 'for doubled', (r: any) => { r.for = '6m'; }],
    ['ModelCpuHigh', 'threshold doubled', scaleThreshold(2)],
    ['ModelMemoryHigh', 'threshold halved', scaleThreshold(0.5)],
    ['ModelPodRestarting', 'threshold doubled', scaleThreshold(2)],
    ['ModelPodNotReady', 'for doubled', (r: any) => { r.for = '10m'; }],
    ['ModelMetricsMissing', 'for doubled', (r: any) => { r.for = '20m'; }],
    ['ModelLatencyHistogramTooCoarse', 'for halved', (r: any) => { r.for = '7m30s'; }],
    ['ModelLatencyHistogramTooCoarse', 'quantile share lowered (0.95 → 0)', (r: any) => { r.expr = r.expr.replace('< 0.95', '< 0'); }],
  ])('%s with its %s fails them, naming the alert', (alert, _what, change) => {
    const r = mutated(alert, change as (rule: any) => void);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(`alertname: ${alert}`);
  });

  test.each([
    ['minimum share halved (0.2 → 0.1)', (r: any) => { r.expr = r.expr.replace('< 0.2 *', '< 0.1 *'); }],
    ['for doubled (15m → 30m)', (r: any) => { r.for = '30m'; }],
  ])('ModelTrafficDrop with its %s fails its tests (a week of history, every 5 minutes)', (_what, change) => {
    const r = runMutated(dir, { rulesFile: rulesFile(), testFile: ruleTestFiles(result)[1], pick: x => x.alert === 'ModelTrafficDrop', change: change as (x: any) => void });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('alertname: ModelTrafficDrop');
  });

  test('settings away from the defaults get tests that pass: a 1h30m restart window, a CPU limit ratio, a 10m rate window, two namespaces, a traffic drop to half against 1d earlier', () => {
    const g = generateRuleTests(chart => new MlInferenceMonitoring(chart, 'model-svc', {
      runtime: InferenceRuntime.triton(),
      namespaces: ['tenant-a', 'tenant-b'],
      selector: { app: 'model' },
      selectorLabels: TEST_SELECTOR,
      rateWindow: Duration.minutes(10),
      alerts: {
        podRestarts: { window: Duration.minutes(90), maxRestarts: 0 },
        cpu: { maxLimitRatio: Ratio.percent(70) },
        queue: { maxQueued: 0, pendingFor: Duration.minutes(3) },
        trafficDrop: { minRatio: Ratio.percent(50), baseline: Duration.days(1), pendingFor: Duration.minutes(30) },
      },
    }));
    try {
      expect(g.result.notGenerated.filter(n => /ModelPodRestarting|ModelCpuHigh|ModelQueueBackingUp|ModelTrafficDrop/.test(n))).toEqual([]);
      expect(ruleTestFiles(g.result)).toHaveLength(2);
      for (const f of ruleTestFiles(g.result)) {
        const r = promtoolTestRules(g.dir, f);
        if (!r.ok) throw new Error(r.output);
      }
    } finally {
      fs.rmSync(path.dirname(g.dir), { recursive: true, force: true });
    }
  });

  test('an alert that can never fire as configured is named in the file, not tested vacuously', () => {
    const g = generateRuleTests(chart => new MlInferenceMonitoring(chart, 'model-svc', {
      runtime: InferenceRuntime.fastApi(),
      namespace: 'tenant-a',
      selector: { app: 'model' },
      selectorLabels: TEST_SELECTOR,
      alerts: { memory: { maxLimitRatio: Ratio.percent(100) } },
    }));
    expect(g.result.cannotFire).toEqual([expect.stringMatching(/ModelMemoryHigh: its threshold 1 is the highest share of the memory limit/)]);
    const text = fs.readFileSync(path.join(g.dir, ruleTestFiles(g.result)[0]), 'utf8');
    expect(text).toMatch(/^# CANNOT FIRE: ModelMemoryHigh/m);
    fs.rmSync(path.dirname(g.dir), { recursive: true, force: true });
  });
});

describe.each([
  ['exported_* labels (honorLabels off, the default)', {}],
  ['the exporter\'s own labels (honorLabels on)', { namespaceLabel: 'namespace', podLabel: 'pod' }],
])('GPU alerts fed by DCGM\'s exporter, %s', (_what, options) => {
  const { dir, result } = generateRuleTests(chart => new MlInferenceMonitoring(chart, 'chat', {
    runtime: InferenceRuntime.vllm(),
    namespaces: ['tenant-a', 'tenant-b'],
    selector: { app: 'chat' },
    selectorLabels: TEST_SELECTOR,
    gpu: GpuMetrics.dcgm(options),
    alerts: { gpuUtilization: { maxRatio: Ratio.percent(80) }, gpuMemory: { pendingFor: Duration.minutes(5) } },
  }));
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  const file = () => ruleTestFiles(result)[0];

  test('get tests that pass with promtool, on the series the exporter writes', () => {
    expect(result.notGenerated).toEqual([]);
    const doc = YAML.parse(fs.readFileSync(path.join(dir, file()), 'utf8'));
    expect(doc.tests.map((t: any) => t.name)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ModelGpuSaturated fires just above/), expect.stringMatching(/^ModelGpuMemoryNearFull stays silent just below/),
    ]));
    const r = promtoolTestRules(dir, file());
    if (!r.ok) throw new Error(r.output);
    // Each DCGM series written has the fixture's label names, beside the scrape's (and the exporter's pod labels, under whichever names).
    const fixture = Fixture.load('dcgm-exporter');
    const scrape = new Set(['namespace', 'pod', 'container', 'service', 'endpoint', 'job', 'instance', 'exported_namespace', 'exported_pod', 'exported_container']);
    const written = doc.tests.flatMap((t: any) => t.input_series.map((x: any) => x.series)).filter((x: string) => x.startsWith('DCGM_'));
    expect(written.length).toBeGreaterThan(0);
    for (const series of written) {
      const name = series.slice(0, series.indexOf('{'));
      const own = [...series.matchAll(/(\w+)="/g)].map(m => m[1]).filter(l => !scrape.has(l)).sort();
      const fromFixture = Object.keys(fixture.series(name)[0].labels).filter(l => !scrape.has(l)).sort();
      expect([name, own]).toEqual([name, fromFixture]);
    }
    expect([DCGM.utilization, DCGM.memoryUsed, DCGM.memoryFree].every(n => fixture.series(n).length > 0)).toBe(true);
  });

  test('they bite: ModelGpuSaturated with its threshold doubled fails them', () => {
    const r = runMutated(dir, {
      rulesFile: file().replace('.test.yaml', '.rules.yaml'),
      testFile: file(),
      pick: x => x.alert === 'ModelGpuSaturated',
      change: x => { x.expr = x.expr.replace('> 0.8', '> 1.6'); },
      keepTest: name => name.startsWith('ModelGpuSaturated '),
    });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('alertname: ModelGpuSaturated');
  });
});

describe('the example apps\' generated tests', () => {
  test.each([['owned stack', buildExampleApp], ['adopted kube-prometheus-stack', buildKubePrometheusStackExampleApp]])('%s: pass with promtool', (_what, build) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-rule-tests-'));
    try {
      const app = build({ outdir: dir });
      app.synth();
      const result = RuleTests.synth(app);
      expect(result.testCount).toBeGreaterThanOrEqual(15);
      expect(result.cannotFire).toEqual([]);
      for (const f of ruleTestFiles(result)) {
        const r = promtoolTestRules(path.join(dir, 'rule-tests'), f);
        if (!r.ok) throw new Error(r.output);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
