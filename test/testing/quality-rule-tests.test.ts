import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { DriftDetector, ModelPerformance, ModelQualityMonitoring, Ratio } from '../../src';
import { promMillis, promDuration } from '../../src/common/_duration';
import { ALIBI_DETECT, EVIDENTLY, MLRUN } from '../../src/ml/quality/_detector-exports';
import { Fixture } from '../util/exposition';
import { generateRuleTests, promtoolTestRules, ruleTestFiles, runMutated } from '../util/rule-tests';
import { TEST_SELECTOR } from '../util/synth';

/*
 * The promtool tests RuleTests.synth writes for model-quality alerts: every detector (on its exporter's own
 * series), drift computed from a histogram and from class counters, accuracy from confusion counters and
 * from a gauge, data health, versions, fairness and user feedback, each with non-default thresholds, windows and pending periods:
 * the scenario each alert is for fires it, the same change just short of it does not, and they pass with
 * promtool. They bite: a threshold or a `for` changed in the rule file after generation fails them.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'runtimes');
const testNames = (dir: string, file: string): string[] => YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')).tests.map((t: any) => t.name);

describe('the detectors\' series the tests write are those their exporters write', () => {
  /** The label names (beside the scrape's) of each family in a fixture that cites the exporter's source. */
  const labelNames = (fixture: string) => {
    const out = new Map<string, Set<string>>();
    for (const s of Fixture.load(fixture).samples) {
      const names = out.get(s.name) ?? new Set<string>();
      // A label with an empty value does not exist once scraped.
      Object.entries(s.labels).filter(([, v]) => v !== '').forEach(([k]) => names.add(k));
      out.set(s.name, names);
    }
    return out;
  };
  const sorted = (s: Iterable<string>) => [...s].sort();

  test('alibi-detect (Seldon\'s detector server)', () => {
    const f = labelNames('alibi-detect');
    for (const family of [ALIBI_DETECT.isDrift, ALIBI_DETECT.pValue, ALIBI_DETECT.distance, ALIBI_DETECT.threshold]) {
      expect(sorted(f.get(family)!)).toEqual(sorted([...Object.keys(ALIBI_DETECT.labels), ALIBI_DETECT.featureLabel]));
    }
  });
  test('Evidently 0.2', () => {
    const f = labelNames('evidently-0.2');
    for (const family of [EVIDENTLY.datasetDrift, EVIDENTLY.shareDrifted]) {
      expect(sorted(f.get(family)!)).toEqual(sorted(Object.keys(EVIDENTLY.labels)));
    }
  });
  test('MLRun 1.6', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'mlrun-1.6.prom'), 'utf8');
    const f = labelNames('mlrun-1.6');
    expect(sorted(f.get(MLRUN.driftStatus)!)).toEqual(sorted([...Object.keys(MLRUN.labels), 'drift_status']));
    expect(sorted(f.get(MLRUN.driftMetrics)!)).toEqual(sorted([...Object.keys(MLRUN.labels), 'metric']));
    for (const state of MLRUN.states) expect(text).toContain(`drift_status="${state}"`);
    for (const metric of MLRUN.metrics) expect(text).toContain(`metric="${metric}"`);
  });
});

describe('generated model-quality tests', () => {
  const { dir, result } = generateRuleTests(chart => {
    new ModelQualityMonitoring(chart, 'detectors', {
      modelName: 'detectors',
      selectorLabels: TEST_SELECTOR,
      driftDetectors: [
        DriftDetector.alibiDetect({ pValue: 0.01, distance: 0.3, matchers: { deployment_name: 'fraud-cd' } }),
        DriftDetector.evidently({ shareDrifted: Ratio.percent(30) }),
        DriftDetector.mlrun({ distance: 0.5, matchers: { project: 'fraud' } }),
        DriftDetector.customGauge({ name: 'psi', metric: 'feature_psi', threshold: 0.2 }),
        DriftDetector.customGauge({ name: 'pval', metric: 'feature_ks_p_value', threshold: 0.05, below: true }),
      ],
      alerts: { dataDrift: { pendingFor: Duration.minutes(10) } },
    });
    new ModelQualityMonitoring(chart, 'drift', {
      modelName: 'drift',
      selectorLabels: TEST_SELECTOR,
      histogramDrift: [{
        name: 'score', histogram: 'model_score', window: Duration.minutes(30), baseline: Duration.days(1), maxDistance: 0.2, matchers: { job: 'scorer' },
      }],
      classDrift: [{ name: 'decision', counter: 'decisions_total', classLabel: 'label', maxShareShift: Ratio.percent(20), baseline: Duration.days(1), pendingFor: Duration.minutes(20) }],
    });
    new ModelQualityMonitoring(chart, 'feedback', {
      modelName: 'feedback',
      selectorLabels: TEST_SELECTOR,
      performance: ModelPerformance.seldonFeedback({ deployment_name: 'fraud' }),
      performanceAlerts: {
        window: Duration.minutes(30), minAccuracy: Ratio.percent(90), maxRelativeDrop: Ratio.percent(5), baseline: Duration.days(2),
      },
      dataHealth: {
        predictionsCounter: 'predictions_total',
        stoppedFor: Duration.minutes(30),
        missingValues: { counter: 'feature_missing_total', total: 'predictions_total', featureLabel: 'column', maxMissingRatio: Ratio.percent(10) },
        evaluationLastSuccess: 'eval_last_success_timestamp_seconds',
        evaluationMaxAge: Duration.hours(6),
        matchers: { job: 'fraud' },
      },
      alerts: { accuracyLow: { pendingFor: Duration.minutes(10) }, predictionsStopped: { pendingFor: Duration.minutes(2) } },
    });
    new ModelQualityMonitoring(chart, 'fairness', {
      modelName: 'fairness',
      selectorLabels: TEST_SELECTOR,
      fairness: [
        {
          name: 'approval',
          groupLabel: 'segment',
          predictionsCounter: 'loan_predictions_total',
          favourableOutcome: 'approved',
          window: Duration.hours(2),
          minEventsPerGroup: 50,
          maxParityDifference: Ratio.percent(15),
          outcomes: {
            truePositives: 'loan_tp_total', falsePositives: 'loan_fp_total', trueNegatives: 'loan_tn_total', falseNegatives: 'loan_fn_total',
          },
          alerts: { disparateImpact: { pendingFor: Duration.minutes(10) } },
        },
        {
          name: 'approval-by-region',
          groupLabel: 'region',
          predictionsCounter: 'loan_predictions_total',
          outcomeLabel: 'decision',
          favourableOutcome: 'yes',
          referenceGroup: 'north',
          minImpactRatio: Ratio.percent(90),
          matchers: { job: 'loans' },
        },
      ],
    });
    new ModelQualityMonitoring(chart, 'users', {
      modelName: 'users',
      selectorLabels: TEST_SELECTOR,
      feedback: {
        counter: 'chat_feedback_total',
        ratingLabel: 'stars',
        satisfiedRatings: ['4', '5'],
        versionLabel: 'model_version',
        predictionsCounter: 'chat_requests_total',
        window: Duration.hours(2),
        baseline: Duration.days(2),
        minSatisfaction: Ratio.percent(60),
        minFeedback: 30,
        alerts: { satisfactionDropped: { pendingFor: Duration.minutes(20) } },
      },
    });
    new ModelQualityMonitoring(chart, 'gauge', {
      modelName: 'gauge',
      selectorLabels: TEST_SELECTOR,
      performance: ModelPerformance.accuracyGauge({ metric: 'model_eval_accuracy' }),
      versions: { requestsCounter: 'model_requests_total', modelLabel: 'model_name', versionLabel: 'model_version', maxRolloutDuration: Duration.minutes(30) },
      alerts: { metricsMissing: { absentFor: Duration.hours(6) } },
    });
  }, { namespace: 'tenant-a' });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  const file = (model: string) => `tenant-a.${model}-quality.test.yaml`;

  test.each([
    ['detectors', 'alibi-detect with a p-value level and a distance, Evidently, MLRun, two custom gauges (above, below)', 12],
    ['drift', 'a histogram over 30m against 1d earlier, class shares by a label of the user\'s', 4],
    ['feedback', 'Seldon feedback counters over 30m, predictions stopped, missing values by column, a 6h-old evaluation', 12],
    ['gauge', 'an accuracy gauge, versions in a 30m rollout, series missing for 6h', 7],
    ['fairness', 'against all predictions with ground truth over 2h, and against a reference group at a 90 % ratio over 1d', 12],
    ['users', 'feedback rated 1 to 5 per model version over 2h against 2d, and feedback per prediction', 5],
  ])('%s (%s): every alert tested, and they pass with promtool', (model, _what, count) => {
    expect(ruleTestFiles(result)).toContain(file(model));
    expect(result.notGenerated.filter(n => n.startsWith(file(model)))).toEqual([]);
    // Tests over days of a signal read over hours (a week's feedback baseline, a day's fairness window) are
    // evaluated every 15 minutes, in a file of their own.
    const files = ruleTestFiles(result).filter(f => f === file(model) || f === file(model).replace(/\.test\.yaml$/, '.every-900s.test.yaml'));
    expect(files.flatMap(f => testNames(dir, f))).toHaveLength(count);
    for (const f of files) {
      const r = promtoolTestRules(dir, f);
      if (!r.ok) throw new Error(r.output);
    }
  }, 300_000);

  test('a detector\'s test expects every condition it was configured with, for the drifted feature', () => {
    const tests = YAML.parse(fs.readFileSync(path.join(dir, file('detectors')), 'utf8')).tests.filter((t: any) => t.name.startsWith('ModelDataDrift fires'));
    const fires = tests.flatMap((t: any) => t.alert_rule_test.at(-1).exp_alerts)
      .map((a: any) => `${a.exp_labels.detector}/${a.exp_labels.drift_check}${a.exp_labels.index ? `[${a.exp_labels.index}]` : ''}`);
    expect(fires.sort()).toEqual(['alibi-detect/distance[1]', 'alibi-detect/flag[0]', 'alibi-detect/pvalue[1]', 'evidently/flag', 'evidently/share',
      'mlrun/distance', 'mlrun/flag', 'psi/gauge', 'pval/gauge'].sort());
  });

  /** Runs one alert's tests of `model` against the rules with that alert's rule(s) changed. */
  function mutated(model: string, alert: string, change: (rule: any) => void): { ok: boolean; output: string } {
    return runMutated(dir, {
      rulesFile: `tenant-a.${model}-quality.rules.yaml`,
      testFile: file(model),
      pick: r => r.alert === alert,
      change,
      keepTest: name => name.startsWith(`${alert} `),
    });
  }
  /** The number a comparison's right-hand side holds (the threshold), times `factor`. */
  const scaleThreshold = (factor: number) => (rule: any) => {
    rule.expr = rule.expr.replace(/([<>]=?) (\d+(?:\.\d+)?(?:e-?\d+)?)(?![\d.])/g, (_: string, op: string, n: string) => `${op} ${Number(n) * factor}`);
  };
  const scaleFor = (factor: number) => (rule: any) => {
    rule.for = promDuration(Duration.millis(promMillis(rule.for) * factor), 'test', 'for');
  };

  test.each([
    ['detectors', 'ModelDataDrift', 'for doubled', scaleFor(2)],
    ['detectors', 'ModelDataDrift', 'for halved', scaleFor(0.5)],
    ['detectors', 'ModelDataDrift', 'thresholds doubled', scaleThreshold(2)],
    ['drift', 'ModelDistributionDrift', 'threshold doubled', scaleThreshold(2)],
    ['drift', 'ModelDistributionDrift', 'threshold halved', scaleThreshold(0.5)],
    ['drift', 'ModelDistributionDrift', 'for halved', scaleFor(0.5)],
    ['drift', 'ModelPredictionClassShift', 'threshold halved', scaleThreshold(0.5)],
    ['drift', 'ModelPredictionClassShift', 'for doubled', scaleFor(2)],
    ['feedback', 'ModelAccuracyLow', 'floor lowered by a fifth', scaleThreshold(0.8)],
    ['feedback', 'ModelAccuracyLow', 'for doubled', scaleFor(2)],
    ['feedback', 'ModelAccuracyDropped', 'allowed drop doubled (0.95 → 0.9)', (r: any) => { r.expr = r.expr.replace('< 0.95 *', '< 0.9 *'); }],
    ['feedback', 'ModelFeatureMissingValues', 'threshold halved', scaleThreshold(0.5)],
    ['feedback', 'ModelPredictionsStopped', 'for lengthened to 10m', (r: any) => { r.for = '10m'; }],
    ['feedback', 'ModelEvaluationStale', 'maximum age doubled', scaleThreshold(2)],
    ['gauge', 'ModelVersionsMixed', 'for halved', scaleFor(0.5)],
    ['gauge', 'ModelVersionsMixed', 'for doubled', scaleFor(2)],
    ['gauge', 'ModelQualityMetricsMissing', 'for doubled', scaleFor(2)],
    ['fairness', 'ModelDisparateImpact', 'threshold halved', scaleThreshold(0.5)],
    ['fairness', 'ModelEqualOpportunityGap', 'threshold doubled', scaleThreshold(2)],
    ['users', 'ModelSatisfactionLow', 'floor lowered by a third', scaleThreshold(2 / 3)],
    ['users', 'ModelFeedbackStopped', 'for doubled', scaleFor(2)],
  ])('%s: %s with its %s fails its tests', (model, alert, _what, change) => {
    const r = mutated(model, alert, change as (rule: any) => void);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(`alertname: ${alert}`);
  }, 300_000);
});
