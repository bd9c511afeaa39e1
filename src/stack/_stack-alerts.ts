import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { StackHealthAlerts } from './stack-options';
import { invalidProp } from '../common/_errors';
import { MONITORING_LABELS, WATCHDOG_ALERT } from '../common/_monitoring';
import { LabelMatcher, selector } from '../common/_promql';
import { Severity } from '../common/severity';
import { AlertDefaults, AlertText, emitAlert, heldFor, resolveAlert } from '../ml/alerts/_alert-settings';
import { PrometheusRules } from '../rules/prometheus-rules';
import { RuleGroup } from '../rules/rule-group';
import { RulePlacement } from '../rules/rule-options';

/*
 * The stack's alerts on itself: the pipeline that carries every other alert. Silence of the whole pipeline
 * (Prometheus or Alertmanager down) cannot be reported through it, so a Watchdog that always fires is
 * routed to a dead man's switch outside it; everything else (failing rules, missed evaluations, failed
 * notifications, failed reloads, no Alertmanager, scrape failures of the stack's components) is routed to
 * the platform's monitoring receiver. Expressions follow what the components export themselves
 * (Prometheus `rules/group.go`, `notifier/manager.go`, Alertmanager `notify/notify.go`).
 */

/** A component of the stack that its Prometheus scrapes: its `up` series by these matchers. @internal */
export interface WatchedComponent {
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
  readonly components: ReadonlyArray<WatchedComponent>;
  readonly runbookBaseUrl: string;
}

/** One health alert of the stack: its tuning key, defaults and what it says (`held`: " for 15 minutes", as configured). */
interface StackAlertDefinition {
  readonly key: keyof StackHealthAlerts;
  readonly defaults: AlertDefaults;
  readonly text: (t: StackAlertTargets, held: string) => AlertText;
}

const p = (t: StackAlertTargets, metric: string) => selector(metric, t.prometheus);
const am = (t: StackAlertTargets, metric: string) => selector(metric, t.alertmanager);
/** Counted per Prometheus replica and rule group over 5 minutes: the two rule-group counters. */
const perGroup = (t: StackAlertTargets, counter: string) => `sum by (pod, rule_group) (increase(${p(t, counter)}[5m])) > 0`;

/** The stack's health alerts, in the order they are written. */
const STACK_ALERTS: ReadonlyArray<StackAlertDefinition> = [
  {
    key: 'ruleEvaluationFailures',
    defaults: { name: 'MonitoringRuleEvaluationFailures', pendingFor: Duration.minutes(15), severity: Severity.CRITICAL },
    text: (t, held) => ({
      expr: perGroup(t, 'prometheus_rule_evaluation_failures_total'),
      summary: 'Rules of {{ $labels.rule_group }} fail to evaluate',
      description: `Prometheus {{ $labels.pod }} failed {{ $value | printf "%.0f" }} rule evaluations of {{ $labels.rule_group }} in 5 minutes${held}: ` +
        'their alerts cannot fire and their recorded series have gaps. The Prometheus log names the rule and the error (often many-to-many matching or a timeout).',
    }),
  },
  {
    key: 'ruleEvaluationsMissed',
    defaults: { name: 'MonitoringRuleEvaluationsMissed', pendingFor: Duration.minutes(15), severity: Severity.WARNING },
    text: (t, held) => ({
      expr: perGroup(t, 'prometheus_rule_group_iterations_missed_total'),
      summary: 'Prometheus misses evaluations of {{ $labels.rule_group }}',
      description: 'An evaluation of {{ $labels.rule_group }} took longer than its interval, so Prometheus {{ $labels.pod }} skipped {{ $value | printf "%.0f" }} ' +
        `evaluations in 5 minutes${held}: its alerts fire late and its recorded series have gaps. Give Prometheus more CPU, or lighten the group.`,
    }),
  },
  {
    key: 'notificationsFailing',
    defaults: { name: 'MonitoringNotificationsFailing', pendingFor: Duration.minutes(5), severity: Severity.WARNING },
    text: (t, held) => ({
      // Alertmanager labels failures by integration and reason; by receiver only with its receiver-name-in-metrics feature.
      expr: `sum by (pod, integration, reason, receiver_name) (increase(${am(t, 'alertmanager_notifications_failed_total')}[5m])) > 0`,
      summary: 'Alertmanager cannot deliver to {{ $labels.integration }} {{ $labels.receiver_name }}',
      description: 'Alertmanager {{ $labels.pod }} gave up on {{ $value | printf "%.0f" }} notifications to the {{ $labels.integration }} integration ' +
        `{{ with $labels.receiver_name }}of receiver {{ . }} {{ end }}in 5 minutes${held}: alerts routed there reach no one. ` +
        'Its log gives the receiver\'s answer (a revoked webhook URL or key, a rate limit, an unreachable endpoint).',
    }),
  },
  {
    key: 'configReloadFailed',
    defaults: { name: 'MonitoringConfigReloadFailed', pendingFor: Duration.minutes(10), severity: Severity.CRITICAL },
    text: (t, held) => ({
      expr: `max_over_time(${p(t, 'prometheus_config_last_reload_successful')}[5m]) == 0\nor\nmax_over_time(${am(t, 'alertmanager_config_last_reload_successful')}[5m]) == 0`,
      summary: 'The configuration of {{ $labels.pod }} failed to load',
      description: `The last configuration reload of {{ $labels.pod }} failed${held}: it keeps running the previous configuration, and nothing changed since then ` +
        '(rules, scrape targets, routes, receivers) is in force. The pod\'s log, or the config-reloader\'s, gives the error.',
    }),
  },
  {
    key: 'alertmanagerNotConnected',
    defaults: { name: 'MonitoringAlertmanagerNotConnected', pendingFor: Duration.minutes(10), severity: Severity.WARNING },
    text: (t, held) => ({
      expr: `max_over_time(${p(t, 'prometheus_notifications_alertmanagers_discovered')}[5m]) < 1`,
      summary: 'Prometheus {{ $labels.pod }} is connected to no Alertmanager',
      description: `Prometheus {{ $labels.pod }} has discovered no Alertmanager${held}: its alerts reach no one. Check the Alertmanager pods and the Prometheus's alerting endpoints.`,
    }),
  },
  {
    key: 'componentDown',
    defaults: { name: 'MonitoringComponentDown', pendingFor: Duration.minutes(10), severity: Severity.WARNING },
    text: (t, held) => ({
      // A target that fails, or none at all (absent() keeps the matchers' labels, naming the component).
      expr: [...t.components.map(c => `${selector('up', c.matchers)} == 0`), ...t.components.map(c => `absent(${selector('up', c.matchers)})`)].join('\nor\n'),
      summary: 'Prometheus cannot scrape the stack component {{ with $labels.job }}{{ . }}{{ end }} {{ $labels.pod }}',
      description: `A component of the monitoring stack has not been scraped${held} (down, or no target at all): the alerts that read it are blind ` +
        '(kube-state-metrics: pod restarts, readiness and limits; kubelet: CPU and memory; Alertmanager: notifications).',
    }),
  },
];

/** The PrometheusRule of an owned stack's self-alerts (the Watchdog and the pipeline's health). @internal */
export function addStackAlerts(scope: Construct, name: string, namespace: string, labels: { [k: string]: string },
  t: StackAlertTargets, tuning: StackHealthAlerts = {}, placement?: RulePlacement): PrometheusRules {
  const where = scope.node.path;
  if (typeof tuning !== 'object' || tuning === null) throw invalidProp(where, 'healthAlerts', tuning, 'a StackHealthAlerts object, e.g. { componentDown: { enabled: false } }');
  const rules = new PrometheusRules(scope, 'HealthRules', { name: `${name}-stack-health`, namespace, labels, placement });
  const group = rules.addGroup(`ml-monitoring.stack.${name}`);
  addWatchdog(group, namespace, t.runbookBaseUrl);
  const common = { alertLabels: {}, identityLabels: { ...MONITORING_LABELS, namespace }, runbookBaseUrl: t.runbookBaseUrl };
  for (const def of STACK_ALERTS) {
    const a = resolveAlert(where, `healthAlerts.${def.key}`, tuning[def.key], def.defaults);
    emitAlert(where, `healthAlerts.${def.key}`, group, a, def.text(t, heldFor(a)), common);
  }
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
