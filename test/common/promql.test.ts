import { equalityMatchers, parsePromQL, selector } from '../../src/common/_promql';

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
