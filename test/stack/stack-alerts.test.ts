import { Duration } from 'cdk8s';
import { MonitoringStack, Receiver, SecretKey } from '../../src';
import { KUBE_PROMETHEUS_STACK_BASE, operatorConfig } from '../util/operator-alertmanager';
import { expectRulesTestPass, routesTest } from '../util/promtool';
import { byKind, Doc, synthChart, testChart } from '../util/synth';

/*
 * The stack's alerts on itself, proved with promtool on series named and labelled as the components write
 * them: Prometheus 3.5.3 (`prometheus_rule_evaluation_failures_total{rule_group="<file>;<group>"}`,
 * `prometheus_rule_group_iterations_missed_total`, `prometheus_config_last_reload_successful`,
 * `prometheus_notifications_alertmanagers_discovered`) and Alertmanager 0.33.1
 * (`alertmanager_notifications_failed_total{integration,reason}`, `alertmanager_config_last_reload_successful`),
 * as their /metrics served them to this project's test run, plus the target labels the operator gives a
 * ServiceMonitor's targets (job = Service name, namespace, pod).
 */

const NS = 'monitoring';
const target = (job: string, pod: string) => `job="${job}",namespace="${NS}",pod="${pod}",instance="${pod}:9090",service="${job}",endpoint="web"`;
const PROM = target('ml-monitoring-prometheus', 'prometheus-ml-monitoring-0');
const AM = target('ml-monitoring-alertmanager', 'alertmanager-ml-monitoring-0');
const KSM = target('ml-monitoring-kube-state-metrics', 'ml-monitoring-kube-state-metrics-5d9c');
const KUBELET = 'job="kubelet",namespace="kube-system",service="monitoring-ml-monitoring-kubelet",instance="10.0.0.4:10250",metrics_path="/metrics",node="n1"';
const GROUP = 'rule_group="/etc/prometheus/rules/prometheus-ml-monitoring-rulefiles-0/tenant-a-model-inference-3f1c.yaml;ml-inference.model"';

/** A healthy stack's series for `minutes` minutes. */
function healthy(minutes: number, over: { [series: string]: string } = {}): Array<{ series: string; values: string }> {
  const base: { [series: string]: string } = {
    [`up{${PROM}}`]: `1+0x${minutes}`,
    [`up{${AM}}`]: `1+0x${minutes}`,
    [`up{${KSM}}`]: `1+0x${minutes}`,
    [`up{${KUBELET}}`]: `1+0x${minutes}`,
    [`prometheus_rule_evaluation_failures_total{${PROM},${GROUP}}`]: `0+0x${minutes}`,
    [`prometheus_rule_group_iterations_missed_total{${PROM},${GROUP}}`]: `0+0x${minutes}`,
    [`prometheus_config_last_reload_successful{${PROM}}`]: `1+0x${minutes}`,
    [`prometheus_notifications_alertmanagers_discovered{${PROM}}`]: `1+0x${minutes}`,
    [`alertmanager_notifications_failed_total{${AM},integration="slack",reason="other"}`]: `0+0x${minutes}`,
    [`alertmanager_config_last_reload_successful{${AM}}`]: `1+0x${minutes}`,
  };
  return Object.entries({ ...base, ...over }).filter(([, v]) => v !== '').map(([series, values]) => ({ series, values }));
}

function stackRules(): Doc[] {
  const chart = testChart();
  new MonitoringStack(chart, 'stack', { grafana: { enabled: false } });
  return byKind(synthChart(chart), 'PrometheusRule').filter(d => d.metadata.name === 'ml-monitoring-stack-health');
}

const own = { namespace: NS, ml_signal: 'monitoring' };
const ALERTS = ['MonitoringRuleEvaluationFailures', 'MonitoringRuleEvaluationsMissed', 'MonitoringNotificationsFailing', 'MonitoringConfigReloadFailed',
  'MonitoringAlertmanagerNotConnected', 'MonitoringComponentDown'];

describe('the owned stack\'s alerts on itself', () => {
  const docs = stackRules();

  test('one PrometheusRule in the stack\'s namespace, selected by its Prometheus, exempt from namespace enforcement', () => {
    expect(docs).toHaveLength(1);
    expect(docs[0].metadata).toMatchObject({ namespace: NS, labels: { 'ml-monitoring.cdk8s.io/stack': 'ml-monitoring' } });
    const chart = testChart();
    new MonitoringStack(chart, 'stack', { grafana: { enabled: false } });
    const prom = byKind(synthChart(chart), 'Prometheus')[0];
    expect(prom.spec.excludedFromEnforcement).toContainEqual({ group: 'monitoring.coreos.com', resource: 'prometheusrules', namespace: NS, name: 'ml-monitoring-stack-health' });
  });

  test('a healthy stack, from the moment it starts: only the Watchdog fires, at once', () => {
    expectRulesTestPass(docs, [{
      interval: '1m',
      input_series: healthy(40),
      alert_rule_test: [
        { eval_time: '0m', alertname: 'Watchdog', exp_alerts: [{ exp_labels: { ...own, severity: 'none' } }] },
        { eval_time: '40m', alertname: 'Watchdog', exp_alerts: [{ exp_labels: { ...own, severity: 'none' } }] },
        ...[0, 40].flatMap(m => ALERTS.map(alertname => ({ eval_time: `${m}m`, alertname, exp_alerts: [] }))),
      ],
    }], '30s', { ignoreAnnotations: true });
  });

  test('every failure of the pipeline fires its alert, after its pending period, naming where it is', () => {
    const failing = healthy(40, {
      [`prometheus_rule_evaluation_failures_total{${PROM},${GROUP}}`]: '0+2x40',
      [`prometheus_rule_group_iterations_missed_total{${PROM},${GROUP}}`]: '0+1x40',
      [`alertmanager_notifications_failed_total{${AM},integration="slack",reason="other"}`]: '0+3x40',
      [`prometheus_config_last_reload_successful{${PROM}}`]: '0+0x40',
      [`prometheus_notifications_alertmanagers_discovered{${PROM}}`]: '0+0x40',
      [`up{${KSM}}`]: '0+0x40',
      [`up{${KUBELET}}`]: '',
    });
    const group = GROUP.replace(/^rule_group="|"$/g, '');
    expectRulesTestPass(docs, [{
      interval: '1m',
      input_series: failing,
      alert_rule_test: [
        ...ALERTS.map(alertname => ({ eval_time: '4m', alertname, exp_alerts: [] })),
        { eval_time: '20m', alertname: 'MonitoringRuleEvaluationFailures', exp_alerts: [{ exp_labels: { ...own, severity: 'critical', pod: 'prometheus-ml-monitoring-0', rule_group: group } }] },
        { eval_time: '20m', alertname: 'MonitoringRuleEvaluationsMissed', exp_alerts: [{ exp_labels: { ...own, severity: 'warning', pod: 'prometheus-ml-monitoring-0', rule_group: group } }] },
        { eval_time: '20m', alertname: 'MonitoringNotificationsFailing', exp_alerts: [{ exp_labels: { ...own, severity: 'warning', pod: 'alertmanager-ml-monitoring-0', integration: 'slack', reason: 'other' } }] },
        { eval_time: '20m', alertname: 'MonitoringConfigReloadFailed', exp_alerts: [{ exp_labels: { ...own, severity: 'critical', job: 'ml-monitoring-prometheus', pod: 'prometheus-ml-monitoring-0', instance: 'prometheus-ml-monitoring-0:9090', service: 'ml-monitoring-prometheus', endpoint: 'web' } }] },
        { eval_time: '20m', alertname: 'MonitoringAlertmanagerNotConnected', exp_alerts: [{ exp_labels: { ...own, severity: 'warning', job: 'ml-monitoring-prometheus', pod: 'prometheus-ml-monitoring-0', instance: 'prometheus-ml-monitoring-0:9090', service: 'ml-monitoring-prometheus', endpoint: 'web' } }] },
        {
          eval_time: '20m',
          alertname: 'MonitoringComponentDown',
          exp_alerts: [
            { exp_labels: { ...own, severity: 'warning', job: 'ml-monitoring-kube-state-metrics', pod: 'ml-monitoring-kube-state-metrics-5d9c', instance: 'ml-monitoring-kube-state-metrics-5d9c:9090', service: 'ml-monitoring-kube-state-metrics', endpoint: 'web' } },
            // No kubelet target at all: absent() keeps the matchers' labels.
            { exp_labels: { ...own, severity: 'warning', job: 'kubelet', service: 'monitoring-ml-monitoring-kubelet' } },
          ],
        },
      ],
    }], '30s', { ignoreAnnotations: true });
  });
});

describe('tuning the stack\'s health alerts', () => {
  test('a shorter pending period fires sooner and its description says so; a disabled alert is not written; a bad tuning names the prop', () => {
    const chart = testChart();
    new MonitoringStack(chart, 'stack', {
      grafana: { enabled: false },
      healthAlerts: { notificationsFailing: { pendingFor: Duration.minutes(1) }, componentDown: { enabled: false } },
    });
    const docs = byKind(synthChart(chart), 'PrometheusRule').filter(d => d.metadata.name === 'ml-monitoring-stack-health');
    const rules = docs[0].spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).not.toContain('MonitoringComponentDown');
    const failing = rules.find((r: any) => r.alert === 'MonitoringNotificationsFailing');
    expect(failing.for).toBe('1m');
    expect(failing.annotations.description).toContain('in 5 minutes for 1 minute:');
    expect(rules.find((r: any) => r.alert === 'MonitoringRuleEvaluationFailures').annotations.description).toContain('for 15 minutes');
    expectRulesTestPass(docs, [{
      interval: '1m',
      input_series: healthy(10, { [`alertmanager_notifications_failed_total{${AM},integration="slack",reason="other"}`]: '0+3x10' }),
      alert_rule_test: [{
        eval_time: '3m',
        alertname: 'MonitoringNotificationsFailing',
        exp_alerts: [{ exp_labels: { ...own, severity: 'warning', pod: 'alertmanager-ml-monitoring-0', integration: 'slack', reason: 'other' } }],
      }],
    }], '30s', { ignoreAnnotations: true });
    expect(() => new MonitoringStack(testChart(), 'bad', { grafana: { enabled: false }, healthAlerts: { componentDown: { alertName: 'not a name' } } }))
      .toThrow(/healthAlerts\.componentDown\.alertName/);
  });
});

describe('routing of the monitoring\'s own alerts', () => {
  const dms = Receiver.webhook('heartbeat', { urlSecret: SecretKey.of('healthchecks', 'ping-url') });
  const platform = Receiver.email('platform', { to: 'platform@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587' });
  const tenant = Receiver.slack('tenant-a-slack', { apiUrl: SecretKey.of('slack', 'url'), channel: '#a' });

  test('owned: the Watchdog goes to the dead man\'s switch every minute, monitoring alerts to the platform and never to a tenant\'s route', () => {
    const chart = testChart();
    const stack = new MonitoringStack(chart, 'stack', { grafana: { enabled: false }, alerting: { deadMansSwitch: dms, monitoringReceiver: platform } });
    stack.alerting.addRoute({ namespace: 'tenant-a', receiver: tenant });
    const secret = byKind(synthChart(chart), 'Secret').find(d => d.metadata.name === 'alertmanager-ml-monitoring')!;
    const config = secret.stringData['alertmanager.yaml'];
    expect(routesTest(config, { alertname: 'Watchdog', ml_signal: 'monitoring', namespace: NS, severity: 'none' })).toEqual(['heartbeat']);
    expect(routesTest(config, { alertname: 'ModelMetricsMissing', ml_signal: 'monitoring', namespace: 'tenant-a', ml_service: 'model' })).toEqual(['platform']);
    expect(routesTest(config, { alertname: 'ModelLatencyHigh', namespace: 'tenant-a', ml_service: 'model', severity: 'warning' })).toEqual(['tenant-a-slack']);
    expect(config).toMatch(/receiver: heartbeat\n\s+group_by:\n\s+- alertname\n\s+group_wait: 1s\n\s+group_interval: 1m\n\s+repeat_interval: 1m/);
  });

  test('adopted kube-prometheus-stack: with a dead man\'s switch, a heartbeat of its own that the operator-merged config routes there; the chart\'s Watchdog still goes to "null"', () => {
    const chart = testChart();
    MonitoringStack.fromKubePrometheusStack(chart, 'kps', { release: 'kps', namespace: NS, alerting: { deadMansSwitch: dms, monitoringReceiver: platform } });
    const docs = synthChart(chart);
    const heartbeat = byKind(docs, 'PrometheusRule').find(d => d.metadata.name === 'ml-monitoring-heartbeat')!;
    expect(heartbeat.metadata).toMatchObject({ namespace: NS, labels: { release: 'kps' } });
    expect(heartbeat.spec.groups[0].rules[0]).toMatchObject({ alert: 'Watchdog', expr: 'vector(1)', labels: { namespace: NS, ml_signal: 'monitoring' } });
    const merged = operatorConfig(byKind(docs, 'AlertmanagerConfig'), { sink: 'http://127.0.0.1:9', base: KUBE_PROMETHEUS_STACK_BASE, strategy: 'OnNamespace' });
    expect(routesTest(merged, { alertname: 'Watchdog', ml_signal: 'monitoring', namespace: NS, severity: 'none' })).toContain(`${NS}/ml-monitoring/heartbeat`);
    expect(routesTest(merged, { alertname: 'Watchdog', severity: 'none' })).toEqual(['null']);
    // Without a dead man's switch, the release's own Watchdog is all there is: no second heartbeat.
    const plain = testChart();
    MonitoringStack.fromKubePrometheusStack(plain, 'kps', { release: 'kps', namespace: NS });
    expect(byKind(synthChart(plain), 'PrometheusRule')).toHaveLength(0);
  });
});
