import { ModelQualityMonitoring, ModelQualityMonitoringProps } from '../../../src';
import { Fixture, Sample, seriesText } from '../../util/exposition';
import { expectRulesTestPass, PromtoolTest } from '../../util/promtool';
import { proveAll } from '../../util/prove';
import { oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../../util/synth';

/* Shared by the model-quality proofs: a model "fraud" in namespace "ml", its rules synthesized and proved. */

export function quality(props: Partial<ModelQualityMonitoringProps>) {
  const chart = testChart('ml');
  const q = new ModelQualityMonitoring(chart, 'quality', { modelName: 'fraud', selectorLabels: TEST_SELECTOR, ...props } as ModelQualityMonitoringProps);
  const docs = synthChart(chart);
  proveAll(docs);
  return { q, docs, rules: oneOfKind(docs, 'PrometheusRule') };
}
// Input samples one a minute unless a test says otherwise (promtool loads nothing without an interval).
// Every series is scraped in the model's namespace "ml" (Prometheus' namespace target label) unless it
// names another, and every quality series and alert carries the model's namespace.
export const run = (doc: any, tests: PromtoolTest[], interval = '1m') =>
  expectRulesTestPass([doc], tests.map(t => inNamespace({ interval: '1m', ...t }, 'ml')), interval, { ignoreAnnotations: true });

export function inNamespace(t: PromtoolTest, ns: string): PromtoolTest {
  const labelText = (l: string) => (/namespace=/.test(l) ? l : l.includes('{') ? l.replace('{', `{namespace="${ns}",`).replace(',}', '}') : `${l}{namespace="${ns}"}`);
  return {
    ...t,
    input_series: t.input_series.map(x => ({ ...x, series: labelText(x.series) })),
    alert_rule_test: t.alert_rule_test?.map(a => ({
      ...a, exp_alerts: a.exp_alerts?.map(e => ({ ...e, exp_labels: { namespace: ns, ...e.exp_labels } })),
    })),
    promql_expr_test: t.promql_expr_test?.map(e => ({ ...e, exp_samples: e.exp_samples?.map(x => ({ ...x, labels: labelText(x.labels) })) })),
  };
}
export const drift = (extra: { [k: string]: string }) => ({ exp_labels: { model: 'fraud', ml_signal: 'drift', severity: 'warning', ...extra } });

/** Cumulative per-minute counts: [per-minute increase, minutes] segments. */
export function counter(...segments: Array<[number, number]>): string {
  let cur = 0;
  const parts = ['0'];
  for (const [per, n] of segments) {
    parts.push(`${cur + per}+${per}x${n - 1}`);
    cur += per * n;
  }
  return parts.join(' ');
}

/**
 * A runtime fixture's series as promtool input (scraped from pod cd-0), each value held for `minutes`, or
 * replaced where `values` names the series.
 */
export function fromFixture(name: string, values: (sample: Sample) => number | undefined = () => undefined, minutes = 30) {
  return Fixture.load(name).samples.map(smp => ({
    series: seriesText(smp.name, { ...smp.labels, pod: 'cd-0' }),
    values: `${values(smp) ?? smp.value}+0x${minutes}`,
  }));
}
