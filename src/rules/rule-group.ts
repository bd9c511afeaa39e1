import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RuleScope, ruleScope } from './_rule-scope';
import { AlertingRuleOptions, RecordingRuleOptions, RuleGroupOptions } from './rule-options';
import { AppRegistry } from '../common/_app-registry';
import { promDuration, promInterval } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { literalText, literalValues, validateTemplate } from '../common/_go-template';
import { validateAlertName, validatePromLabels, validateRecordName, validateUrl } from '../common/_names';
import { LabelMatcher, parsePromQL } from '../common/_promql';
import { refuseUnencodableText } from '../common/_text';
import { Severity } from '../common/severity';
import { PrometheusRuleSpecGroups, PrometheusRuleSpecGroupsRules, PrometheusRuleSpecGroupsRulesExpr } from '../imports/prometheusrule';

const RESERVED_ALERT_LABELS = new Set(['alertname', 'alertstate']);

/**
 * How the rules of a group's object are split by scope (see `RulePlacement`): the recorded series of its
 * local rules so far, and what to do on its first local rule. @internal
 */
export interface RuleSplit {
  readonly localRecords: Set<string>;
  readonly onLocal: () => void;
}

/**
 * A group of rules inside a `PrometheusRules` object. Made by `PrometheusRules.addGroup()`.
 */
export class RuleGroup {
  /** @internal */
  public static _create(where: string, name: string, options: RuleGroupOptions): RuleGroup {
    return new RuleGroup(where, name, options);
  }

  /** The group name, unique within its PrometheusRule. */
  public readonly name: string;
  /** How often the group is evaluated, if set. */
  public readonly interval?: Duration;

  private readonly where: string;
  private readonly intervalText?: string;
  private readonly limit?: number;
  private readonly rules: PrometheusRuleSpecGroupsRules[] = [];
  /** Each rule's scope, by index, when the object is split by scope. */
  private readonly scopes: RuleScope[] = [];
  private alerts = 0;
  private recordsFirst = false;
  private owner?: { readonly scope: IConstruct; readonly prometheus: string; readonly split?: RuleSplit };

  private constructor(where: string, name: string, options: RuleGroupOptions) {
    this.where = `${where} group "${name}"`;
    this.name = name;
    this.interval = options.interval;
    this.intervalText = options.interval ? promInterval(options.interval, this.where, 'interval') : undefined;
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
      throw invalidProp(this.where, 'limit', options.limit, 'a whole number of 0 or more');
    }
    this.limit = options.limit;
  }

  /**
   * Binds the group to the PrometheusRules object it is in and to the Prometheus that selects it (by the
   * object's labels), for the app-wide check of recorded series.
   * @internal
   */
  public _bind(scope: IConstruct, prometheus: string, split?: RuleSplit): void {
    this.owner = { scope, prometheus, split };
  }

  /** Notes the scope of the rule about to be added, when the object is split by scope. */
  private place(expr: string, record?: string): void {
    const split = this.owner?.split;
    if (split === undefined) return;
    const scope = ruleScope(expr, split.localRecords);
    if (scope === 'local') {
      if (record !== undefined) split.localRecords.add(record);
      split.onLocal();
    }
    this.scopes.push(scope);
  }

  /**
   * Claims, app-wide, the series a recording rule of this group writes (`identity`: the matchers its
   * readers select it by): throws when another construct writes an overlapping series differently.
   * @internal
   */
  public _claimSeries(record: string, identity: ReadonlyArray<LabelMatcher>, staticLabels: { [k: string]: string }, expr: string): void {
    if (this.owner === undefined) return;
    AppRegistry.of(this.owner.scope).claimSeries(this.owner.prometheus, record, identity, staticLabels,
      `${expr}\u0000${JSON.stringify(Object.entries(staticLabels).sort())}`, this.owner.scope);
  }

  /** The number of rules in the group. */
  public get ruleCount(): number {
    return this.rules.length;
  }

  /** The number of alerting rules in the group. */
  public get alertCount(): number {
    return this.alerts;
  }

  /**
   * Adds an alerting rule. Throws if the name, expression, durations, labels or runbook URL are invalid.
   */
  public addAlertingRule(options: AlertingRuleOptions): void {
    refuseUnencodableText(this.where, options);
    const where = `${this.where} alert "${options.alert}"`;
    validateAlertName(this.where, 'alert', options.alert);
    const expr = parsePromQL(options.expr, this.where, `alert "${options.alert}" expr`);
    if (typeof options.summary !== 'string' || options.summary.trim() === '') {
      throw invalidProp(where, 'summary', options.summary, 'a non-empty one-line summary of what is wrong');
    }
    const severity = options.severity ?? Severity.WARNING;
    if (!(severity instanceof Severity)) throw invalidProp(where, 'severity', severity, 'a Severity, e.g. Severity.CRITICAL');
    const extra = validatePromLabels(where, 'labels', options.labels);
    for (const reserved of RESERVED_ALERT_LABELS) {
      if (reserved in extra) throw invalidProp(where, 'labels', reserved, `labels other than ${[...RESERVED_ALERT_LABELS].join(', ')}, which Prometheus sets itself`);
    }
    if (extra.severity !== undefined && extra.severity !== severity.name) {
      throw invalidProp(where, 'labels["severity"]', extra.severity, `the severity prop (${severity.name}) instead of a severity label`);
    }
    // Prometheus expands alert labels and annotations as Go templates: summary, description and extra
    // annotations are templates (checked as Prometheus parses them), labels and the runbook URL literal text.
    const annotations: { [key: string]: string } = { summary: validateTemplate(where, 'summary', options.summary.trim(), 'Prometheus') };
    if (options.description !== undefined) {
      if (typeof options.description !== 'string') throw invalidProp(where, 'description', options.description, 'a string: what is wrong, for whom, and what to check');
      annotations.description = validateTemplate(where, 'description', options.description.trim(), 'Prometheus');
    }
    if (options.runbookUrl !== undefined) annotations.runbook_url = literalText(validateUrl(where, 'runbookUrl', options.runbookUrl));
    for (const [k, v] of Object.entries(validatePromLabels(where, 'annotations', options.annotations))) {
      if (k in annotations) throw invalidProp(where, 'annotations', k, 'keys other than summary, description and runbook_url, which have props of their own');
      annotations[k] = validateTemplate(where, `annotations["${k}"]`, v, 'Prometheus');
    }
    this.place(expr);
    this.rules.push({
      alert: options.alert,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(expr),
      for: options.pendingFor ? promDuration(options.pendingFor, where, 'pendingFor') : undefined,
      keepFiringFor: options.keepFiringFor ? promDuration(options.keepFiringFor, where, 'keepFiringFor') : undefined,
      labels: { ...literalValues(sorted(extra)), severity: severity.name },
      annotations,
    });
    this.alerts++;
  }

  /**
   * Adds a recording rule. Throws if the name, expression or labels are invalid.
   */
  public addRecordingRule(options: RecordingRuleOptions): void {
    refuseUnencodableText(this.where, options);
    validateRecordName(this.where, 'record', options.record);
    const where = `${this.where} record "${options.record}"`;
    const expr = parsePromQL(options.expr, this.where, `record "${options.record}" expr`);
    const labels = validatePromLabels(where, 'labels', options.labels);
    this.place(expr, options.record);
    this.rules.push({
      record: options.record,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(expr),
      labels: Object.keys(labels).length > 0 ? sorted(labels) : undefined,
    });
  }

  /**
   * Renders recording rules before alerting rules, each kind in the order added: for groups whose
   * recording rules are added lazily (by a signal catalog, as readers ask for them) while the alerts
   * that read them must run after them in the same evaluation.
   * @internal
   */
  public _keepRecordingRulesFirst(): void {
    this.recordsFirst = true;
  }

  /**
   * The group as written; with `scope`, only its rules of that scope (undefined when it has none). The
   * local part is named `<name>.local`: one name per group wherever both parts are loaded together (a
   * Prometheus over every target, promtool's evaluation order) and in the rule-group metrics.
   * @internal
   */
  public _render(scope?: RuleScope): PrometheusRuleSpecGroups | undefined {
    const own = scope === undefined ? this.rules : this.rules.filter((_, i) => this.scopes[i] === scope);
    if (scope !== undefined && own.length === 0) return undefined;
    const rules = this.recordsFirst
      ? [...own.filter(r => r.record !== undefined), ...own.filter(r => r.record === undefined)]
      : own;
    return { name: scope === 'local' ? `${this.name}.local` : this.name, interval: this.intervalText, limit: this.limit, rules };
  }
}

function sorted(map: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k];
  return out;
}
