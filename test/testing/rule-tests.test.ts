import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { buildExampleApp, buildKubePrometheusStackExampleApp, buildShardedExampleApp } from '../../examples/app';
import { GpuMetrics, InferenceRuntime, MlInferenceMonitoring, Ratio, RuleTests } from '../../src';
import { DCGM } from '../../src/ml/_dcgm-exports';
import { Fixture } from '../util/exposition';
import { generateRuleTests, promtoolTestRules, ruleTestFiles, runMutated } from '../util/rule-tests';
import { TEST_SELECTOR } from '../util/synth';

/*
 * The promtool tests the library writes for users (RuleTests.synth): for every runtime preset they pass
 * against the generated rules with the real promtool; their series are the runtime's own (each one is a
 * series of the runtime's fixture, written from its source); and they bite: a rule file whose threshold
 * or `for` is changed after generation fails them.
 */

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
    // Only the changed alert's own tests (their names start with it): the others take time and say nothing of it.
    return runMutated(dir, { rulesFile: rulesFile(), testFile: testFile(), pick: r => r.alert === alert, change, keepTest: name => name.startsWith(`${alert} `) });
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
  ])('ModelTrafficDrop with its %s fails its tests (a week of history, every 10 minutes)', (_what, change) => {
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

describe('cost alerts', () => {
  const { dir, result } = generateRuleTests(chart => {
    new MlInferenceMonitoring(chart, 'fraud', {
      runtime: InferenceRuntime.fastApi(),
      namespace: 'tenant-a',
      selector: { app: 'fraud' },
      selectorLabels: TEST_SELECTOR,
      cost: {
        cpuCoreHour: 0.04,
        memoryGibHour: 0.005,
        maxCostPer1kPredictions: 0.01,
        monthlyBudget: 100,
        alerts: { budgetBurn: { pendingFor: Duration.minutes(5) } },
      },
    });
    new MlInferenceMonitoring(chart, 'chat', {
      runtime: InferenceRuntime.vllm(),
      namespaces: ['tenant-a', 'tenant-b'],
      selector: { app: 'chat' },
      selectorLabels: TEST_SELECTOR,
      gpu: GpuMetrics.dcgm(),
      cost: {
        cpuCoreHour: 0.04,
        memoryGibHour: 0.005,
        gpuHour: 2.5,
        monthlyBudget: 500,
        minGpuUtilization: Ratio.percent(20),
        alerts: { gpuIdle: { pendingFor: Duration.minutes(10) } },
      },
    });
  });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  test('cost per 1,000 predictions, the budget and idle GPUs get tests on kube-state-metrics\' and cAdvisor\'s series, and they pass with promtool', () => {
    expect(result.notGenerated).toEqual([]);
    const names = ruleTestFiles(result).flatMap(f => YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')).tests.map((t: any) => t.name as string));
    for (const alert of ['ModelCostPerPredictionHigh', 'ModelCostBudgetBurn', 'ModelGpuIdle']) {
      expect([alert, names.filter(n => n.startsWith(`${alert} fires`)).length]).not.toEqual([alert, 0]);
      expect([alert, names.filter(n => n.startsWith(`${alert} stays silent`)).length]).not.toEqual([alert, 0]);
    }
    for (const f of ruleTestFiles(result)) {
      const r = promtoolTestRules(dir, f);
      if (!r.ok) throw new Error(r.output);
    }
  }, 300_000);
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
  test('pass with promtool (each distinct file once: the adopted kube-prometheus-stack app writes the owned app\'s files, but for the header; the sharded app loads its local rules beside its global ones)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-rule-tests-'));
    try {
      const written = [buildExampleApp, buildKubePrometheusStackExampleApp, buildShardedExampleApp].map((build, i) => {
        const app = build({ outdir: path.join(dir, String(i)) });
        app.synth();
        const result = RuleTests.synth(app);
        expect(result.testCount).toBeGreaterThanOrEqual(15);
        expect(result.cannotFire).toEqual([]);
        // A file without its comment lines (the header names the construct's path, which differs by app).
        const body = (f: string) => fs.readFileSync(path.join(dir, String(i), 'rule-tests', f), 'utf8').replace(/^#.*\n/gm, '');
        return { result, bodies: new Map(result.files.map(f => [f, body(f)])) };
      });
      const [owned, adopted, sharded] = written;
      // Another app's test files that differ from the owned app's (with the rule files they load).
      const distinct = (other: typeof owned) => ruleTestFiles(other.result).filter(f => other.bodies.get(f) !== owned.bodies.get(f)
        || YAML.parse(other.bodies.get(f)!).rule_files.some((r: string) => other.bodies.get(r) !== owned.bodies.get(r)));
      // The sharded app's inference tests load the service's local rules (ModelTargetDown) beside the global ones.
      const shardedInference = distinct(sharded).filter(f => YAML.parse(sharded.bodies.get(f)!).rule_files.some((r: string) => r.endsWith('-local.rules.yaml')));
      expect(shardedInference.length).toBeGreaterThanOrEqual(1);
      for (const [i, files] of [[0, ruleTestFiles(owned.result)], [1, distinct(adopted)], [2, distinct(sharded)]] as const) {
        for (const f of files) {
          const r = promtoolTestRules(path.join(dir, String(i), 'rule-tests'), f);
          if (!r.ok) throw new Error(r.output);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
