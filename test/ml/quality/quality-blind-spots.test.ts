import { Duration } from 'cdk8s';
import { counter, fromFixture, inNamespace, quality, run } from './_quality';
import { DriftDetector, ModelPerformance, ModelQualityMonitoring, Ratio } from '../../../src';
import { expectRulesTestPass } from '../../util/promtool';
import { synthChart, testChart, TEST_SELECTOR } from '../../util/synth';

/*
 * ModelQualityMetricsMissing: a series the model's enabled quality alerts and panels need has not existed in
 * its namespace for `absentFor`, once Prometheus has collected that long. Proved with promtool on the
 * detectors' fixtures (alibi-detect server, Evidently 0.2, MLRun 1.6, each cited to its source in the fixture).
 */

const ALERT = 'ModelQualityMetricsMissing';
const missing = (family: string, extra: { [k: string]: string } = {}) =>
  ({ exp_labels: { model: 'fraud', ml_signal: 'monitoring', severity: 'warning', metric_family: family, ...extra } });
/** Any scrape target, from the first minute: Prometheus has been collecting since then. */
const up = (minutes: number) => ({ series: 'up{job="any",namespace="kube-system",pod="x"}', values: `1+0x${minutes}` });

describe('detectors: what the configured detector reads is not what the cluster runs', () => {
  const detectors = [DriftDetector.alibiDetect(), DriftDetector.evidently(), DriftDetector.mlrun()];
  const { rules, q } = quality({ driftDetectors: detectors, alerts: { metricsMissing: { absentFor: Duration.hours(2) } } });
  const all = (minutes: number) => [...fromFixture('alibi-detect', undefined, minutes), ...fromFixture('evidently-0.2', undefined, minutes),
    ...fromFixture('mlrun-1.6', undefined, minutes)];

  test('the alert is part of the model\'s alerts and reads every family the detector conditions read', () => {
    expect(q.alertNames).toContain(ALERT);
    const rule = (rules.spec.groups[0].rules as any[]).find(r => r.alert === ALERT);
    expect(rule.labels).toMatchObject({ ml_signal: 'monitoring', model: 'fraud', namespace: 'ml' });
    expect(rule.for).toBe('10m');
    for (const f of ['seldon_metric_drift_is_drift', 'seldon_metric_drift_p_val', 'seldon_metric_drift_threshold', 'evidently:data_drift:dataset_drift',
      'evidently:data_drift:share_drifted_features', 'drift_status']) {
      expect(rule.expr).toContain(`absent_over_time(${f}{namespace="ml"}[2h])`);
    }
    expect(rule.expr).toContain('absent_over_time(drift_metrics{namespace="ml",metric="hellinger_mean"}[2h])');
    expect(rule.expr).toContain('and on () group(up offset 2h)');
  });

  test('every detector\'s real series present: silent at the start, after the window and long after', () => {
    run(rules, [{
      input_series: [up(300), ...all(300)],
      alert_rule_test: ['5m', '2h15m', '5h'].map(t => ({ eval_time: t, alertname: ALERT, exp_alerts: [] })),
    }]);
  });

  test('only MLRun runs: the alibi-detect and Evidently families are named once Prometheus has watched for 2h, not before', () => {
    run(rules, [{
      input_series: [up(300), ...fromFixture('mlrun-1.6', undefined, 300)],
      alert_rule_test: [
        // The stack just started: nothing is known missing yet.
        { eval_time: '1h', alertname: ALERT, exp_alerts: [] },
        // Collected for 2h, pending for 10m.
        { eval_time: '2h5m', alertname: ALERT, exp_alerts: [] },
        {
          eval_time: '2h15m',
          alertname: ALERT,
          exp_alerts: ['seldon_metric_drift_is_drift', 'seldon_metric_drift_p_val', 'seldon_metric_drift_threshold',
            'evidently:data_drift:dataset_drift', 'evidently:data_drift:share_drifted_features'].map(f => missing(f)),
        },
      ],
    }]);
  });

  test('a detector that stops reporting: named 2h after its last sample, cleared by its return', () => {
    // MLRun's gauges for 60 minutes, a gap of 3 hours, then back.
    const mlrun = fromFixture('mlrun-1.6', undefined, 60).map(x => ({ ...x, values: `${x.values} _x180 ${x.values.split('+')[0]}+0x60` }));
    run(rules, [{
      input_series: [up(320), ...fromFixture('alibi-detect', undefined, 320), ...fromFixture('evidently-0.2', undefined, 320), ...mlrun],
      alert_rule_test: [
        { eval_time: '2h50m', alertname: ALERT, exp_alerts: [] },
        {
          eval_time: '3h30m',
          alertname: ALERT,
          exp_alerts: [missing('drift_status'), missing('drift_metrics', { metric: 'hellinger_mean' }), missing('drift_metrics', { metric: 'tvd_mean' })],
        },
        { eval_time: '4h5m', alertname: ALERT, exp_alerts: [] },
      ],
    }]);
  });

  test('another tenant\'s detector does not count: MLRun in namespace "other" leaves the model in "ml" blind', () => {
    const elsewhere = all(300).map(x => ({ ...x, series: x.series.replace('{', '{namespace="other",') }));
    run(rules, [{
      input_series: [up(300), ...elsewhere],
      alert_rule_test: [{
        eval_time: '2h15m',
        alertname: ALERT,
        exp_alerts: ['seldon_metric_drift_is_drift', 'seldon_metric_drift_p_val', 'seldon_metric_drift_threshold', 'evidently:data_drift:dataset_drift',
          'evidently:data_drift:share_drifted_features', 'drift_status'].map(f => missing(f))
          .concat(['hellinger_mean', 'tvd_mean'].map(metric => missing('drift_metrics', { metric }))),
      }],
    }]);
  });

  test('a disabled drift alert needs nothing: no missing-series alert for its detectors', () => {
    const off = quality({ driftDetectors: detectors, alerts: { dataDrift: { enabled: false } }, dataHealth: { evaluationLastSuccess: 'eval_ts' } });
    expect(off.q.alertNames).toEqual(['ModelEvaluationStale']);
  });
});

describe('the default window is a day: idle models and slow ground truth stay quiet', () => {
  const { rules } = quality({
    performance: ModelPerformance.seldonFeedback(),
    dataHealth: { predictionsCounter: 'predictions_total', missingValues: { counter: 'feature_missing_total', total: 'predictions_total' } },
    classDrift: [{ name: 'fraud', counter: 'predictions_total' }],
  });
  const DAY = 1440;
  const every5m = (series: string, values: string) => ({ series, values });

  // Seldon's metrics server writes, per feedback, only the counter of its outcome
  // (SeldonIO/seldon-core components/alibi-detect-server/adserver/cm_models/binary_metrics.py: one
  // {"key": <outcome>, "type": "COUNTER", "value": 1}), so a perfect classifier never writes false positives.
  test('a perfect classifier writes no false-positive counter; no missing value means no missing-values counter; a day without traffic: silent', () => {
    // Sampled every 5 minutes for 26 hours: predictions for an hour, then a flat counter (idle, still exported).
    run(rules, [{
      interval: '5m',
      input_series: [
        every5m('up{job="any",namespace="kube-system",pod="x"}', '1+0x312'),
        every5m('seldon_metric_true_positive_total', '0+4x12 48+0x300'),
        every5m('seldon_metric_true_negative_total', '0+40x12 480+0x300'),
        every5m('predictions_total{class="legit"}', '0+40x12 480+0x300'),
        every5m('predictions_total{class="fraud"}', '0+4x12 48+0x300'),
      ],
      alert_rule_test: [{ eval_time: '26h', alertname: ALERT, exp_alerts: [] }],
    }]);
  });

  test('none of the four feedback counters and no predictions counter for a day: named once the day is over', () => {
    run(rules, [{
      interval: '5m',
      input_series: [every5m('up{job="any",namespace="kube-system",pod="x"}', '1+0x312'), every5m('prediction_count', counter([1, 312]))],
      alert_rule_test: [
        { eval_time: `${DAY - 5}m`, alertname: ALERT, exp_alerts: [] },
        {
          eval_time: `${DAY + 15}m`,
          alertname: ALERT,
          exp_alerts: [
            missing('predictions_total'),
            missing('seldon_metric_true_positive_total or seldon_metric_false_positive_total or seldon_metric_true_negative_total or seldon_metric_false_negative_total'),
          ],
        },
      ],
    }]);
  });
});

describe('the other signals name what they read', () => {
  test('histogram drift, accuracy gauge, versions (with the per-version latency panel)', () => {
    const { rules } = quality({
      histogramDrift: [{ name: 'score', histogram: 'fraud_score', matchers: { job: 'scorer' } }],
      performance: ModelPerformance.accuracyGauge({ metric: 'model_eval_accuracy' }),
      versions: { requestsCounter: 'requests_total', modelLabel: 'model_name', versionLabel: 'version', latencyHistogram: 'request_seconds' },
      alerts: { metricsMissing: { absentFor: Duration.hours(1), pendingFor: Duration.minutes(1) } },
    });
    run(rules, [{
      input_series: [
        up(120),
        { series: 'fraud_score_bucket{job="scorer",le="+Inf"}', values: '0+1x120' },
        { series: 'model_eval_accuracy', values: '0.9+0x120' },
      ],
      alert_rule_test: [{
        eval_time: '62m',
        alertname: ALERT,
        exp_alerts: [missing('requests_total'), missing('request_seconds_bucket')],
      }],
    }, {
      // The histogram scraped by another job: the drift reads job="scorer" only.
      input_series: [
        up(120),
        { series: 'fraud_score_bucket{job="other",le="+Inf"}', values: '0+1x120' },
        { series: 'model_eval_accuracy', values: '0.9+0x120' },
        { series: 'requests_total{model_name="fraud",version="v1"}', values: '0+1x120' },
        { series: 'request_seconds_bucket{model_name="fraud",version="v1",le="+Inf"}', values: '0+1x120' },
      ],
      alert_rule_test: [{ eval_time: '62m', alertname: ALERT, exp_alerts: [missing('fraud_score_bucket', { job: 'scorer' })] }],
    }]);
  });

  test('two models in two tenants: each alert names its own namespace only', () => {
    const chart = testChart('ml');
    const a = new ModelQualityMonitoring(chart, 'a', { modelName: 'fraud', namespace: 'tenant-a', selectorLabels: TEST_SELECTOR, classDrift: [{ name: 'c', counter: 'predictions_total' }], alerts: { metricsMissing: { absentFor: Duration.hours(1) } } });
    const b = new ModelQualityMonitoring(chart, 'b', { modelName: 'fraud', namespace: 'tenant-b', selectorLabels: TEST_SELECTOR, classDrift: [{ name: 'c', counter: 'predictions_total' }], alerts: { metricsMissing: { absentFor: Duration.hours(1) } } });
    expect([a.alertNames, b.alertNames].every(n => n.includes(ALERT))).toBe(true);
    const docs = synthChart(chart).filter((d: any) => d.kind === 'PrometheusRule');
    expect(docs).toHaveLength(2);
    expectRulesTestPass(docs, [inNamespace({
      interval: '1m',
      input_series: [up(120), { series: 'predictions_total{namespace="tenant-a",class="x"}', values: '0+1x120' }],
      alert_rule_test: [{ eval_time: '75m', alertname: ALERT, exp_alerts: [{ exp_labels: { ...missing('predictions_total').exp_labels, namespace: 'tenant-b' } }] }],
    }, 'ml')], '1m', { ignoreAnnotations: true });
  });
});

describe('thresholds that make a quality alert fire always, or never, are refused', () => {
  const make = (props: any) => () => new ModelQualityMonitoring(testChart('ml'), 'q', { modelName: 'fraud', selectorLabels: TEST_SELECTOR, ...props });
  test.each([
    [() => DriftDetector.alibiDetect({ distance: 0 }), /DriftDetector.alibiDetect: invalid distance 0: a distance above 0.*never below 0/],
    [() => DriftDetector.alibiDetect({ distance: -0.2 }), /invalid distance -0.2/],
    [() => DriftDetector.mlrun({ distance: 0 }), /DriftDetector.mlrun: invalid distance 0: a distance above 0 and at most 1/],
    [() => DriftDetector.mlrun({ distance: 1.5 }), /DriftDetector.mlrun: invalid distance 1.5: .*above 1 never/],
    [() => DriftDetector.evidently({ shareDrifted: Ratio.percent(100) }), /DriftDetector.evidently: invalid shareDrifted "100%": a ratio from 0 % and below 100 %/],
    [make({ classDrift: [{ name: 'c', counter: 'p_total', maxShareShift: Ratio.of(0) }] }), /classDrift: invalid maxShareShift "0%": a ratio above 0 % and below 100 %/],
    [make({ classDrift: [{ name: 'c', counter: 'p_total', maxShareShift: Ratio.percent(100) }] }), /invalid maxShareShift "100%"/],
    [make({ performance: ModelPerformance.seldonFeedback(), performanceAlerts: { minAccuracy: Ratio.percent(100) } }), /performance: invalid minAccuracy "100%": .*always/],
    [make({ performance: ModelPerformance.seldonFeedback(), performanceAlerts: { minAccuracy: Ratio.of(0) } }), /invalid minAccuracy "0%"/],
    [make({ performance: ModelPerformance.seldonFeedback(), performanceAlerts: { maxRelativeDrop: Ratio.of(0) } }), /invalid maxRelativeDrop "0%": .*half the time/],
    [make({ dataHealth: { missingValues: { counter: 'm_total', total: 't_total', maxMissingRatio: Ratio.percent(100) } } }), /invalid missingValues.maxMissingRatio "100%"/],
    [make({ histogramDrift: [{ name: 's', histogram: 'score', maxDistance: 0 }] }), /invalid maxDistance 0: a distance between 0 and 1 exclusive/],
    [make({ classDrift: [{ name: 'c', counter: 'p_total' }], alerts: { metricsMissing: { absentFor: '1d' as any } } }), /alerts.metricsMissing.absentFor/],
  ])('refused %#', (build, message) => {
    expect(build).toThrow(message);
  });

  test('the ends that still mean something are accepted: a missing-values alert on any missing value, MLRun at distance 1', () => {
    expect(make({ dataHealth: { missingValues: { counter: 'm_total', total: 't_total', maxMissingRatio: Ratio.of(0) } } })).not.toThrow();
    expect(() => DriftDetector.mlrun({ distance: 1 })).not.toThrow();
    expect(() => DriftDetector.alibiDetect({ distance: 0.01 })).not.toThrow();
  });
});
