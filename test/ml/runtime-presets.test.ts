import { modelOf, RUNTIME_CASES, Scenario, seriesOf, targetLabels } from './_traffic';
import { MlInferenceMonitoring } from '../../src';
import { Fixture, seriesText } from '../util/exposition';
import { expectRulesTestPass, ExpectedAlert, PromtoolTest } from '../util/promtool';
import { proveAll } from '../util/prove';
import { oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * For every runtime preset: series shaped like the runtime's fixture (its metric names, label names and
 * values, units and bucket bounds, written from the runtime's source) drive `promtool test rules` over the synthesized PrometheusRule. The latency and error alerts fire on
 * slow, failing traffic and stay silent on healthy traffic and on an idle service.
 */

const NS = 'tenant-a';
const SVC = 'model-svc';
const SLOW_FAILING: Scenario = { rps: 10, errorRatio: 0.5, latency: 8, minutes: 12 };
const HEALTHY: Scenario = { rps: 10, errorRatio: 0, latency: 0.05, minutes: 12 };
const IDLE: Scenario = { rps: 0, errorRatio: 0, latency: 0.05, minutes: 12 };

describe.each(Object.entries(RUNTIME_CASES))('runtime preset %s', (name, c) => {
  const chart = testChart();
  const mon = new MlInferenceMonitoring(chart, SVC, { selectorLabels: TEST_SELECTOR, runtime: c.runtime, namespace: NS, selector: { app: 'model' } });
  const docs = synthChart(chart);
  const rules = oneOfKind(docs, 'PrometheusRule');
  const spec = c.runtime._spec;
  const latencyAlert = spec.latency ? 'ModelLatencyHigh' : 'ModelAverageLatencyHigh';
  const modelLabels = (byModel: boolean): { [k: string]: string } => (byModel ? modelOf(c) : {});
  const avg = spec.averageLatency;
  const latencyByModel = spec.latency ? spec.latency.byModel
    : avg!.sum.byModel && avg!.count.byModel && (avg!.untimed ?? []).every(u => u.byModel);
  const ratioByModel = spec.requests.byModel && (spec.errors?.byModel ?? false);
  // KServe's model server in Standard mode counts no failures: no error alert there, and none is claimed.
  const errorAlert = spec.errors ? 'ModelErrorRatioHigh' : undefined;
  const expected = (severity: string, byModel: boolean): ExpectedAlert[] =>
    [{ exp_labels: { ml_service: SVC, namespace: NS, severity, ...modelLabels(byModel) } }];

  test('output validates and loads in promtool', () => {
    expect(mon.alertNames).toEqual(expect.arrayContaining([latencyAlert, ...(errorAlert ? [errorAlert] : [])]));
    if (!errorAlert) expect(mon.alertNames).not.toContain('ModelErrorRatioHigh');
    proveAll(docs);
  });

  test('latency and error alerts fire on slow, failing traffic', () => {
    const t: PromtoolTest = {
      name: `${name}: slow and failing`,
      interval: '1m',
      input_series: seriesOf(c, NS, SVC, SLOW_FAILING),
      alert_rule_test: [
        { eval_time: '10m', alertname: latencyAlert, exp_alerts: expected('warning', latencyByModel) },
        ...(errorAlert ? [{ eval_time: '10m', alertname: errorAlert, exp_alerts: expected('critical', ratioByModel) }] : []),
      ],
    };
    expectRulesTestPass([rules], [t], '30s', { ignoreAnnotations: true });
  });

  test.each([['healthy', HEALTHY], ['idle', IDLE]])('no latency or error alert on %s traffic', (label, scenario) => {
    expectRulesTestPass([rules], [{
      name: `${name}: ${label}`,
      interval: '1m',
      input_series: seriesOf(c, NS, SVC, scenario as Scenario),
      alert_rule_test: [
        { eval_time: '10m', alertname: latencyAlert, exp_alerts: [] },
        { eval_time: '10m', alertname: 'ModelErrorRatioHigh', exp_alerts: [] },
      ],
    }], '30s', { ignoreAnnotations: true });
  });
});

/* The queue alert of every preset that has one, on the fixture's own queue series. */
describe.each(Object.entries(RUNTIME_CASES).filter(([, c]) => c.runtime._spec.queueLength !== undefined))('runtime preset %s: queue', (name, c) => {
  const chart = testChart();
  new MlInferenceMonitoring(chart, SVC, { selectorLabels: TEST_SELECTOR, runtime: c.runtime, namespace: NS, selector: { app: 'model' } });
  const rules = oneOfKind(synthChart(chart), 'PrometheusRule');
  const g = c.runtime._spec.queueLength!;
  const fx = Fixture.load(c.fixture);
  const target = targetLabels(NS, SVC);
  /** `waiting` requests queued (a gauge), or in flight at every dispatch (a histogram of observed values). */
  const queue = (waiting: number) => {
    if (!g.histogramMean) return fx.series(g.metric).map(s => ({ series: seriesText(s.name, { ...s.labels, ...target }), values: `${waiting}+0x20` }));
    const labels = { ...fx.one(`${g.metric}_count`).labels, ...target };
    return [{ series: seriesText(`${g.metric}_count`, labels), values: '0+600x20' }, { series: seriesText(`${g.metric}_sum`, labels), values: `0+${600 * waiting}x20` }];
  };
  const labels = g.byModel ? modelOf(c) : {};

  test('fires on a long queue, not on a short one', () => {
    expectRulesTestPass([rules], [
      { name: `${name}: queue`, interval: '1m', input_series: queue(80), alert_rule_test: [{ eval_time: '10m', alertname: 'ModelQueueBackingUp', exp_alerts: [{ exp_labels: { ml_service: SVC, namespace: NS, severity: 'warning', ...labels } }] }] },
      { name: `${name}: short queue`, interval: '1m', input_series: queue(3), alert_rule_test: [{ eval_time: '10m', alertname: 'ModelQueueBackingUp', exp_alerts: [] }] },
    ], '30s', { ignoreAnnotations: true });
  });
});
