import { Ratio, SecretKey, Severity } from '../../src';
import { formatNumber } from '../../src/common/_number';
import { secretKeySelector } from '../../src/common/secret-key';

describe('Ratio', () => {
  test('percent and fraction agree and render without float noise', () => {
    expect(Ratio.percent(5).fraction).toBe(0.05);
    expect(Ratio.of(0.9).percentage).toBe(90);
    expect(Ratio.percent(0.1).toString()).toBe('0.001');
    expect(Ratio.of(1 - 0.999).toString()).toBe('0.001');
  });
  test.each([-1, 100.5, NaN, Infinity])('percent %s is rejected', p => {
    expect(() => Ratio.percent(p)).toThrow(/^Ratio.percent: invalid percent .*: a number from 0 to 100/);
  });
  test.each([-0.1, 1.5])('fraction %s is rejected', f => {
    expect(() => Ratio.of(f)).toThrow(/^Ratio.of: invalid fraction .*: a number from 0 to 1/);
  });
});

describe('formatNumber', () => {
  test.each([[14.4 * 0.001, '0.0144'], [1 - 0.999, '0.001'], [6, '6'], [0.9333333333333333, '0.933333333333'], [1e-7, '1e-7']])('%s -> %s', (n, s) => {
    expect(formatNumber(n)).toBe(s);
  });
});

describe('Severity', () => {
  test('standard and custom', () => {
    expect(Severity.CRITICAL.name).toBe('critical');
    expect(Severity.custom('page').toString()).toBe('page');
    expect(() => Severity.custom('Page!')).toThrow(/^Severity.custom: invalid name "Page!"/);
  });
});

describe('SecretKey', () => {
  test('renders a selector and validates its parts', () => {
    expect(secretKeySelector('c', 'apiUrl', SecretKey.of('slack', 'webhook-url'))).toEqual({ name: 'slack', key: 'webhook-url' });
    expect(() => SecretKey.of('Slack', 'k')).toThrow(/^SecretKey.of: invalid secretName \(not repeated: it could hold a credential\): a Secret's name/);
    expect(() => SecretKey.of('slack', 'a b')).toThrow(/^SecretKey.of: invalid key \(not repeated: it could hold a credential\): a key inside the Secret/);
    expect(() => secretKeySelector('chart/r', 'apiUrl', 'https://hooks.example/x' as unknown as SecretKey)).toThrow(/chart\/r: invalid apiUrl .*a SecretKey/);
  });
});
