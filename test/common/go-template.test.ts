import { PrometheusRules, Receiver, SecretKey, Severity } from '../../src';
import { ALERTMANAGER_FUNCS, PROMETHEUS_FUNCS, literalText, templateProblem } from '../../src/common/_go-template';
import { checkRules, renderAlertmanagerTemplate } from '../util/promtool';
import { oneOfKind, synthChart, testChart } from '../util/synth';

/*
 * User text that Prometheus or Alertmanager expands as a Go template: the library's judgement of a template
 * must be the tools' own (promtool check rules, amtool template render), case by case, and literal text must
 * come out of the tools as written.
 */

const PROMETHEUS_CASES: Array<[string, string]> = [
  ['plain text', 'Latency is high'],
  ['a value, humanized', '{{ $value | humanizePercentage }} of requests fail'],
  ['labels and printf', '{{ $labels.namespace }}/{{ $labels.pod }}: {{ printf "%.2f" $value }}'],
  ['if/else/end', '{{ if gt $value 1.0 }}high{{ else }}low{{ end }}'],
  ['with and range', '{{ with query "up" }}{{ range . }}{{ .Labels.instance }}{{ end }}{{ end }}'],
  ['trim markers', '{{- $value -}}'],
  ['a comment', '{{/* a note */}}text'],
  ['an escaped {{', 'write {{ "{{" }} to print braces'],
  ['an unclosed action', 'Latency {{ $value'],
  ['a Slack-style #{{.Bogus', '#{{.Bogus'],
  ['an unclosed if', '{{ if $value }}x'],
  ['an end with no block', 'x{{ end }}'],
  ['an else outside a block', '{{ else }}'],
  ['an unknown function', '{{ $value | humanise }}'],
  ['an Alertmanager-only function', '{{ $value | toJson }}'],
  ['an unterminated string', '{{ printf "%s $value }}'],
  ['an unclosed comment', '{{/* note }}'],
  ['an unbalanced parenthesis', '{{ (humanize $value }}'],
  ['an empty action', 'a {{ }} b'],
  ['a lone }}', 'braces }} alone are text'],
];

const ALERTMANAGER_CASES: Array<[string, string]> = [
  ['a priority template', '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}'],
  ['toUpper and join', '{{ .CommonLabels.alertname | toUpper }} {{ .GroupLabels.SortedPairs.Values | join "," }}'],
  ['an unclosed action', '{{ if eq .CommonLabels.severity "critical" }}P1'],
  ['a Prometheus-only function', '{{ .CommonLabels.alertname | humanizePercentage }}'],
  ['#{{.Bogus', '#{{.Bogus'],
  ['an unclosed string', 'P{{ "1 }}'],
];

describe('a template prop is judged as Prometheus parses it (promtool check rules on Prometheus 3.5)', () => {
  test.each(PROMETHEUS_CASES)('%s', (_what, text) => {
    const ours = templateProblem(text, PROMETHEUS_FUNCS);
    const group = { name: 'g', rules: [{ alert: 'A', expr: 'vector(1)', annotations: { description: text } }] };
    const theirs = checkRules({ apiVersion: 'v1', kind: 'PrometheusRule', metadata: { name: 'x' }, spec: { groups: [group] } });
    expect({ text, accepted: ours === undefined }).toEqual({ text, accepted: theirs.ok });
  });
});

describe('a template prop is judged as Alertmanager parses it (amtool template render on 0.33)', () => {
  test.each(ALERTMANAGER_CASES)('%s', (_what, text) => {
    const ours = templateProblem(text, ALERTMANAGER_FUNCS);
    expect({ text, accepted: ours === undefined }).toEqual({ text, accepted: renderAlertmanagerTemplate(text).ok });
  });
});

describe('literal text comes out of the tools as written', () => {
  test.each(['#{{.Bogus', '{{ if }}', 'a {{ "{{" }} b', '}} {{'])('%s through amtool', text => {
    const r = renderAlertmanagerTemplate(literalText(text));
    expect(r.ok).toBe(true);
    expect(r.stdout).toBe(text);
  });

  test('a Slack channel and a label value with "{{" are escaped, and promtool accepts the rule', () => {
    const slack = Receiver.slack('s', { channel: '#{{.Bogus', apiUrl: SecretKey.of('slack', 'url') });
    expect(renderAlertmanagerTemplate((slack as any)._spec.integrations[0].fields.find((f: any) => f.key === 'channel').of.value).stdout).toBe('#{{.Bogus');
    const chart = testChart();
    new PrometheusRules(chart, 'r', { name: 'r', namespace: 'ml', labels: { release: 'test' } }).addGroup('g').addAlertingRule({
      alert: 'A',
      expr: 'vector(1)',
      severity: Severity.WARNING,
      summary: 'value {{ $value }}',
      labels: { team: 'ml-{{oops' },
      runbookUrl: 'https://runbooks.example.com/{{x',
    });
    const doc = oneOfKind(synthChart(chart), 'PrometheusRule');
    expect(checkRules(doc).output).toMatch(/SUCCESS/);
    expect(doc.spec.groups[0].rules[0].labels.team).toBe('ml-{{ "{{" }}oops');
  });
});

describe('a template Prometheus or Alertmanager would refuse is an Error at construct time, naming the prop and Go\'s complaint', () => {
  const rules = () => new PrometheusRules(testChart(), 'r', { name: 'r', namespace: 'ml', labels: { release: 'test' } }).addGroup('g');
  test('summary', () => {
    expect(() => rules().addAlertingRule({ alert: 'A', expr: 'vector(1)', severity: Severity.WARNING, summary: 'p95 {{ $value' }))
      .toThrow(/alert "A": invalid summary "p95 \{\{ \$value": text that Prometheus can parse as a Go template \(unclosed action/);
  });
  test('description, and an extra annotation', () => {
    expect(() => rules().addAlertingRule({ alert: 'A', expr: 'vector(1)', summary: 's', description: '{{ $value | humanise }}' }))
      .toThrow(/invalid description .*function "humanise" not defined/);
    expect(() => rules().addAlertingRule({ alert: 'A', expr: 'vector(1)', summary: 's', annotations: { note: '{{ if 1 }}' } }))
      .toThrow(/invalid annotations\["note"\] .*missing \{\{ end \}\}/);
  });
  test('an Opsgenie priority template', () => {
    expect(() => Receiver.opsgenie('og', { apiKey: SecretKey.of('og', 'k'), priority: '{{ if eq .CommonLabels.severity "critical" }}P1' }))
      .toThrow(/opsgenie.*invalid priority .*text that Alertmanager can parse as a Go template/);
  });
});
