import * as YAML from 'yaml';
import { Doc } from './synth';

/*
 * The alertmanager.yaml that prometheus-operator generates for an Alertmanager from its base configuration
 * and the AlertmanagerConfig objects it selects, written from the operator's source:
 * prometheus-operator v0.93.0 (commit 6adcebc, v0.93.0-24), pkg/alertmanager/amcfg.go:
 * - ConfigBuilder.AddAlertmanagerConfigs: objects in the order of their "namespace/name" keys; each one's
 *   top route prepended to the base route's routes, its inhibit rules and receivers appended;
 * - convertRoute / makeNamespacedString: receiver and time-interval names become "<namespace>/<name>/<x>",
 *   matchers become Alertmanager v2 matcher strings, child routes converted the same way;
 * - getEnforcer: with the matcher strategy OnNamespace (the default) namespaceEnforcer.processRoute
 *   appends `namespace="<object namespace>"` to the top route's matchers and processInhibitRule to both
 *   sides of each inhibit rule; OnNamespaceExceptForAlertmanagerNamespace skips objects in the
 *   Alertmanager's namespace; None adds nothing; continueToNextRoute sets `continue: true` on every top
 *   route whatever the strategy.
 * Receivers are replaced by webhooks to `sink/<receiver name>`: what is proved is where each alert goes.
 */

/**
 * kube-prometheus-stack's default Alertmanager configuration, transcribed from the chart:
 * prometheus-community/helm-charts, charts/kube-prometheus-stack/values.yaml (commit 001f3a6),
 * `alertmanager.config`. The same file leaves `alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy`
 * empty, so the operator applies its default, OnNamespace.
 */
export const KUBE_PROMETHEUS_STACK_BASE = {
  global: { resolve_timeout: '5m' },
  inhibit_rules: [
    { source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['namespace', 'alertname'] },
    { source_matchers: ['severity = warning'], target_matchers: ['severity = info'], equal: ['namespace', 'alertname'] },
    { source_matchers: ['alertname = InfoInhibitor'], target_matchers: ['severity = info'], equal: ['namespace'] },
    { target_matchers: ['alertname = InfoInhibitor'] },
  ],
  route: {
    group_by: ['namespace'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '12h',
    receiver: 'null',
    routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
  },
  receivers: [{ name: 'null' }],
  templates: ['/etc/alertmanager/config/*.tmpl'],
};

export type MatcherStrategy = 'OnNamespace' | 'OnNamespaceExceptForAlertmanagerNamespace' | 'None';

const matcher = (m: any) => `${m.name}${m.matchType ?? '='}${JSON.stringify(m.value)}`;

/** The operator's alertmanager.yaml for `configs` (AlertmanagerConfig documents) over `base`. */
export function operatorConfig(configs: Doc[],
  options: { sink: string; strategy?: MatcherStrategy; alertmanagerNamespace?: string; base?: any }): string {
  const strategy = options.strategy ?? 'OnNamespace';
  const base = JSON.parse(JSON.stringify(options.base ?? KUBE_PROMETHEUS_STACK_BASE));
  const sorted = [...configs].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const enforced = (ns: string) => strategy === 'OnNamespace' || (strategy === 'OnNamespaceExceptForAlertmanagerNamespace' && ns !== options.alertmanagerNamespace);
  const top: any[] = [];
  const hook = (name: string) => ({ name, webhook_configs: [{ url: `${options.sink}/${encodeURIComponent(name)}`, send_resolved: false }] });
  for (const c of sorted) {
    const ns = c.metadata.namespace!;
    const prefix = (x: string) => `${ns}/${c.metadata.name}/${x}`;
    const convert = (r: any): any => {
      const out: any = { receiver: prefix(r.receiver) };
      if (r.groupBy) out.group_by = r.groupBy;
      if (r.groupWait) out.group_wait = r.groupWait;
      if (r.groupInterval) out.group_interval = r.groupInterval;
      if (r.repeatInterval) out.repeat_interval = r.repeatInterval;
      if (r.continue) out.continue = true;
      if (r.matchers?.length) out.matchers = r.matchers.map(matcher);
      if (r.muteTimeIntervals) out.mute_time_intervals = r.muteTimeIntervals.map(prefix);
      if (r.activeTimeIntervals) out.active_time_intervals = r.activeTimeIntervals.map(prefix);
      if (r.routes?.length) out.routes = r.routes.map(convert);
      return out;
    };
    for (const ir of c.spec.inhibitRules ?? []) {
      const extra = enforced(ns) ? [`namespace="${ns}"`] : [];
      base.inhibit_rules.push({
        source_matchers: [...ir.sourceMatch.map(matcher), ...extra],
        target_matchers: [...ir.targetMatch.map(matcher), ...extra],
        ...(ir.equal ? { equal: ir.equal } : {}),
      });
    }
    if (c.spec.route) {
      const r = convert(c.spec.route);
      if (enforced(ns)) r.matchers = [...(r.matchers ?? []), `namespace="${ns}"`];
      r.continue = true;
      top.push(r);
    }
    for (const rc of c.spec.receivers ?? []) base.receivers.push(hook(prefix(rc.name)));
    for (const t of c.spec.muteTimeIntervals ?? []) {
      base.time_intervals = [...(base.time_intervals ?? []), {
        name: prefix(t.name),
        time_intervals: t.timeIntervals.map((ti: any) => ({
          ...(ti.weekdays ? { weekdays: ti.weekdays } : {}),
          ...(ti.months ? { months: ti.months } : {}),
          ...(ti.times ? { times: ti.times.map((x: any) => ({ start_time: x.startTime, end_time: x.endTime })) } : {}),
          ...(ti.daysOfMonth ? { days_of_month: ti.daysOfMonth.map((d: any) => `${d.start}:${d.end}`) } : {}),
        })),
      }];
    }
  }
  base.route.routes = [...top, ...base.route.routes];
  base.receivers = base.receivers.map((r: any) => (r.name === 'null' ? r : r.webhook_configs ? r : hook(r.name)));
  return YAML.stringify(base);
}
