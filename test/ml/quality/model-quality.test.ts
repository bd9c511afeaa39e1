import { Duration } from 'cdk8s';
import { counter, drift, fromFixture, quality, run } from './_quality';
import { DriftDetector, ModelPerformance, ModelQualityMonitoring, MonitorKind, Ratio } from '../../../src';
import { Sample } from '../../util/exposition';
import { oneOfKind, testChart, TEST_SELECTOR } from '../../util/synth';

/* promtool proofs for every model-quality alert, on synthesized rules. */

describe('distribution drift in PromQL (Kolmogorov–Smirnov)', () => {
  const { rules } = quality({ histogramDrift: [{ name: 'fraud-score', histogram: 'fraud_score', window: Duration.minutes(30), baseline: Duration.hours(1) }] });
  const LE = ['0.25', '0.5', '0.75', '1', '+Inf'];
  // Cumulative counts per minute for each le: distribution A (CDF .1 .3 .6 .8 1) and B (CDF .4 .7 .9 .95 1).
  const A = [10, 30, 60, 80, 100];
  const B = [40, 70, 90, 95, 100];
  const hist = (phases: Array<[number[], number]>) => [
    ...LE.map((le, i) => ({ series: `fraud_score_bucket{le="${le}"}`, values: counter(...phases.map(([d, n]) => [d[i], n] as [number, number])) })),
    { series: 'fraud_score_count', values: counter(...phases.map(([d, n]) => [d[4], n] as [number, number])) },
  ];

  test('two identical distributions give distance 0 and no alert', () => {
    run(rules, [{
      input_series: hist([[A, 200]]),
      promql_expr_test: [{ expr: 'ml_quality:distribution_ks:distance', eval_time: '150m', exp_samples: [{ labels: 'ml_quality:distribution_ks:distance{distribution="fraud-score",model="fraud"}', value: 0 }] }],
      alert_rule_test: [{ eval_time: '190m', alertname: 'ModelDistributionDrift', exp_alerts: [] }],
    }]);
  });

  test('a shifted distribution gives the distance computed by hand (0.4 at le=0.5) and fires', () => {
    // From 90m on the score follows B. At 150m the last 30m are all B and the window an hour earlier all A:
    // max |F_B - F_A| = max(.3, .4, .3, .15, 0) = 0.4.
    run(rules, [{
      input_series: hist([[A, 90], [B, 110]]),
      promql_expr_test: [{ expr: 'round(ml_quality:distribution_ks:distance, 0.001)', eval_time: '150m', exp_samples: [{ labels: '{distribution="fraud-score",model="fraud"}', value: 0.4 }] }],
      alert_rule_test: [
        // The distance passes 0.1 at ~97m, so the alert fires at ~128m; an hour after the shift the
        // reference window fills with the new distribution too, and the alert resolves at ~172m.
        { eval_time: '90m', alertname: 'ModelDistributionDrift', exp_alerts: [] },
        { eval_time: '120m', alertname: 'ModelDistributionDrift', exp_alerts: [] },
        { eval_time: '140m', alertname: 'ModelDistributionDrift', exp_alerts: [drift({ distribution: 'fraud-score' })] },
        { eval_time: '165m', alertname: 'ModelDistributionDrift', exp_alerts: [drift({ distribution: 'fraud-score' })] },
        { eval_time: '185m', alertname: 'ModelDistributionDrift', exp_alerts: [] },
      ],
    }]);
  });
});

describe('class-share shift', () => {
  const { rules } = quality({ classDrift: [{ name: 'fraud-class', counter: 'predictions_total', baseline: Duration.hours(1) }] });
  const preds = (fraudShareA: number, fraudShareB: number) => [
    { series: 'predictions_total{class="fraud"}', values: counter([100 * fraudShareA, 90], [100 * fraudShareB, 110]) },
    { series: 'predictions_total{class="legit"}', values: counter([100 * (1 - fraudShareA), 90], [100 * (1 - fraudShareB), 110]) },
  ];
  test('fraud 10 % → 30 %: both classes moved 20 points and alert; steady shares do not', () => {
    run(rules, [{
      input_series: preds(0.1, 0.3),
      promql_expr_test: [{
        expr: 'round(ml_quality:class_share:ratio, 0.001)',
        eval_time: '170m',
        exp_samples: [
          { labels: '{class="fraud",distribution="fraud-class",model="fraud"}', value: 0.3 },
          { labels: '{class="legit",distribution="fraud-class",model="fraud"}', value: 0.7 },
        ],
      }],
      // Shares cross the 10-point shift at 120m (half the window new), so the alert fires at 150m.
      alert_rule_test: [{
        eval_time: '165m',
        alertname: 'ModelPredictionClassShift',
        exp_alerts: [
          drift({ distribution: 'fraud-class', class: 'fraud' }), drift({ distribution: 'fraud-class', class: 'legit' }),
        ],
      }],
    }, {
      input_series: preds(0.1, 0.1),
      alert_rule_test: [{ eval_time: '190m', alertname: 'ModelPredictionClassShift', exp_alerts: [] }],
    }]);
  });
});

describe('model performance', () => {
  const conf = (tp: number, fp: number, tn: number, fn: number, n: number) => [
    { series: 'seldon_metric_true_positive_total', values: `0+${tp}x${n}` },
    { series: 'seldon_metric_false_positive_total', values: `0+${fp}x${n}` },
    { series: 'seldon_metric_true_negative_total', values: `0+${tn}x${n}` },
    { series: 'seldon_metric_false_negative_total', values: `0+${fn}x${n}` },
  ];
  const perf = (extra: { [k: string]: string }) => ({ exp_labels: { model: 'fraud', ml_signal: 'performance', ...extra } });

  test('accuracy, precision, recall and F1 from Seldon feedback counters; accuracy floor', () => {
    const { rules } = quality({ performance: ModelPerformance.seldonFeedback() });
    run(rules, [{
      input_series: conf(40, 5, 50, 5, 120),
      promql_expr_test: ['accuracy', 'precision', 'recall', 'f1'].map((m, i) => ({
        expr: `round(ml_quality:${m}:ratio, 0.0001)`,
        eval_time: '60m',
        exp_samples: [{ labels: '{model="fraud"}', value: [0.9, 0.8889, 0.8889, 0.8889][i] }],
      })),
      alert_rule_test: [{ eval_time: '100m', alertname: 'ModelAccuracyLow', exp_alerts: [] }],
    }, {
      input_series: conf(20, 20, 40, 20, 120),
      alert_rule_test: [
        { eval_time: '20m', alertname: 'ModelAccuracyLow', exp_alerts: [] },
        { eval_time: '60m', alertname: 'ModelAccuracyLow', exp_alerts: [perf({ severity: 'critical' })] },
      ],
    }]);
  });

  test('accuracy dropping against its trailing average (baseline tuned to 2h)', () => {
    const { rules } = quality({ performance: ModelPerformance.accuracyGauge({ metric: 'model_eval_accuracy' }), performanceAlerts: { baseline: Duration.hours(6), minAccuracy: Ratio.percent(50) } });
    // 0.9 for 6 h, then 0.75: below 90 % of the 6 h average until ~160m after the drop; `for: 1h`.
    run(rules, [{
      input_series: [{ series: 'model_eval_accuracy{job="eval"}', values: '0.9+0x360 0.75+0x120' }],
      alert_rule_test: [
        { eval_time: '410m', alertname: 'ModelAccuracyDropped', exp_alerts: [] },
        { eval_time: '430m', alertname: 'ModelAccuracyDropped', exp_alerts: [perf({ severity: 'warning' })] },
        { eval_time: '430m', alertname: 'ModelAccuracyLow', exp_alerts: [] },
      ],
    }]);
  });
});

describe('data health', () => {
  const { rules } = quality({
    dataHealth: {
      predictionsCounter: 'predictions_total',
      baseline: Duration.hours(1),
      missingValues: { counter: 'feature_missing_total', total: 'predictions_total' },
      evaluationLastSuccess: 'model_eval_last_success_timestamp_seconds',
    },
  });
  const data = (extra: { [k: string]: string }) => ({ exp_labels: { model: 'fraud', ml_signal: 'data', ...extra } });

  test('predictions stop where traffic was expected', () => {
    run(rules, [{
      input_series: [{ series: 'predictions_total', values: counter([100, 70], [0, 60]) }, { series: 'model_eval_last_success_timestamp_seconds', values: '0+60x130' }],
      alert_rule_test: [
        { eval_time: '60m', alertname: 'ModelPredictionsStopped', exp_alerts: [] },
        { eval_time: '95m', alertname: 'ModelPredictionsStopped', exp_alerts: [data({ severity: 'critical' })] },
      ],
    }]);
  });

  test('a feature missing in 10 % of inputs alerts; one missing in 1 % does not', () => {
    run(rules, [{
      input_series: [
        { series: 'predictions_total', values: '0+100x60' },
        { series: 'feature_missing_total{feature="age"}', values: '0+10x60' },
        { series: 'feature_missing_total{feature="income"}', values: '0+1x60' },
        { series: 'model_eval_last_success_timestamp_seconds', values: '0+60x60' },
      ],
      alert_rule_test: [{ eval_time: '40m', alertname: 'ModelFeatureMissingValues', exp_alerts: [data({ severity: 'warning', feature: 'age' })] }],
    }]);
  });

  test('an evaluation older than a day, or never reported, alerts', () => {
    run(rules, [{
      interval: '10m',
      input_series: [{ series: 'model_eval_last_success_timestamp_seconds', values: '0+0x200' }],
      alert_rule_test: [
        { eval_time: '23h', alertname: 'ModelEvaluationStale', exp_alerts: [] },
        { eval_time: '25h', alertname: 'ModelEvaluationStale', exp_alerts: [data({ severity: 'warning' })] },
      ],
    }, {
      input_series: [{ series: 'predictions_total', values: '0+1x30' }],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelEvaluationStale', exp_alerts: [data({ severity: 'warning' })] }],
    }], '5m');
  });
});

describe('model versions', () => {
  test('two versions serving for longer than a rollout alerts; the alert clears once one remains', () => {
    const { rules } = quality({ versions: { requestsCounter: 'http_requests_total', modelLabel: 'model_name', versionLabel: 'model_version', maxRolloutDuration: Duration.minutes(30) } });
    run(rules, [{
      input_series: [
        { series: 'http_requests_total{namespace="ml",model_name="fraud",model_version="v1"}', values: counter([60, 60], [0, 60]) },
        { series: 'http_requests_total{namespace="ml",model_name="fraud",model_version="v2"}', values: '0+60x120' },
      ],
      alert_rule_test: [
        { eval_time: '20m', alertname: 'ModelVersionsMixed', exp_alerts: [] },
        { eval_time: '45m', alertname: 'ModelVersionsMixed', exp_alerts: [{ exp_labels: { model: 'fraud', model_name: 'fraud', namespace: 'ml', ml_signal: 'version', severity: 'warning' } }] },
        { eval_time: '110m', alertname: 'ModelVersionsMixed', exp_alerts: [] },
      ],
    }]);
  });
});

describe('canary comparison panels', () => {
  test('per-version error ratio and p95 latency, parsed at synth', () => {
    const { docs } = quality({
      versions: {
        requestsCounter: 'http_requests_total',
        modelLabel: 'model_name',
        versionLabel: 'model_version',
        errorLabelMatchers: { status: '5..' },
        latencyHistogram: 'http_request_duration_seconds',
        matchers: { namespace: 'ml' },
      },
    });
    const json = JSON.parse(Object.values(oneOfKind(docs, 'ConfigMap').data)[0] as string);
    const byTitle = (t: string) => json.panels.find((p: any) => p.title === t).targets[0].expr;
    expect(byTitle('Error ratio by version (canary vs stable)')).toBe(
      'sum by (namespace, model_name, model_version) (rate(http_requests_total{namespace="ml",status=~"5.."}[$__rate_interval])) / '
      + '(sum by (namespace, model_name, model_version) (rate(http_requests_total{namespace="ml"}[$__rate_interval])) > 0)');
    expect(byTitle('p95 latency by version (canary vs stable)')).toContain('sum by (namespace, model_name, model_version, le) (rate(http_request_duration_seconds_bucket{namespace="ml"}');
  });
});

describe('drift detectors', () => {
  const { rules, q } = quality({
    driftDetectors: [DriftDetector.alibiDetect(), DriftDetector.evidently(), DriftDetector.mlrun(),
      DriftDetector.customGauge({ name: 'psi', metric: 'feature_psi', threshold: 0.2 })],
  });
  const d0 = (check: string, extra: { [k: string]: string }) => drift({ detector: 'alibi-detect', drift_check: check, ...extra });
  const feature = (smp: Sample, name: string, index: string) => smp.name === name && smp.labels.index === index;
  // The fixtures as written are healthy by each detector's own judgement (alibi's is_drift 0: feature 1's
  // p-value 0.03 is above the detector's Bonferroni-corrected threshold 0.0167, and KS distances are no
  // p-values; Evidently's dataset_drift 0), MLRun's says DRIFT_DETECTED.
  const healthy = [
    ...fromFixture('alibi-detect'),
    ...fromFixture('evidently-0.2'),
    ...fromFixture('mlrun-1.6', smp => (smp.name === 'drift_status' ? Number(smp.labels.drift_status === 'NO_DRIFT') : smp.name === 'drift_metrics' ? 0.1 : undefined)),
    { series: 'feature_psi{feature="age"}', values: '0.1+0x30' },
  ];
  const drifted = [
    ...fromFixture('alibi-detect', smp => (smp.name === 'seldon_metric_drift_is_drift' ? 1 : feature(smp, 'seldon_metric_drift_p_val', '1') ? 0.001 : undefined)),
    ...fromFixture('evidently-0.2', smp => (smp.name === 'evidently:data_drift:dataset_drift' ? 1 : smp.name === 'evidently:data_drift:share_drifted_features' ? 0.6 : undefined)),
    ...fromFixture('mlrun-1.6'),
    { series: 'feature_psi{feature="age"}', values: '0.3+0x30' },
  ];

  test('every detector condition fires on drifted gauges shaped like the detectors\' output after 15m, none on healthy ones', () => {
    expect(q.alertNames).toEqual(['ModelDataDrift', 'ModelQualityMetricsMissing']);
    const d = (detector: string, check: string, extra: { [k: string]: string }) => drift({ detector, drift_check: check, ...extra });
    run(rules, [{
      input_series: drifted,
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ModelDataDrift', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'ModelDataDrift',
          exp_alerts: [
            d('alibi-detect', 'flag', { deployment_name: 'fraud-cd', index: '0' }), d('alibi-detect', 'pvalue', { deployment_name: 'fraud-cd', index: '1' }),
            d('evidently', 'flag', { dataset_name: 'bike_random_forest' }), d('evidently', 'share', { dataset_name: 'bike_random_forest' }),
            d('mlrun', 'flag', { drift_status: 'DRIFT_DETECTED', endpoint_id: 'e4f1a9', project: 'fraud' }), d('mlrun', 'distance', { endpoint_id: 'e4f1a9', project: 'fraud' }),
            d('psi', 'gauge', { feature: 'age' }),
          ],
        },
      ],
    }, { input_series: healthy, alert_rule_test: [{ eval_time: '20m', alertname: 'ModelDataDrift', exp_alerts: [] }] }]);
  });

  test('two alibi-detect detectors are each judged by their own threshold', () => {
    // The fixture's KS detector (3 features, threshold 0.05 / 3) sees p 0.03 on feature 1: no drift by its
    // own judgement. A second, one-feature detector (threshold 0.05) sees the same p-value: drift.
    const other = fromFixture('alibi-detect', smp => (smp.name === 'seldon_metric_drift_threshold' ? 0.05 : undefined))
      .map(x => ({ ...x, series: x.series.replace('deployment_name="fraud-cd"', 'deployment_name="churn-cd"') }));
    run(rules, [{
      input_series: [...fromFixture('alibi-detect'), ...other],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelDataDrift', exp_alerts: [d0('pvalue', { deployment_name: 'churn-cd', index: '1' })] }],
    }]);
  });

  test('another tenant\'s detectors are never read: drift in namespace "other" raises nothing for the model in "ml"', () => {
    const elsewhere = drifted.map(x => ({ ...x, series: x.series.includes('{') ? x.series.replace('{', '{namespace="other",') : `${x.series}{namespace="other"}` }));
    run(rules, [{ input_series: [...healthy, ...elsewhere], alert_rule_test: [{ eval_time: '20m', alertname: 'ModelDataDrift', exp_alerts: [] }] }]);
    // ... and the same drift in the model's own namespace does raise it (the test above).
  });

  test('a distance alert on alibi-detect only with a distance the user gives; options a detector cannot honour are refused', () => {
    expect(DriftDetector.alibiDetect()._conditions([]).map(c => c.key)).toEqual(['flag', 'pvalue']);
    const withDistance = DriftDetector.alibiDetect({ distance: 0.3, pValue: 0.01 });
    expect(withDistance._conditions([]).map(c => c.expr)).toEqual([
      'max by (namespace, deployment_name, index) (seldon_metric_drift_is_drift) == 1',
      'min by (namespace, deployment_name, index) (seldon_metric_drift_p_val) < 0.01',
      'max by (namespace, deployment_name, index) (seldon_metric_drift_distance) > 0.3',
    ]);
    expect(() => DriftDetector.evidently({ pValue: 0.05 })).toThrow(/DriftDetector.evidently: invalid pValue 0.05: no pValue/);
    expect(() => DriftDetector.mlrun({ pValue: 0.05 })).toThrow(/DriftDetector.mlrun: invalid pValue/);
  });
});

describe('ModelQualityMonitoring construction', () => {
  test('alerts carry model and ml_signal for routing; the dashboard renders', () => {
    const { docs } = quality({
      performance: ModelPerformance.seldonFeedback(),
      versions: { requestsCounter: 'r_total', modelLabel: 'model_name', versionLabel: 'version' },
      dataHealth: { predictionsCounter: 'p_total' },
      histogramDrift: [{ name: 's', histogram: 'score' }],
      classDrift: [{ name: 'c', counter: 'p_total' }],
    });
    const alerts = (oneOfKind(docs, 'PrometheusRule').spec.groups[0].rules as any[]).filter(r => r.alert);
    expect(new Set(alerts.map(a => a.labels.ml_signal))).toEqual(new Set(['drift', 'performance', 'data', 'version', 'monitoring']));
    expect(alerts.every(a => a.labels.model === 'fraud' && a.annotations.runbook_url)).toBe(true);
    const cm = oneOfKind(docs, 'ConfigMap');
    const json = JSON.parse(Object.values(cm.data)[0] as string);
    expect(json.panels.filter((p: any) => p.type !== 'row').map((p: any) => p.title)).toEqual([
      'Distribution drift (KS distance)', 'Predicted class shares', 'Accuracy, precision, recall, F1', 'Predictions per second', 'Traffic by model version',
    ]);
  });

  test.each([
    [{}, /at least one of driftDetectors, histogramDrift/],
    [{ histogramDrift: [{ name: 's', histogram: 'score_bucket' }] }, /histogramDrift: invalid histogram "score_bucket": the histogram's base name/],
    [{ histogramDrift: [{ name: 's', histogram: 'score', maxDistance: 1.5 }] }, /invalid maxDistance 1.5: a distance between 0 and 1/],
    [{ classDrift: [{ name: 'c', counter: 'p_total', maxShareShift: 0.2 as any }] }, /invalid maxShareShift 0.2: a Ratio/],
    [{ versions: { requestsCounter: 'r', modelLabel: 'm', versionLabel: 'm' } }, /invalid versionLabel "m": a label other than modelLabel/],
    [{ alertLabels: { ml_signal: 'x' }, performance: ModelPerformance.seldonFeedback() }, /invalid alertLabels "ml_signal"/],
    [{ modelName: 'fraud model', performance: ModelPerformance.seldonFeedback() }, /invalid modelName "fraud model"/],
  ])('bad input %#', (bad, message) => {
    expect(() => new ModelQualityMonitoring(testChart('ml'), 'q', { modelName: 'fraud', selectorLabels: TEST_SELECTOR, ...(bad as any) })).toThrow(message);
  });

  test('bad detector and performance options', () => {
    expect(() => DriftDetector.alibiDetect({ pValue: 2 })).toThrow(/DriftDetector.alibiDetect: invalid pValue 2/);
    expect(() => DriftDetector.customGauge({ name: 'PSI', metric: 'psi', threshold: 0.2 })).toThrow(/invalid name "PSI"/);
    expect(() => DriftDetector.customGauge({ name: 'psi', metric: 'psi-score', threshold: 0.2 })).toThrow(/invalid metric "psi-score"/);
    expect(() => ModelPerformance.confusionCounters({ truePositives: 'a', falsePositives: 'a', trueNegatives: 'b', falseNegatives: 'c' })).toThrow(/four different counters/);
  });
});

describe('the services the quality rules read are scraped when listed', () => {
  test('a detector and an evaluation job get monitors in the model\'s namespace with the stack\'s selector labels; they validate', () => {
    const { q, docs } = quality({
      driftDetectors: [DriftDetector.alibiDetect()],
      dataHealth: { evaluationLastSuccess: 'fraud_eval_last_success_timestamp_seconds' },
      scrape: [
        { name: 'drift-detector', selector: { app: 'fraud-detector-drift' }, port: 'metrics' },
        { name: 'evaluation', selector: { app: 'fraud-eval' }, portNumber: 9091, kind: MonitorKind.POD_MONITOR, path: '/prom' },
      ],
    });
    expect(q.scrapeTargets.map(t => t.kind)).toEqual([MonitorKind.SERVICE_MONITOR, MonitorKind.POD_MONITOR]);
    const sm = oneOfKind(docs, 'ServiceMonitor');
    expect(sm.metadata).toEqual({ name: 'fraud-drift-detector', namespace: 'ml', labels: TEST_SELECTOR });
    expect(sm.spec).toMatchObject({ selector: { matchLabels: { app: 'fraud-detector-drift' } }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] });
    const pm = oneOfKind(docs, 'PodMonitor');
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 9091, path: '/prom' });
    // The tenant of every series it scrapes is the model's: no label stamped, so Prometheus' namespace holds.
    expect(sm.spec.endpoints[0].relabelings).toBeUndefined();
  });

  test('without scrape no monitor is written; bad entries are Errors naming the entry', () => {
    expect(quality({ driftDetectors: [DriftDetector.alibiDetect()] }).docs.filter(d => /Monitor$/.test(d.kind))).toEqual([]);
    const make = (scrape: any) => () => new ModelQualityMonitoring(testChart('ml'), 'q', {
      modelName: 'fraud', selectorLabels: TEST_SELECTOR, driftDetectors: [DriftDetector.alibiDetect()], scrape,
    });
    expect(make([{ name: 'Detector', selector: { app: 'd' }, port: 'metrics' }])).toThrow(/invalid scrape\[0\].name "Detector": a name unique among scrape/);
    expect(make([{ name: 'd', selector: { app: 'd' }, port: 'm' }, { name: 'd', selector: { app: 'e' }, port: 'm' }])).toThrow(/invalid scrape\[1\].name "d"/);
    expect(make([{ name: 'd', selector: { app: 'd' } }])).toThrow(/Scrape-d: invalid port \(undefined\): the name of the metrics port/);
    expect(make([{ name: 'd', selector: {}, port: 'm' }])).toThrow(/Scrape-d: invalid selector/);
  });
});
