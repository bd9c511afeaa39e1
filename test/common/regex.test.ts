import * as YAML from 'yaml';
import { AlertRouting, InferenceRuntime, MatchOperator, ModelQualityMonitoring, Receiver, RelabelAction, ScrapeTarget } from '../../src';
import { validateRe2 } from '../../src/common/_regex';
import { checkAlertmanagerConfig, checkRules } from '../util/promtool';
import { testChart, TEST_SELECTOR } from '../util/synth';

/*
 * Regexes are judged as Prometheus and Alertmanager judge them (Go's regexp, RE2 syntax, anchored): the
 * library's verdict on each case is compared with promtool's (a label matcher in a rule) and amtool's (a
 * route matcher), so a regex the library accepts never makes the tools drop a rule file or a config.
 */

const CASES: ReadonlyArray<[string, string]> = [
  // RE2 accepts; JavaScript's RegExp refused the first two, so the library used to refuse them.
  ['(?i)error|fail', 'inline flags'],
  ['(?P<code>5..)', 'a Python-style named group'],
  ['5..', 'a status class'],
  ['[[:alpha:]]+', 'a POSIX class'],
  ['\\pL+', 'a Unicode class'],
  ['a{1000}', 'the largest repeat count'],
  ['', 'the empty regex'],
  // RE2 refuses; JavaScript's RegExp accepted all but the last three.
  ['(?=x)y', 'a lookahead'],
  ['(?<!x)y', 'a lookbehind'],
  ['(a)\\1', 'a backreference'],
  ['\\Z', 'an end-of-text escape RE2 does not have'],
  ['a{1001}', 'a repeat count above 1000'],
  ['a++', 'a possessive quantifier'],
  ['[z-a]', 'a reversed range'],
  ['(', 'an unclosed group'],
];

function ours(re: string): boolean {
  try {
    validateRe2('test', 'regex', re);
    return true;
  } catch {
    return false;
  }
}

describe('RE2 verdicts agree with the tools', () => {
  test.each(CASES)('%j (%s): promtool agrees', re => {
    const doc = { kind: 'PrometheusRule', spec: { groups: [{ name: 'g', rules: [{ record: 'r', expr: `up{job=~${JSON.stringify(re)}}` }] }] } };
    expect({ re, promtool: checkRules(doc as any).ok }).toEqual({ re, promtool: ours(re) });
  });

  test.each(CASES)('%j (%s): amtool agrees', re => {
    const config = YAML.stringify({
      route: { receiver: 'r', routes: [{ receiver: 'r', matchers: [`job=~${JSON.stringify(re)}`] }] },
      receivers: [{ name: 'r' }],
    });
    expect({ re, amtool: checkAlertmanagerConfig(config).ok }).toEqual({ re, amtool: ours(re) });
  });

  test('half the cases are accepted and half refused, so the agreement is not one-sided', () => {
    expect(CASES.filter(([re]) => ours(re)).length).toBe(7);
  });

  test('"a)|(b" is valid only anchored: Alertmanager accepts it, Prometheus refuses it, the library refuses it (the stricter)', () => {
    const doc = { kind: 'PrometheusRule', spec: { groups: [{ name: 'g', rules: [{ record: 'r', expr: 'up{job=~"a)|(b"}' }] }] } };
    expect(checkRules(doc as any).ok).toBe(false);
    const config = YAML.stringify({ route: { receiver: 'r', routes: [{ receiver: 'r', matchers: ['job=~"a)|(b"'] }] }, receivers: [{ name: 'r' }] });
    expect(checkAlertmanagerConfig(config).ok).toBe(true);
    expect(ours('a)|(b')).toBe(false);
  });
});

describe('every prop that takes a regex judges it with RE2, naming the prop and RE2\'s reason', () => {
  test('route matchers', () => {
    const r = new AlertRouting(testChart(), 'r', { defaultReceiver: Receiver.none('null') });
    expect(() => r.addRoute({ receiver: Receiver.none('x'), matchers: [{ label: 'code', value: '(?!2)..', operator: MatchOperator.NOT_REGEX }] }))
      .toThrow(/test\/r route 1: invalid matchers\[0\].value "\(\?!2\)\.\.": a regular expression in RE2 syntax.*invalid or unsupported Perl syntax/);
    expect(() => r.addRoute({ receiver: Receiver.none('y'), matchers: [{ label: 'alertname', value: '(?i)model.*', operator: MatchOperator.REGEX }] })).not.toThrow();
  });

  test('a custom runtime\'s error matchers', () => {
    expect(() => InferenceRuntime.custom({ name: 'x', requestsCounter: 'req_total', errorLabelMatchers: { code: '(5)\\1' } }))
      .toThrow(/InferenceRuntime.custom: invalid errorLabelMatchers\["code"\] "\(5\)\\\\1": a regular expression in RE2 syntax.*\(invalid escape sequence/);
    expect(() => InferenceRuntime.custom({ name: 'x', requestsCounter: 'req_total', errorLabelMatchers: { status: '(?i)error' } })).not.toThrow();
  });

  test('relabelings: regex and target label', () => {
    const make = (relabeling: any) => () => new ScrapeTarget(testChart(), 'sm', { namespace: 'a', selector: { app: 'x' }, port: 'http', relabelings: [relabeling] });
    expect(make({ regex: '(?=pod).*', sourceLabels: ['__name__'], targetLabel: 'x' })).toThrow(/relabelings\[0\].regex .*RE2 syntax/);
    expect(make({ sourceLabels: ['__meta_kubernetes_pod_label_app'], targetLabel: 'app-name' }))
      .toThrow(/relabelings\[0\].targetLabel "app-name": a label name, or a template/);
    expect(make({ sourceLabels: ['__meta_kubernetes_pod_label_app'], regex: '(.*)', targetLabel: '${1}_app' })).not.toThrow();
    expect(make({ action: RelabelAction.HASHMOD, sourceLabels: ['__address__'], modulus: 2, targetLabel: '${1}' }))
      .toThrow(/relabelings\[0\].targetLabel "\$\{1\}": a label name .*only the replace action expands/);
  });

  test('model versions\' error matchers', () => {
    expect(() => new ModelQualityMonitoring(testChart('ml'), 'q', {
      modelName: 'fraud',
      selectorLabels: TEST_SELECTOR,
      versions: { requestsCounter: 'r_total', modelLabel: 'model', versionLabel: 'version', errorLabelMatchers: { code: '5(?=0)' } },
    })).toThrow(/versions: invalid errorLabelMatchers\["code"\] "5\(\?=0\)": a regular expression in RE2 syntax/);
  });
});
