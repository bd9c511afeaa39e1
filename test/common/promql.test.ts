import { equalityMatchers, parsePromQL, selector, selectorParts } from '../../src/common/_promql';
import { seriesText } from '../../src/testing/_input-series';
import { expectRulesTestPass } from '../util/promtool';

describe('parsePromQL', () => {
  test('accepts valid expressions and trims them', () => {
    expect(parsePromQL('  sum by (le) (rate(x_bucket{a="b"}[5m]))\n', 'c', 'expr')).toBe('sum by (le) (rate(x_bucket{a="b"}[5m]))');
    expect(parsePromQL('vllm:num_requests_waiting > 50', 'c', 'expr')).toBeDefined();
    expect(parsePromQL('a / on(x) group_left b', 'c', 'expr')).toBeDefined();
  });

  test('an unclosed call names the construct path and shows the fault position', () => {
    let message = '';
    try {
      parsePromQL('sum(rate(x[5m])', 'app/chart/rules', 'alert "HighLatency" expr');
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/^app\/chart\/rules: invalid PromQL in alert "HighLatency" expr: the expression ends too early/);
    expect(message).toContain('  sum(rate(x[5m])\n');
    expect(message.split('\n')[2]).toBe(`  ${' '.repeat(15)}^`);
  });

  test('a stray token points at its column', () => {
    expect(() => parsePromQL('rate(x[5m]) ) > 1', 'c', 'expr')).toThrow(/unexpected input at column 13\n  rate\(x\[5m\]\) \) > 1\n {14}\^/);
  });

  test('the parse cache never hides an error: the same shape with a broken literal still fails', () => {
    expect(parsePromQL('sum(rate(x{ns="a"}[5m]))', 'c', 'expr')).toBeDefined();
    expect(parsePromQL('sum(rate(x{ns="b"}[5m]))', 'c', 'expr')).toBeDefined(); // cached shape
    expect(() => parsePromQL('sum(rate(x{ns="b}[5m]))', 'c', 'expr')).toThrow(/invalid PromQL/);
    expect(() => parsePromQL('sum(rate(x{ns="a"}[5m])', 'c', 'expr')).toThrow(/ends too early/);
  });

  test('empty expressions are rejected', () => {
    expect(() => parsePromQL('  ', 'c', 'expr')).toThrow(/c: invalid PromQL in expr: the expression is empty/);
  });
});

describe('selector', () => {
  test('renders sorted equality matchers and escapes values', () => {
    expect(selector('up', equalityMatchers({ namespace: 'tenant-a', job: 'x"y' }))).toBe('up{job="x\\"y",namespace="tenant-a"}');
    expect(selector('up', [])).toBe('up');
  });
});

describe('selectorParts', () => {
  // Selectors with every kind of string literal: Prometheus itself says which series each selects.
  const selectors = [
    'http_requests_total{job="api",code!="500"}',
    'x{path=\'/a\\\'b\',tab="a\\tb"}',
    'x{raw=`C:\\dir`, hex="\\x41\\u00e9\\101"}',
    '{"quoted.metric.name", "quoted label"="v"}',
    '{__name__="by_name", a="b"}',
  ];

  test('reads the metric name and matchers, string literals decoded with Go\'s escapes', () => {
    expect(selectorParts(selectors[0])).toEqual({ metric: 'http_requests_total', matchers: [{ name: 'job', op: '=', value: 'api' }, { name: 'code', op: '!=', value: '500' }] });
    expect(selectorParts(selectors[1]).matchers.map(m => m.value)).toEqual(['/a\'b', 'a\tb']);
    expect(selectorParts(selectors[2]).matchers.map(m => m.value)).toEqual(['C:\\dir', 'A\u00e9A']);
    expect(selectorParts(selectors[3])).toEqual({ metric: 'quoted.metric.name', matchers: [{ name: 'quoted label', op: '=', value: 'v' }] });
    expect(selectorParts(selectors[4])).toEqual({ metric: 'by_name', matchers: [{ name: 'a', op: '=', value: 'b' }] });
  });

  test('a series built from its equality matchers is the one Prometheus selects with the selector (promtool)', () => {
    // UTF-8 names ({"quoted.metric.name"}) are left out: Prometheus 2 has none.
    const tests = selectors.filter(sel => !sel.includes('"quoted')).map(sel => {
      const p = selectorParts(sel);
      const labels = Object.fromEntries(p.matchers.filter(m => m.op === '=').map(m => [m.name, m.value]));
      return {
        interval: '1m',
        input_series: [{ series: seriesText(p.metric!, labels), values: '1' }],
        promql_expr_test: [{ expr: `count(${sel})`, eval_time: '0s', exp_samples: [{ labels: '{}', value: 1 }] }],
      };
    });
    expectRulesTestPass([{ name: 'none', rules: [{ record: 'none:vector', expr: 'vector(1)' }] }], tests);
  });
});
