import { Duration } from 'cdk8s';
import { InferenceRuntime, MlInferenceMonitoring, MonitoringStack, PrometheusRules, Receiver, ScalingSignal, SecretKey, Severity } from '../../src';
import { testChart } from '../util/synth';

/* Bad input that used to crash with a TypeError or slip through: a clear Error naming the prop, not a TypeError. */

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error was thrown');
}

describe('bad input is an Error that names the prop, never a TypeError', () => {
  test.each([
    ['an alert description that is not text', () => new PrometheusRules(testChart(), 'r', { name: 'r', namespace: 'ml', labels: { a: 'b' } })
      .addGroup('g').addAlertingRule({ alert: 'A', expr: 'vector(1)', severity: Severity.WARNING, summary: 's', description: 123 as any }),
    /invalid description 123: a string/],
    ['a latency scaling target that is missing', () => ScalingSignal.latency(undefined as any), /ScalingSignal.latency: invalid target \(undefined\): a cdk8s Duration/],
    ['an Opsgenie priority Opsgenie does not have', () => Receiver.opsgenie('og', { apiKey: SecretKey.of('og', 'key'), priority: 'P9' }),
      /opsgenie.*invalid priority "P9": an Opsgenie priority, P1 \(highest\) to P5/],
    ['a pending period longer than Prometheus can hold', () => new PrometheusRules(testChart(), 'r2', { name: 'r', namespace: 'ml', labels: { a: 'b' } })
      .addGroup('g').addAlertingRule({ alert: 'A', expr: 'vector(1)', severity: Severity.WARNING, summary: 's', pendingFor: Duration.days(200_000) }),
    /invalid pendingFor "17280000000000ms": a duration of at most 106751 days/],
    ['a scrape interval of 30 ms (a typo for 30 s)', () => new MlInferenceMonitoring(testChart('ml'), 'm', {
      runtime: InferenceRuntime.fastApi(), namespace: 'ml', selector: { app: 'a' }, selectorLabels: { release: 'p' }, scrape: { interval: Duration.millis(30) },
    }), /invalid interval "30ms": an interval from 1s to 5m/],
    ['a scrape interval longer than the 5m lookback (every series stale between samples)', () => new MonitoringStack(testChart('monitoring'), 's', {
      prometheus: { scrapeInterval: Duration.minutes(10) },
    }), /invalid scrapeInterval "10m": an interval from 1s to 5m/],
    ['a rule evaluation interval of 500 ms', () => new PrometheusRules(testChart(), 'r3', { name: 'r', namespace: 'ml', labels: { a: 'b' } })
      .addGroup('g', { interval: Duration.millis(500) }), /invalid interval "500ms": an interval from 1s to 5m/],
  ])('%s', (_what, fn, message) => {
    const e = errorOf(fn);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e.message).toMatch(message);
  });

  test('an Opsgenie priority given as P1 to P5, or as a template, is accepted', () => {
    expect(() => Receiver.opsgenie('og', { apiKey: SecretKey.of('og', 'key'), priority: 'P1' })).not.toThrow();
    expect(() => Receiver.opsgenie('og', { apiKey: SecretKey.of('og', 'key'), priority: '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}' })).not.toThrow();
  });
});
