import { Duration } from 'cdk8s';
import { promDuration } from '../../src/common/_duration';
import { checkRules } from '../util/promtool';

describe('promDuration', () => {
  test.each([
    [Duration.seconds(30), '30s'],
    [Duration.minutes(5), '5m'],
    [Duration.minutes(90), '1h30m'],
    [Duration.hours(1), '1h'],
    [Duration.days(1), '1d'],
    [Duration.days(30), '30d'],
    [Duration.millis(1500), '1s500ms'],
    [Duration.millis(250), '250ms'],
    [Duration.hours(26), '1d2h'],
  ])('renders %s as %s', (d, expected) => {
    expect(promDuration(d, 'c', 'for')).toBe(expected);
  });

  test('zero is an error unless allowed, and the error names where, the prop and the value', () => {
    expect(() => promDuration(Duration.seconds(0), 'chart/rules', 'for')).toThrow(/^chart\/rules: invalid for "0s": a duration longer than zero/);
    expect(promDuration(Duration.seconds(0), 'c', 'keepFiringFor', { allowZero: true })).toBe('0s');
  });

  test('sub-millisecond durations are rejected', () => {
    expect(() => promDuration(Duration.millis(0.5), 'c', 'interval')).toThrow(/invalid interval "0.5ms": a whole number of milliseconds/);
  });

  test('negative durations never get through', () => {
    // cdk8s refuses to build them; a forged one is refused here too.
    expect(() => Duration.seconds(-1)).toThrow();
    const forged = { toMilliseconds: () => -1000 } as unknown as Duration;
    expect(() => promDuration(forged, 'c', 'for')).toThrow(/invalid for "-1000ms": a non-negative duration/);
  });

  test('a value that is not a Duration is named', () => {
    expect(() => promDuration('5m' as unknown as Duration, 'c', 'for')).toThrow(/invalid for "5m": a cdk8s Duration/);
  });
});

describe('the longest duration Prometheus holds (64-bit nanoseconds)', () => {
  const rule = (forDuration: string) => ({ kind: 'PrometheusRule', spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'vector(1)', for: forDuration }] }] } });
  test('106751d23h47m16s854ms is written and promtool loads it; one millisecond more is an Error, and promtool refuses it too', () => {
    const longest = promDuration(Duration.millis(9_223_372_036_854), 'test', 'window');
    expect(longest).toBe('106751d23h47m16s854ms');
    expect(checkRules(rule(longest) as any).ok).toBe(true);
    expect(() => promDuration(Duration.millis(9_223_372_036_855), 'test', 'window')).toThrow(/test: invalid window "9223372036855ms": a duration of at most 106751 days/);
    expect(checkRules(rule('106751d23h47m16s855ms') as any).output).toMatch(/duration out of range/);
    expect(() => promDuration(Duration.days(200_000), 'test', 'window')).toThrow(/at most 106751 days/);
  });
});
