import { ApiObject, Duration, Lazy, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { renderCrdReceiver, renderGlobal, renderReceiver } from './_alertmanager-config';
import { MESSAGE_TEMPLATES } from './_messages';
import { DefaultedField } from './_receiver-spec';
import { isDayOfMonthRange, isLocation, isMonthRange } from './_time-intervals';
import { Receiver, validateEmailAddress, validateSmarthost } from './receiver';
import { AlertMatcher, InhibitRuleOptions, MatchOperator, ReceiverDefaults, RouteOptions, TimeIntervalOptions } from './routing-options';
import { AppRegistry } from '../common/_app-registry';
import { promDuration } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { GVK } from '../common/_gvk';
import { metadata } from '../common/_metadata';
import { MONITORING_SIGNAL, WATCHDOG_ALERT } from '../common/_monitoring';
import { validateKubeLabels, validateNamespace, validateObjectName, validatePromLabelName } from '../common/_names';
import { definedOnly } from '../common/_object';
import { validateRe2 } from '../common/_regex';
import { refuseUnencodableText } from '../common/_text';
import { secretKeySelector } from '../common/secret-key';
import { Severity } from '../common/severity';

/** What `AlertRouting` emits. */
export enum RoutingOutput {
  /** A Secret with a complete alertmanager.yaml, for an Alertmanager this app owns. */
  ALERTMANAGER_SECRET = 'secret',
  /**
   * An AlertmanagerConfig object (v1alpha1) that an adopted kube-prometheus-stack merges into its
   * configuration. The operator adds a `namespace` matcher for the object's namespace to every route and
   * inhibition (matcher strategy OnNamespace): place it in the tenant's namespace, or set the
   * Alertmanager's `alertmanagerConfigMatcherStrategy` to None for cluster-wide routing.
   */
  ALERTMANAGER_CONFIG = 'alertmanagerconfig',
}

/** The routing settings of an `AlertRouting`, also given to a `MonitoringStack` for its `alerting`. */
export interface AlertRoutingOptions {
  /**
   * Where alerts that match no route go.
   * @default - a receiver named "null" that notifies no one (as in kube-prometheus-stack): alerts that
   * match no route are dropped
   */
  readonly defaultReceiver?: Receiver;
  /**
   * Settings that every receiver takes unless it sets its own (Alertmanager's `global`): the SMTP server,
   * sender and login of email receivers, the webhook of Slack receivers.
   * @default - none: each receiver sets its own
   */
  readonly receiverDefaults?: ReceiverDefaults;
  /**
   * Labels alerts are grouped by into one notification.
   * @default ["namespace", "alertname"]
   */
  readonly groupBy?: string[];
  /**
   * How long to wait to batch the first notification of a group.
   * @default Duration.seconds(30)
   */
  readonly groupWait?: Duration;
  /**
   * How long to wait before notifying about new alerts in a group.
   * @default Duration.minutes(5)
   */
  readonly groupInterval?: Duration;
  /**
   * How long before re-sending a notification that is still firing.
   * @default Duration.hours(4)
   */
  readonly repeatInterval?: Duration;
  /**
   * Add the standard inhibitions: critical mutes warning (same namespace and alert), and accept the ones
   * the monitoring constructs on this routing's stack contribute for the alerts they own (an SLO's page
   * tiers mute its ticket tiers; a service's target-down alert mutes its latency and error alerts, under
   * their configured names).
   * @default true
   */
  readonly defaultInhibitions?: boolean;
  /**
   * Where the alerts about the monitoring itself go (label `ml_signal="monitoring"`: a service's missing
   * series or too coarse histogram, an SLO's stopped events, the stack's own health): the platform, not
   * the tenants. Their route is matched before every route added with `addRoute`.
   * @default - the default receiver
   */
  readonly monitoringReceiver?: Receiver;
  /**
   * A dead man's switch: a receiver outside the cluster (a webhook to a heartbeat service) that the
   * always-firing `Watchdog` alert is sent to every `heartbeatInterval`; the service raises the alarm when
   * the heartbeats stop, which is how a Prometheus or Alertmanager that is down altogether is noticed.
   * @default - none: the Watchdog is discarded (receiver "watchdog-discard")
   */
  readonly deadMansSwitch?: Receiver;
  /**
   * How often the Watchdog is sent to the dead man's switch (its group interval and repeat interval).
   * @default Duration.minutes(1)
   */
  readonly heartbeatInterval?: Duration;
}

/** Props of `AlertRouting`. */
export interface AlertRoutingProps extends AlertRoutingOptions {
  /**
   * What to emit.
   * @default RoutingOutput.ALERTMANAGER_SECRET
   */
  readonly output?: RoutingOutput;
  /**
   * Labels on the emitted object (for an AlertmanagerConfig: what the Alertmanager's
   * `alertmanagerConfigSelector` matches).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The namespace of the emitted object (the Alertmanager's).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The name of the emitted object.
   * @default "alertmanager-main" for the Secret (what the operator reads for an Alertmanager named main), "ml-monitoring" for an AlertmanagerConfig
   */
  readonly name?: string;
  /**
   * For the AlertmanagerConfig output: also emit the routing tree as an AlertmanagerConfig of the same
   * name in every namespace whose alerts it routes (the tenants of the monitoring constructs made through
   * the stack). Under the operator's default matcher strategy (OnNamespace) each AlertmanagerConfig only
   * sees alerts whose `namespace` label is its own namespace, so one object in the Alertmanager's
   * namespace would route no tenant's alert. The receivers' Secrets must then exist in every tenant
   * namespace: the operator reads an AlertmanagerConfig's Secrets from its own namespace.
   * @default false
   */
  readonly perNamespace?: boolean;
}

interface RouteModel {
  readonly receiver: string;
  readonly matchers: AlertMatcher[];
  readonly options: RouteOptions;
  readonly where: string;
}

const OPERATORS = Object.values(MatchOperator) as string[];

/**
 * An Alertmanager routing tree: receivers, routes, inhibitions and time intervals, rendered into the
 * `alertmanager.yaml` of a Secret that an Alertmanager managed by the Prometheus Operator reads. Credentials
 * stay in their own Secrets: list `secretNames` in the Alertmanager's `secrets` and the rendered config
 * reads them from the mounted files. The Secret is the child `Resource`.
 */
export class AlertRouting extends Construct {
  /** The configuration Secret. */
  public readonly resource: ApiObject;

  private readonly props: AlertRoutingProps;
  private readonly receiverByName = new Map<string, Receiver>();
  private readonly routes: RouteModel[] = [];
  /** The routes of the monitoring's own alerts (the Watchdog, then `ml_signal="monitoring"`), before the user's. */
  private readonly monitoringRoutes: RouteModel[] = [];
  private readonly inhibitRules: InhibitRuleOptions[] = [];
  private readonly contributed = new Set<string>();
  private readonly acceptsContributed: boolean;
  private readonly timeIntervals: TimeIntervalOptions[] = [];
  private readonly referencedIntervals = new Set<string>();

  /** The receiver of alerts that match no route. */
  public readonly defaultReceiver: Receiver;
  /** What this routing emits. */
  public readonly output: RoutingOutput;

  private readonly tenantObjects = new Map<string, ApiObject>();
  private readonly labels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: AlertRoutingProps = {}) {
    super(scope, id);
    AppRegistry.of(this); // the app-wide check that no two objects are one
    const where = this.node.path;
    refuseUnencodableText(where, props);
    this.props = props;
    validateReceiverDefaults(where, props.receiverDefaults);
    this.defaultReceiver = props.defaultReceiver ?? Receiver.none('null');
    this.register(this.defaultReceiver, 'defaultReceiver');
    this.addMonitoringRoutes(props);
    for (const [prop, d] of [['groupWait', props.groupWait], ['groupInterval', props.groupInterval], ['repeatInterval', props.repeatInterval]] as const) {
      if (d !== undefined) promDuration(d, where, prop);
    }
    (props.groupBy ?? []).forEach(l => l === '...' || validatePromLabelName(where, 'groupBy', l));
    if (props.defaultInhibitions ?? true) {
      // Equal on slo and ml_service too: SLO alerts share one name, and so do the alerts of two services in
      // one namespace; a page for one must not mute the other's warnings.
      this.addInhibitRule({ sourceMatchers: [m('severity', 'critical')], targetMatchers: [m('severity', 'warning')], equal: ['namespace', 'alertname', 'ml_service', 'slo'] });
    }
    this.acceptsContributed = props.defaultInhibitions ?? true;
    const output = props.output ?? RoutingOutput.ALERTMANAGER_SECRET;
    if (!Object.values(RoutingOutput).includes(output)) throw invalidProp(where, 'output', output, 'a RoutingOutput');
    this.output = output;
    this.labels = validateKubeLabels(where, 'labels', props.labels);
    const md = metadata({
      name: validateObjectName(where, 'name', props.name ?? (output === RoutingOutput.ALERTMANAGER_SECRET ? 'alertmanager-main' : 'ml-monitoring')),
      namespace: props.namespace !== undefined ? validateNamespace(where, 'namespace', props.namespace) : undefined,
      labels: this.labels,
    });
    if (props.perNamespace && output !== RoutingOutput.ALERTMANAGER_CONFIG) {
      throw invalidProp(where, 'perNamespace', true, 'perNamespace only with output RoutingOutput.ALERTMANAGER_CONFIG (an Alertmanager Secret is one whole configuration)');
    }
    this.resource = output === RoutingOutput.ALERTMANAGER_SECRET
      ? new ApiObject(this, 'Resource', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: md,
        type: 'Opaque',
        // No credential is in here: receivers read theirs from mounted Secret files.
        stringData: Lazy.any({ produce: () => ({ 'alertmanager.yaml': this.renderConfig(), 'mlmon.tmpl': MESSAGE_TEMPLATES }) }),
      })
      : new ApiObject(this, 'Resource', {
        ...GVK.alertmanagerConfig,
        metadata: md,
        spec: Lazy.any({ produce: () => this.renderAlertmanagerConfigSpec() }),
      });
    this.node.addValidation({ validate: () => this.validateIntervals() });
  }

  /**
   * The namespaces the routing tree is emitted in: the object's own, then (with `perNamespace`) every
   * tenant namespace that a monitoring construct routes alerts from, in the order they were added.
   */
  public get namespaces(): string[] {
    const own = this.resource.metadata.namespace;
    return [...(own !== undefined ? [own] : []), ...this.tenantObjects.keys()];
  }

  /**
   * Notes that alerts with `namespace="<namespace>"` go through this routing: with `perNamespace`, the
   * routing tree is emitted as an AlertmanagerConfig in that namespace too (once).
   * @internal
   */
  public _routeNamespace(namespace: string): void {
    if (!this.props.perNamespace || namespace === this.resource.metadata.namespace || this.tenantObjects.has(namespace)) return;
    this.tenantObjects.set(namespace, new ApiObject(this, `Tenant-${namespace}`, {
      ...GVK.alertmanagerConfig,
      metadata: metadata({ name: this.resource.name, namespace, labels: this.labels }),
      spec: Lazy.any({ produce: () => this.renderAlertmanagerConfigSpec() }),
    }));
  }

  /** Adds a route, checked in the order added. */
  public addRoute(options: RouteOptions): void {
    refuseUnencodableText(this.node.path, options);
    const where = `${this.node.path} route ${this.routes.length + 1}`;
    const matchers: AlertMatcher[] = [...(options.matchers ?? [])];
    if (options.severity) {
      if (!(options.severity instanceof Severity)) throw invalidProp(where, 'severity', options.severity, 'a Severity');
      matchers.push(m('severity', options.severity.name));
    }
    if (options.namespace !== undefined) matchers.push(m('namespace', validateNamespace(where, 'namespace', options.namespace)));
    if (options.alertName !== undefined) matchers.push(m('alertname', options.alertName));
    if (options.matchAll && matchers.length > 0) {
      throw invalidProp(where, 'matchAll', true, 'either matchAll (every alert) or matchers (severity, namespace, alertName or matchers), not both');
    }
    if (!options.matchAll && matchers.length === 0) {
      throw invalidProp(where, 'matchers', [], 'at least one matcher (severity, namespace, alertName or matchers), or matchAll: true for a catch-all route; the default receiver takes everything else');
    }
    for (const i of [...(options.muteTimeIntervals ?? []), ...(options.activeTimeIntervals ?? [])]) this.referencedIntervals.add(i);
    matchers.forEach((x, i) => renderMatcher(where, `matchers[${i}]`, x));
    options.groupBy?.forEach(l => l === '...' || validatePromLabelName(where, 'groupBy', l));
    for (const [prop, d] of [['groupWait', options.groupWait], ['groupInterval', options.groupInterval], ['repeatInterval', options.repeatInterval]] as const) {
      if (d !== undefined) promDuration(d, where, prop);
    }
    // Registered last: a route refused above leaves no receiver behind.
    this.register(options.receiver, 'receiver');
    this.routes.push({ receiver: options.receiver.name, matchers, options, where });
  }

  private addMonitoringRoutes(props: AlertRoutingProps): void {
    const where = this.node.path;
    const heartbeat = props.heartbeatInterval ?? Duration.minutes(1);
    promDuration(heartbeat, where, 'heartbeatInterval');
    const watchdog = props.deadMansSwitch ?? Receiver.none('watchdog-discard');
    this.register(watchdog, 'deadMansSwitch');
    const monitoring = props.monitoringReceiver ?? this.defaultReceiver;
    this.register(monitoring, 'monitoringReceiver');
    const signal = m('ml_signal', MONITORING_SIGNAL);
    this.monitoringRoutes.push({
      receiver: watchdog.name,
      matchers: [m('alertname', WATCHDOG_ALERT), signal],
      // Every heartbeat interval, for as long as the pipeline works.
      options: { receiver: watchdog, groupBy: ['alertname'], groupWait: Duration.seconds(1), groupInterval: heartbeat, repeatInterval: heartbeat },
      where: `${where} deadMansSwitch`,
    }, {
      receiver: monitoring.name,
      matchers: [signal],
      options: { receiver: monitoring },
      where: `${where} monitoringReceiver`,
    });
  }

  /**
   * Adds an inhibition rule that a monitoring construct contributes for the alerts it owns (an SLO's page
   * tiers mute its ticket tiers; a service's target-down alert mutes its latency and error alerts), once
   * however many constructs contribute the same rule, unless `defaultInhibitions` is false.
   * @internal
   */
  public _contributeInhibition(options: InhibitRuleOptions): void {
    if (!this.acceptsContributed) return;
    const key = JSON.stringify(options);
    if (this.contributed.has(key)) return;
    this.contributed.add(key);
    this.addInhibitRule(options);
  }

  /** Adds an inhibition rule. */
  public addInhibitRule(options: InhibitRuleOptions): void {
    refuseUnencodableText(this.node.path, options);
    const where = `${this.node.path} inhibit rule ${this.inhibitRules.length + 1}`;
    if (!options.sourceMatchers?.length || !options.targetMatchers?.length) {
      throw invalidProp(where, 'sourceMatchers', options.sourceMatchers, 'at least one source and one target matcher');
    }
    options.sourceMatchers.forEach((x, i) => renderMatcher(where, `sourceMatchers[${i}]`, x));
    options.targetMatchers.forEach((x, i) => renderMatcher(where, `targetMatchers[${i}]`, x));
    options.equal?.forEach(l => validatePromLabelName(where, 'equal', l));
    this.inhibitRules.push(options);
  }

  /** Adds a named time interval (for `muteTimeIntervals` / `activeTimeIntervals` of routes). */
  public addTimeInterval(options: TimeIntervalOptions): void {
    refuseUnencodableText(this.node.path, options);
    const where = `${this.node.path} time interval "${options.name}"`;
    if (typeof options.name !== 'string' || !/^[a-zA-Z0-9][-a-zA-Z0-9_.]*$/.test(options.name)) {
      throw invalidProp(this.node.path, 'time interval name', options.name, 'letters, digits, "-", "_" and "."');
    }
    if (this.timeIntervals.some(t => t.name === options.name)) throw invalidProp(this.node.path, 'time interval name', options.name, 'a name not already used');
    // Alertmanager's week starts on Sunday, and a range must not run backwards.
    const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
    for (const d of options.weekdays ?? []) {
      // Alertmanager reads day names in any case.
      const [from, to] = typeof d === 'string' ? d.toLowerCase().split(':') : [];
      if (!DAYS.includes(from) || (to !== undefined && (!DAYS.includes(to) || DAYS.indexOf(to) < DAYS.indexOf(from)))) {
        throw invalidProp(where, 'weekdays', d, 'a weekday or a forward range within sunday..saturday, e.g. "monday:friday" (weekends: "saturday", "sunday")');
      }
    }
    const hhmm = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
    for (const t of options.times ?? []) {
      if (!hhmm.test(t.start) || !hhmm.test(t.end) || t.start >= t.end) throw invalidProp(where, 'times', `${t.start}-${t.end}`, 'HH:MM to a later HH:MM, e.g. 09:00 to 17:00');
    }
    for (const d of options.daysOfMonth ?? []) {
      if (!isDayOfMonthRange(d)) {
        throw invalidProp(where, 'daysOfMonth', d, 'a day from 1 to 31 (or -31 to -1, counted from the month\'s end) or a forward range such as "1:7" or "-7:-1"');
      }
    }
    for (const mo of options.months ?? []) {
      if (!isMonthRange(mo)) throw invalidProp(where, 'months', mo, 'a month (january..december or 1..12) or a forward range such as "march:may" or "1:3"');
    }
    if (options.location !== undefined && !isLocation(options.location)) {
      throw invalidProp(where, 'location', options.location, 'an IANA time zone such as "Europe/Berlin", or "UTC" or "Local", as Alertmanager loads it (case matters)');
    }
    this.timeIntervals.push(options);
  }

  /** The receivers, default first. */
  public get receivers(): Receiver[] {
    return [...this.receiverByName.values()];
  }

  /** The Secrets the receivers read credentials from: list them in the Alertmanager's `secrets`. */
  public get secretNames(): string[] {
    const d = this.props.receiverDefaults;
    const fromDefaults = [d?.smtpAuthPassword, d?.slackApiUrl].filter(x => x !== undefined).map(x => x!.secretName);
    const fromReceivers = this.receivers.flatMap(r => r._spec.integrations.flatMap(i => i.fields.flatMap(f => 'secret' in f.of ? [f.of.secret.secretName] : [])));
    return [...new Set([...fromDefaults, ...fromReceivers])].sort();
  }

  /** The rendered alertmanager.yaml. */
  public renderConfig(): string {
    const where = this.node.path;
    const config = definedOnly({
      global: renderGlobal(this.props.receiverDefaults),
      templates: ['/etc/alertmanager/config/*.tmpl'],
      route: snakeKeys({
        ...this.rootFields(),
        routes: this.allRoutes.map(r => snakeKeys({
          ...this.routeFields(r),
          matchers: r.matchers.length > 0 ? r.matchers.map((x, i) => renderMatcher(r.where, `matchers[${i}]`, x)) : undefined,
        })),
      }),
      inhibit_rules: this.inhibitRules.length > 0 ? this.inhibitRules.map(ir => definedOnly({
        source_matchers: ir.sourceMatchers.map(x => renderMatcher(where, 'sourceMatchers', x)),
        target_matchers: ir.targetMatchers.map(x => renderMatcher(where, 'targetMatchers', x)),
        equal: ir.equal,
      })) : undefined,
      receivers: this.receivers.map(renderReceiver),
      time_intervals: this.timeIntervals.length > 0 ? this.timeIntervals.map(t => ({
        name: t.name,
        time_intervals: [definedOnly({
          weekdays: t.weekdays?.map(d => d.toLowerCase()),
          times: t.times?.map(x => ({ start_time: x.start, end_time: x.end })),
          days_of_month: t.daysOfMonth,
          months: t.months,
          location: t.location,
        })],
      })) : undefined,
    });
    return Yaml.stringify(config);
  }

  /** The AlertmanagerConfig (v1alpha1) spec of the same routing tree. */
  private renderAlertmanagerConfigSpec(): { [key: string]: unknown } {
    const where = this.node.path;
    // Equality is the operator's default (no matchType, no regex): written out, `matchType: =` is a YAML 1.1
    // value token that PyYAML (and the linters and scanners built on it) refuses to read.
    const matchers = (ms: AlertMatcher[]) => ms.map(x => definedOnly({
      name: x.label, value: x.value, matchType: (x.operator ?? MatchOperator.EQUAL) === MatchOperator.EQUAL ? undefined : x.operator,
    }));
    return definedOnly({
      route: definedOnly({
        ...this.rootFields(),
        routes: this.allRoutes.map(r => definedOnly({ ...this.routeFields(r), matchers: r.matchers.length > 0 ? matchers(r.matchers) : undefined })),
      }),
      receivers: this.receivers.map(r => renderCrdReceiver(r, this.props.receiverDefaults)),
      inhibitRules: this.inhibitRules.length > 0 ? this.inhibitRules.map(ir => definedOnly({
        sourceMatch: matchers(ir.sourceMatchers), targetMatch: matchers(ir.targetMatchers), equal: ir.equal,
      })) : undefined,
      muteTimeIntervals: this.timeIntervals.length > 0 ? this.timeIntervals.map(t => {
        if (t.location !== undefined) {
          throw new Error(`${where}: time interval "${t.name}" has a location (${t.location}), which AlertmanagerConfig v1alpha1 cannot express; use UTC times or output ALERTMANAGER_SECRET`);
        }
        return {
          name: t.name,
          timeIntervals: [definedOnly({
            weekdays: t.weekdays?.map(d => d.toLowerCase()),
            times: t.times?.map(x => ({ startTime: x.start, endTime: x.end })),
            daysOfMonth: t.daysOfMonth?.map(d => { const [a, b] = d.split(':'); return { start: Number(a), end: Number(b ?? a) }; }),
            months: t.months,
          })],
        };
      }) : undefined,
    });
  }

  /** The routes in the order Alertmanager checks them: the monitoring's own first, then those added. */
  private get allRoutes(): RouteModel[] {
    return [...this.monitoringRoutes, ...this.routes];
  }

  /** The root route's settings, in the AlertmanagerConfig's camelCase (alertmanager.yaml snake-cases them). */
  private rootFields(): { [key: string]: unknown } {
    const p = this.props;
    const where = this.node.path;
    return {
      receiver: this.defaultReceiver.name,
      groupBy: p.groupBy ?? ['namespace', 'alertname'],
      groupWait: promDuration(p.groupWait ?? Duration.seconds(30), where, 'groupWait'),
      groupInterval: promDuration(p.groupInterval ?? Duration.minutes(5), where, 'groupInterval'),
      repeatInterval: promDuration(p.repeatInterval ?? Duration.hours(4), where, 'repeatInterval'),
    };
  }

  /** A route's settings but its matchers, whose form differs between the two renderings. */
  private routeFields(r: RouteModel): { [key: string]: unknown } {
    const o = r.options;
    return definedOnly({
      receiver: r.receiver,
      continue: o.continueMatching,
      groupBy: o.groupBy,
      groupWait: o.groupWait && promDuration(o.groupWait, r.where, 'groupWait'),
      groupInterval: o.groupInterval && promDuration(o.groupInterval, r.where, 'groupInterval'),
      repeatInterval: o.repeatInterval && promDuration(o.repeatInterval, r.where, 'repeatInterval'),
      muteTimeIntervals: o.muteTimeIntervals,
      activeTimeIntervals: o.activeTimeIntervals,
    });
  }

  private register(r: Receiver, prop: string): void {
    if (!(r instanceof Receiver)) throw invalidProp(this.node.path, prop, r, 'a Receiver, e.g. Receiver.slack("ml-team", {...})');
    const existing = this.receiverByName.get(r.name);
    if (existing && existing !== r) {
      throw invalidProp(this.node.path, prop, r.name, 'a receiver name used by one receiver only (two different receivers share this name)');
    }
    this.receiverByName.set(r.name, r);
    // The settings Alertmanager has no default of its own for (its config.go refuses the file without them),
    // by the receiver prop that would set them; the others fall back to Alertmanager's defaults.
    const required = { smtpSmarthost: 'smarthost', smtpFrom: 'fromAddress', slackApiUrl: 'apiUrl' } as const;
    const isRequired = (f: DefaultedField): f is keyof typeof required => f in required;
    const d = this.props.receiverDefaults ?? {};
    for (const integration of r._spec.integrations) {
      for (const f of integration.defaulted.filter(isRequired)) {
        if (d[f] === undefined) {
          throw invalidProp(this.node.path, prop, r.name, `a receiver whose ${integration.kind} integration sets ${required[f]}, or receiverDefaults.${f} on this routing (Alertmanager has no default for it)`);
        }
      }
    }
  }

  private validateIntervals(): string[] {
    const defined = new Set(this.timeIntervals.map(t => t.name));
    return [...this.referencedIntervals].filter(n => !defined.has(n))
      .map(n => `${this.node.path}: a route refers to time interval "${n}", which is never defined; add it with addTimeInterval()`);
  }
}

function validateReceiverDefaults(where: string, d: ReceiverDefaults | undefined): void {
  if (d === undefined) return;
  const w = `${where} receiverDefaults`;
  if (d.smtpSmarthost !== undefined) validateSmarthost(w, 'smtpSmarthost', d.smtpSmarthost);
  if (d.smtpFrom !== undefined) validateEmailAddress(w, 'smtpFrom', d.smtpFrom);
  if ((d.smtpAuthUsername === undefined) !== (d.smtpAuthPassword === undefined)) {
    throw invalidProp(w, 'smtpAuthPassword', 'only one of smtpAuthUsername and smtpAuthPassword', 'both or neither');
  }
  if (d.smtpAuthPassword !== undefined) secretKeySelector(w, 'smtpAuthPassword', d.smtpAuthPassword);
  if (d.slackApiUrl !== undefined) secretKeySelector(w, 'slackApiUrl', d.slackApiUrl);
  if (d.smtpRequireTls !== undefined && typeof d.smtpRequireTls !== 'boolean') throw invalidProp(w, 'smtpRequireTls', d.smtpRequireTls, 'true or false');
}

function m(label: string, value: string, operator = MatchOperator.EQUAL): AlertMatcher {
  return { label, value, operator };
}

function renderMatcher(where: string, prop: string, x: AlertMatcher): string {
  validatePromLabelName(where, `${prop}.label`, x.label);
  const op = x.operator ?? MatchOperator.EQUAL;
  if (!OPERATORS.includes(op)) throw invalidProp(where, `${prop}.operator`, op, 'a MatchOperator');
  if (typeof x.value !== 'string') throw invalidProp(where, `${prop}.value`, x.value, 'a string');
  if (op === MatchOperator.REGEX || op === MatchOperator.NOT_REGEX) validateRe2(where, `${prop}.value`, x.value);
  return `${x.label}${op}${JSON.stringify(x.value)}`;
}

/** `groupBy` → `group_by`, dropping undefined values. */
function snakeKeys(o: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)] = v;
  return out;
}
