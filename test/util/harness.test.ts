import { ApiObject, Chart, Testing } from 'cdk8s';
import { evaluationOrder } from './group-order';
import { checkAlertmanagerConfig, checkRules, expectRulesTestPass } from './promtool';
import { proveAll } from './prove';
import { schemaErrors, validateAll } from './schema';
import { Doc, synthChart } from './synth';

/*
 * The proof harness must bite: each of these objects is written raw, past our constructs' own checks,
 * and must be rejected by the real tool or schema, whose own message appears in the failure.
 */

function rawRule(rule: { [k: string]: unknown }): Doc {
  const chart = new Chart(Testing.app(), 'raw');
  new ApiObject(chart, 'r', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'raw' },
    spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', ...rule }] }] },
  });
  return synthChart(chart)[0];
}

describe('the proof harness rejects', () => {
  test('a bad duration: the CRD schema pattern and promtool both refuse it', () => {
    const doc = rawRule({ for: '5 minutes' });
    expect(schemaErrors(doc).join('\n')).toMatch(/\/spec\/groups\/0\/rules\/0\/for must match pattern/);
    const r = checkRules(doc);
    expect(r.ok).toBe(false);
    // Prometheus 2 and 3 word it differently; both name the value.
    expect(r.output).toMatch(/not a valid duration string: "5 minutes"|unknown unit " minutes" in duration "5 minutes"/);
    expect(() => proveAll([doc])).toThrow(/schema validation failed/);
  });

  test('invalid PromQL: promtool refuses it with its parser message', () => {
    const doc = rawRule({ expr: 'sum(rate(up[5m])' });
    expect(schemaErrors(doc)).toEqual([]); // the schema cannot see inside expressions ...
    const r = checkRules(doc);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/unclosed left parenthesis|parse error/); // ... promtool can
    expect(() => proveAll([doc])).toThrow(/promtool check rules rejected PrometheusRule raw:\n[\s\S]*parse error/);
  });

  test('a semantic PromQL error that only Prometheus sees (rate over an instant vector)', () => {
    const r = checkRules(rawRule({ expr: 'rate(up) > 0' }));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/expected type range vector/);
  });

  test('an unknown field: the strict CRD schema names it', () => {
    const doc = rawRule({ severity: 'critical' });
    expect(schemaErrors(doc).join('\n')).toMatch(/\/spec\/groups\/0\/rules\/0 must NOT have additional properties \(severity\)/);
    expect(() => validateAll([doc])).toThrow(/PrometheusRule \/raw:\n {2}\/spec\/groups\/0\/rules\/0 must NOT have additional properties \(severity\)/);
  });

  test('a wrong type and a missing required field', () => {
    expect(schemaErrors(rawRule({ labels: ['severity'] })).join('\n')).toMatch(/\/spec\/groups\/0\/rules\/0\/labels must be object/);
    const missing = rawRule({});
    delete (missing.spec.groups[0].rules[0] as any).expr;
    expect(schemaErrors(missing).join('\n')).toMatch(/must have required property 'expr'/);
  });

  test('a bad object name in metadata', () => {
    const doc = rawRule({});
    doc.metadata.name = 'Raw_Rules';
    expect(schemaErrors(doc).join('\n')).toMatch(/metadata.name "Raw_Rules" is not a DNS-1123 subdomain/);
  });

  test('core kinds are validated with kubernetes-models', () => {
    const ok: Doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(schemaErrors(ok)).toEqual([]);
    const wrongType: Doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } };
    expect(schemaErrors(wrongType).join('\n')).toMatch(/data/);
    const svc: Doc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 'http' }] } };
    expect(schemaErrors(svc).join('\n')).toMatch(/port/);
  });

  test('an Alertmanager config that routes to an undefined receiver (amtool)', () => {
    const good = 'route:\n  receiver: default\nreceivers:\n  - name: default\n';
    expect(checkAlertmanagerConfig(good).ok).toBe(true);
    const bad = 'route:\n  receiver: nobody\nreceivers:\n  - name: default\n';
    const r = checkAlertmanagerConfig(bad);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/undefined receiver "nobody"/);
  });
});

describe('the proof harness evaluates rule groups in a fixed order', () => {
  const consumer = { name: 'consumer', rules: [{ record: 'b:copy', expr: 'a:rate' }] };
  const producer = { name: 'producer', rules: [{ record: 'a:rate', expr: 'sum(x)' }] };

  test('a group that records a series runs before one that reads it at the instant, whatever the file order', () => {
    expect(evaluationOrder([consumer, producer])).toEqual(['producer', 'consumer']);
    // At a 5 m test interval Prometheus 3 looks back over (t-5m, t]: the copy exists only when the
    // producer ran first at t. promtool alone would pick either order at random.
    expectRulesTestPass([consumer, producer], [{
      interval: '1m',
      input_series: [{ series: 'x', values: '1+0x60' }],
      promql_expr_test: [{ expr: 'b:copy', eval_time: '30m', exp_samples: [{ labels: 'b:copy', value: 1 }] }],
    }], '5m');
  });

  test('reads over a range impose no order, and a cycle keeps the order given', () => {
    const ranged = { name: 'ranged', rules: [{ record: 'c:max', expr: 'max_over_time(a:rate[1h])' }] };
    expect(evaluationOrder([ranged, producer])).toEqual(['ranged', 'producer']);
    const loopA = { name: 'loop-a', rules: [{ record: 'p', expr: 'q' }] };
    const loopB = { name: 'loop-b', rules: [{ record: 'q', expr: 'p' }] };
    expect(evaluationOrder([loopB, loopA])).toEqual(['loop-b', 'loop-a']);
  });
});
