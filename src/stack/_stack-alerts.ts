import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { MONITORING_LABELS, WATCHDOG_ALERT } from '../common/_monitoring';
import { LabelMatcher, selector } from '../common/_promql';
import { Severity } from '../common/severity';
import { PrometheusRules } from '../rules/prometheus-rules';
import { RuleGroup } from '../rules/rule-group';

/*
 * The stack's alerts on itself: the pipeline that carries every other alert. Silence of the whole pipeline
 * (Prometheus or Alertmanager down) cannot be reported through it, so a Watchdog that always fires is
 * routed to a dead man's switch outside it; everything else (failing rules, missed evaluations, failed
 * notifications, failed reloads, no Alertmanager, scrape failures of the stack's components) is routed to
 * the platform's monitoring receiver. Expressions follow what the components export themselves
 * (Prometheus `rules/group.go`, `notifier/manager.go`, Alertmanager `notify/notify.go`).
 */

/** A component of the stack that its Prometheus scrapes: its `up` series by these matchers. @internal */
export interface StackComponent {
  readonly name: string;
  readonly matchers: ReadonlyArray<LabelMatcher>;
}

/** What the stack's self-alerts read. @internal */
export interface StackAlertTargets {
  /** The matchers of the stack's Prometheus's own series (its self-scrape job). */
  readonly prometheus: ReadonlyArray<LabelMatcher>;
  /** The matchers of the stack's Alertmanager's series. */
  readonly alertmanager: ReadonlyArray<LabelMatcher>;
  /** Every scraped component of the stack. */
  readonly components: ReadonlyArray<StackComponent>;
  readonly runbookBaseUrl: string;
}

/** The PrometheusRule of an owned stack's self-alerts (the Watchdog and the pipeline's health). @internal */
export function addStackAlerts(scope: Construct, name: string, namespace: string, labels: { [k: string]: string },
  t: StackAlertTargets): PrometheusRules {
  const rules = new PrometheusRules(scope, 'HealthRules', { name: `${name}-stack-health`, namespace, labels });
  const group = rules.addGroup(`ml-monitoring.stack.${name}`);
  addWatchdog(group, namespace, t.runbookBaseUrl);
  const own = { ...MONITORING_LABELS, namespace };
  const alert = (alertName: string, expr: string, pendingFor: Duration, severity: Severity, summary: string, description: string) =>
    group.addAlertingRule({ alert: alertName, expr, pendingFor, severity, summary, description, labels: own, runbookUrl: `${t.runbookBaseUrl}#${alertName.toLowerCase()}` });
  const p = (metric: string, extra: LabelMatcher[] = []) => selector(metric, [...t.prometheus, ...extra]);
  const am = (metric: string) => selector(metric, t.alertmanager);

  alert('MonitoringRuleEvaluationFailures',
    `sum by (pod, rule_group) (increase(${p('prometheus_rule_evaluation_failures_total')}[5m])) > 0`,
    Duration.minutes(15), Severity.CRITICAL,
    'Rules of {{ $labels.rule_group }} fail to evaluate',
    'Prometheus {{ $labels.pod }} failed {{ $value | printf "%.0f" }} rule evaluations of {{ $labels.rule_group }} in 5 minutes, for 15 minutes: ' +
    'their alerts cannot fire and their recorded series have gaps. The Prometheus log names the rule and the error (often many-to-many matching or a timeout).');
  alert('MonitoringRuleEvaluationsMissed',
    `sum by (pod, rule_group) (increase(${p('prometheus_rule_group_iterations_missed_total')}[5m])) > 0`,
    Duration.minutes(15), Severity.WARNING,
    'Prometheus misses evaluations of {{ $labels.rule_group }}',
    'An evaluation of {{ $labels.rule_group }} took longer than its interval, so Prometheus {{ $labels.pod }} skipped {{ $value | printf "%.0f" }} ' +
    'evaluations in 5 minutes, for 15 minutes: its alerts fire late and its recorded series have gaps. Give Prometheus more CPU, or lighten the group.');
  alert('MonitoringNotificationsFailing',
    `sum by (pod, integration, reason, receiver_name) (increase(${am('alertmanager_notifications_failed_total')}[5m])) > 0`,
    Duration.minutes(5), Severity.WARNING,
    'Alertmanager cannot deliver to {{ $labels.integration }} {{ $labels.receiver_name }}',
    'Alertmanager {{ $labels.pod }} gave up on {{ $value | printf "%.0f" }} notifications to the {{ $labels.integration }} integration ' +
    '{{ with $labels.receiver_name }}of receiver {{ . }} {{ end }}in 5 minutes, for 5 minutes: alerts routed there reach no one. ' +
    'Its log gives the receiver\'s answer (a revoked webhook URL or key, a rate limit, an unreachable endpoint).');
  alert('MonitoringConfigReloadFailed',
    `max_over_time(${p('prometheus_config_last_reload_successful')}[5m]) == 0\nor\nmax_over_time(${am('alertmanager_config_last_reload_successful')}[5m]) == 0`,
    Duration.minutes(10), Severity.CRITICAL,
    'The configuration of {{ $labels.pod }} failed to load',
    'The last configuration reload of {{ $labels.pod }} failed, for 10 minutes: it keeps running the previous configuration, and nothing changed since then ' +
    '(rules, scrape targets, routes, receivers) is in force. The pod\'s log, or the config-reloader\'s, gives the error.');
  alert('MonitoringAlertmanagerNotConnected',
    `max_over_time(${p('prometheus_notifications_alertmanagers_discovered')}[5m]) < 1`,
    Duration.minutes(10), Severity.WARNING,
    'Prometheus {{ $labels.pod }} is connected to no Alertmanager',
    'Prometheus {{ $labels.pod }} has discovered no Alertmanager for 10 minutes: its alerts reach no one. Check the Alertmanager pods and the Prometheus\'s alerting endpoints.');
  const up = t.components.map(c => `${selector('up', c.matchers)} == 0`).join('\nor\n');
  const absent = t.components.map(c => `absent(${selector('up', c.matchers)})`).join('\nor\n');
  alert('MonitoringComponentDown', `${up}\nor\n${absent}`, Duration.minutes(10), Severity.WARNING,
    'Prometheus cannot scrape the stack component {{ with $labels.job }}{{ . }}{{ end }} {{ $labels.pod }}',
    'A component of the monitoring stack has not been scraped for 10 minutes (down, or no target at all): the alerts that read it are blind ' +
    '(kube-state-metrics: pod restarts, readiness and limits; kubelet: CPU and memory; Alertmanager: notifications).');
  return rules;
}

/**
 * The heartbeat: an alert that always fires, carrying `namespace` so that a per-namespace routing tree
 * (an adopted stack's AlertmanagerConfig) sees it. @internal
 */
export function addWatchdog(group: RuleGroup, namespace: string, runbookBaseUrl: string): void {
  group.addAlertingRule({
    alert: WATCHDOG_ALERT,
    expr: 'vector(1)',
    severity: Severity.custom('none'),
    summary: 'The alerting pipeline works (this alert always fires)',
    description: 'This alert always fires while Prometheus evaluates rules and Alertmanager delivers: it is routed to a dead man\'s switch outside the ' +
      'cluster, which raises the alarm when the heartbeat stops (Prometheus, Alertmanager or their network down).',
    labels: { ...MONITORING_LABELS, namespace },
    runbookUrl: `${runbookBaseUrl}#watchdog`,
  });
}
