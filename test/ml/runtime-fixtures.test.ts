import { Duration } from 'cdk8s';
import { RUNTIME_CASES } from './_traffic';
import { InferenceAutoscaler, InferenceRuntime, MlInferenceMonitoring, ScalingSignal, Sli } from '../../src';
import { sliThresholds } from '../../src/ml/_histogram-bounds';
import { Fixture } from '../util/exposition';
import { expressions } from '../util/expressions';
import { matches, readsOf } from '../util/promql-reads';
import { synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * Every metric family, label and label value a preset reads exists in what the runtime really serves:
 * its fixture (test/fixtures/runtimes/*.prom, written from the runtime's own source, cited at the top).
 * A renamed metric, a label the runtime does not write, a matcher no real series passes, or an SLI at a
 * bucket the runtime does not have fails here, not at a customer.
 */

/** Labels Prometheus adds when it scrapes (target labels), and the series the library records. */
const TARGET_LABELS = new Set(['namespace', 'ml_service', 'pod', 'instance', 'job', 'container', 'service', 'endpoint']);
const NOT_RUNTIME = /^(ml_service|ml_service_pod|slo|ml_quality):|^(up|ALERTS|ALERTS_FOR_STATE)$|^kube_|^container_/;

/** Every preset and the fixtures of the runtime versions it reads (names of older releases included). */
const PRESETS: [string, InferenceRuntime, string[]][] = Object.entries(RUNTIME_CASES)
  .map(([name, c]): [string, InferenceRuntime, string[]] => [name, c.runtime, [c.fixture, ...(c.olderFixtures ?? [])]]);

/** Everything the preset's constructs read: alerts, recording rules, panels, both SLIs, every scaling signal. */
function everythingRead(runtime: InferenceRuntime): string[] {
  const chart = testChart();
  const m = new MlInferenceMonitoring(chart, 'svc', { selectorLabels: TEST_SELECTOR, runtime, namespace: 'tenant-a', selector: { app: 'svc' } });
  const exprs: string[] = [];
  const spec = runtime._spec;
  // An SLI reads its raw series through its bad and total rates.
  const sliReads = (sli: Sli) => [sli._badRate('5m'), sli._totalRate('5m')];
  if (spec.errors) exprs.push(...sliReads(m.availability()));
  // A latency SLI at a bound the runtime really writes (its le matcher is checked against the fixture below).
  const threshold = spec.latency ? sliThresholds(spec.latency)?.find(b => b >= 0.25) : undefined;
  if (threshold !== undefined) exprs.push(...sliReads(m.latency(Duration.millis(Math.round(threshold * 1000)))));
  const signals = [ScalingSignal.requestRate(10)];
  if (runtime.hasLatencyHistogram) signals.push(ScalingSignal.latency(Duration.seconds(2)));
  if (spec.queueLength) signals.push(ScalingSignal.queue(5));
  signals.forEach((signal, i) => new InferenceAutoscaler(chart, `s${i}`, { inference: m, namespace: 'tenant-a', deployment: `d${i}`, signal, maxReplicas: 3, prometheusUrl: 'http://p:9090' }));
  // Synthesized after the SLIs and triggers asked for their series: every recorded expression is in it.
  return [...exprs, ...expressions(synthChart(chart)).map(e => e.expr)];
}

describe.each(PRESETS)('preset %s reads what the runtime serves', (_name, runtime, fixtureNames) => {
  const fixtures = fixtureNames.map(f => Fixture.load(f));
  const exprs = everythingRead(runtime);
  const parsed = exprs.map(e => ({ expr: e, ...readsOf(e) }));
  const runtimeReads = parsed.flatMap(p => p.reads.filter(r => r.metric !== '' && !NOT_RUNTIME.test(r.metric)).map(r => ({ ...r, expr: p.expr })));
  const holding = (metric: string) => fixtures.filter(f => f.familyOf(metric) !== undefined);

  test('the fixtures cite their upstream source and version', () => {
    for (const f of fixtures) expect(f.citation.join('\n')).toMatch(/Upstream: [\s\S]*(v?\d+\.\d+|[0-9a-f]{7})/);
  });

  test('every metric the preset reads is in the runtime\'s output', () => {
    expect(runtimeReads.length).toBeGreaterThan(0);
    const missing = [...new Set(runtimeReads.filter(r => holding(r.metric).length === 0).map(r => r.metric))];
    expect(missing).toEqual([]);
  });

  test('every label matcher names a label the series carry, and some real series passes it', () => {
    const problems: string[] = [];
    for (const r of runtimeReads) {
      for (const mt of r.matchers) {
        if (TARGET_LABELS.has(mt.label) || mt.value.includes('$')) continue;
        const series = holding(r.metric).flatMap(f => f.series(r.metric));
        if (!series.some(s => mt.label in s.labels)) problems.push(`${r.metric}: no series has the label ${mt.label} (matcher ${mt.label}${mt.op}"${mt.value}")`);
        else if (!series.some(s => matches(mt, s.labels[mt.label]))) problems.push(`${r.metric}: no series passes ${mt.label}${mt.op}"${mt.value}"`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  test('every label the preset aggregates by is on the series it aggregates', () => {
    const problems: string[] = [];
    for (const p of parsed) {
      // Labels the expression writes itself (label_replace's destination) are not the runtime's to carry.
      const written = new Set([...p.expr.matchAll(/"([a-zA-Z_][a-zA-Z0-9_]*)", "[^"]*", "[^"]*", "[^"]*"\)/g)].map(x => x[1]));
      for (const g of p.groupings) {
        for (const r of g.reads.filter(x => x.metric !== '' && !NOT_RUNTIME.test(x.metric))) {
          for (const label of g.labels.filter(l => !TARGET_LABELS.has(l) && !written.has(l))) {
            if (!holding(r.metric).some(f => f.labelNames(r.metric).has(label))) problems.push(`sum by (${g.labels.join(', ')}) over ${r.metric}: the series have no ${label}`);
          }
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  const h = runtime._spec.latency;
  // Presets without a latency histogram (Triton, TorchServe) have no buckets to compare.
  if (h?.buckets) {
    test('the preset\'s bucket bounds are the runtime\'s', () => {
      const written = holding(`${h.base}_bucket`).flatMap(f => f.series(`${h.base}_bucket`).map(s => s.labels.le)).filter(le => le !== '+Inf').map(Number);
      expect([...new Set(written)].sort((a, b) => a - b)).toEqual(h.buckets);
    });
  }
});
