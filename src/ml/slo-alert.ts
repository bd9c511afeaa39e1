import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { dashboardAnnotations, PlacementSettings, placeDashboard, placeRules, resolvePlacement, routeTenants } from './_placement-settings';
import { SliRecording } from './_sli-recording';
import { AlertTuning } from './alert-tuning';
import { emitAlert, heldFor, resolveAlert } from './alerts/_alert-settings';
import { MonitoringPlacementProps } from './monitoring-props';
import { Objective } from './objective';
import { SliSignals, SloSignals } from './signals/_sli-signals';
import { Sli } from './sli';
import { MatchOperator } from '../alerting/routing-options';
import { promDuration, promInterval, toMillis } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { formatNumber } from '../common/_number';
import { refuseUnencodableText } from '../common/_text';
import { Severity } from '../common/severity';
import { shortUid } from '../dashboards/_uid';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { Panel, PanelUnit } from '../dashboards/panel';
import { PrometheusRules } from '../rules/prometheus-rules';
import { SloSource, SloTierSource } from '../testing/_slo-cases';

/**
 * One burn-rate alert tier: the alert tuning every alert of the library takes. Its default name is
 * `SloErrorBudgetBurn` (tiers tell apart by their `slo_tier` label), its default severity critical for
 * the page tiers and warning for the ticket tiers, and it has no pending period by default: the short
 * window already confirms the burn.
 */
export interface SloTierOptions extends AlertTuning {}

/** The four multi-window, multi-burn-rate tiers of the SRE workbook. */
export interface SloTiers {
  /**
   * Page: 2 % of the budget in 1 h (14.4× over 1 h and 5 m for a 30-day window).
   * @default - enabled
   */
  readonly pageFast?: SloTierOptions;
  /**
   * Page: 5 % of the budget in 6 h (6× over 6 h and 30 m for a 30-day window).
   * @default - enabled
   */
  readonly pageSlow?: SloTierOptions;
  /**
   * Ticket: 10 % of the budget in 1 d (3× over 1 d and 2 h for a 30-day window).
   * @default - enabled
   */
  readonly ticketFast?: SloTierOptions;
  /**
   * Ticket: 10 % of the budget in 3 d (1× over 3 d and 6 h for a 30-day window).
   * @default - enabled
   */
  readonly ticketSlow?: SloTierOptions;
}

/** The alerts on an SLO's blind spots. */
export interface SloMonitoringAlerts {
  /**
   * `SloEventsStopped`: the SLI's events stopped (its series are gone) after flowing within the last day,
   * while, for an SLI of a monitored service, none of the service's targets is up: the budget then freezes
   * and no tier can fire. An SLI that was never busy, or is idle with its counters present, stays silent.
   * @default - enabled: for 5m
   */
  readonly eventsStopped?: AlertTuning;
  /**
   * `SloSliBucketMissing`: a latency SLI's histogram is there, but not the bucket its threshold reads, so
   * every request counts as slow.
   * @default - enabled for latency SLIs: for 10m
   */
  readonly sliBucketMissing?: AlertTuning;
}

/** Props of `SloAlert`. */
export interface SloAlertProps extends MonitoringPlacementProps {
  /** What counts as a bad event and as an event. */
  readonly sli: Sli;
  /** The objective, e.g. `Objective.percent(99.9)`. */
  readonly objective: Objective;
  /**
   * The rolling window the objective holds over: a whole number of days, at least the longest enabled
   * alert window (3 days with the default tiers).
   * @default Duration.days(30)
   */
  readonly window?: Duration;
  /**
   * The SLO's name: the `slo` label of its series and alerts.
   * @default - the construct id
   */
  readonly sloName?: string;
  /**
   * The alert tiers.
   * @default - all four, with the workbook's budget shares
   */
  readonly tiers?: SloTiers;
  /**
   * The least number of events in a tier's long window for the tier to alert: a low-traffic guard.
   * @default 0 (no guard; an idle service still never alerts)
   */
  readonly minEvents?: number;
  /**
   * The alerts on the SLI's blind spots (label `ml_signal="monitoring"`, routed to the platform). They
   * belong to the SLI and are written once with its recording rules: the first SLO on an SLI sets them.
   * @default - both enabled
   */
  readonly monitoringAlerts?: SloMonitoringAlerts;
  /**
   * How often the SLI and alert rules are evaluated.
   * @default Duration.seconds(30)
   */
  readonly evaluationInterval?: Duration;
}

interface TierSpec {
  readonly key: keyof SloTiers;
  readonly tier: string;
  readonly budgetShare: number;
  readonly long: Duration;
  readonly short: Duration;
  readonly page: boolean;
}

/** The workbook's tiers: budget share consumed within the long window; short window = long / 12. */
const TIERS: TierSpec[] = [
  { key: 'pageFast', tier: 'page-fast', budgetShare: 0.02, long: Duration.hours(1), short: Duration.minutes(5), page: true },
  { key: 'pageSlow', tier: 'page-slow', budgetShare: 0.05, long: Duration.hours(6), short: Duration.minutes(30), page: true },
  { key: 'ticketFast', tier: 'ticket-fast', budgetShare: 0.10, long: Duration.days(1), short: Duration.hours(2), page: false },
  { key: 'ticketSlow', tier: 'ticket-slow', budgetShare: 0.10, long: Duration.days(3), short: Duration.hours(6), page: false },
];

const DAY_MS = 86_400_000;

/**
 * Multi-window, multi-burn-rate SLO alerts (SRE workbook), with the fewest rules that keep every window
 * traffic-weighted and exact at its recent edge: the SLI's bad and total 5m event rates, the same rates once
 * per 5 minutes ("tiles") and every window's newest part are recorded once, shared by every SLO on the SLI;
 * every window is its newest part plus the tiles before it, never a rate over raw series. 10 rules per SLO on
 * an availability SLI, 11 on a latency SLI: four tiers, the error budget remaining and an info series, and
 * the SLI's three recordings and blind-spot alerts. Adds an error-budget dashboard.
 */
export class SloAlert extends Construct {
  /** The SLO name (`slo` label). */
  public readonly sloName: string;
  /** The PrometheusRule with the SLO's alerts and budget series. */
  public readonly rules: PrometheusRules;
  /** The PrometheusRule with the SLI's recording rules (shared by every SLO on the same SLI). */
  public readonly sliRules: PrometheusRules;
  /** The burn-rate factor of each enabled tier, by tier name (`page-fast`, ...). */
  public readonly burnRateFactors: { [tier: string]: number };
  /** The names of the alerts, one per enabled tier. */
  public readonly alertNames: string[];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: GrafanaDashboard;
  /** What the generated tests need: the resolved tiers and the SLI. */
  private readonly testSource: Omit<SloSource, 'ruleLabels' | 'sliRuleLabels'>;

  constructor(scope: Construct, id: string, props: SloAlertProps) {
    super(scope, id);
    const where = this.node.path;
    refuseUnencodableText(where, props);
    if (!(props.sli instanceof Sli)) throw invalidProp(where, 'sli', props.sli, 'an Sli, e.g. inference.availability() or Sli.errorRatio({...})');
    if (!(props.objective instanceof Objective)) throw invalidProp(where, 'objective', props.objective, 'an Objective, e.g. Objective.percent(99.9)');
    const sli = props.sli;
    const budget = props.objective.errorBudget;
    this.sloName = props.sloName ?? id;
    if (!/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(this.sloName) || this.sloName.length > 63) {
      throw invalidProp(where, props.sloName !== undefined ? 'sloName' : 'id (the default sloName)', this.sloName,
        'lower-case letters, digits, "-", "_" and ".", at most 63 (give sloName when the construct id is not one)');
    }
    const window = props.window ?? Duration.days(30);
    const windowMs = toMillis(window, where, 'window');
    if (windowMs === 0 || windowMs % DAY_MS !== 0) {
      throw invalidProp(where, 'window', promDuration(window, where, 'window', { allowZero: true }), 'a whole number of days, e.g. Duration.days(30) or Duration.days(28)');
    }
    const windowText = promDuration(window, where, 'window');
    const tiers = TIERS.filter(t => props.tiers?.[t.key]?.enabled !== false);
    for (const t of tiers) {
      if (toMillis(t.long, where, 'tier') > windowMs) {
        throw invalidProp(where, 'window', windowText,
          `a window at least as long as the longest enabled alert window (${promDuration(t.long, where, 'tier')} of the ${t.tier} tier), or disable that tier`);
      }
    }
    const minEvents = props.minEvents ?? 0;
    if (typeof minEvents !== 'number' || !Number.isFinite(minEvents) || minEvents < 0) {
      throw invalidProp(where, 'minEvents', minEvents, 'a number of events, 0 or more');
    }
    const interval = props.evaluationInterval ?? Duration.seconds(30);
    promInterval(interval, where, 'evaluationInterval');
    const place = resolvePlacement(this, props, ['slo', 'sli', 'slo_tier', 'severity', 'namespace']);
    // The tenant (the rules' namespace) is part of the dashboard's identity, as the SLI is of the series'.
    const rulesNamespace = place.rulesNamespace ?? Chart.of(this).namespace;
    const tenant = rulesNamespace !== undefined ? `${rulesNamespace}-` : '';
    const uid = shortUid(`slo-${tenant}${this.sloName}`);

    // Every alert carries the tenant it belongs to: an SLI aggregated by namespace gives its series' own;
    // one that is not gives none, so its alerts carry the SLO's namespace (routes by namespace, and an
    // adopted stack's per-namespace AlertmanagerConfigs, then see them).
    const tenantLabel: { [k: string]: string } = !sli.aggregateBy.includes('namespace') && rulesNamespace !== undefined
      ? { namespace: rulesNamespace } : {};
    const recording = SliRecording.of(this, sli, place.rulesNamespace, place.selectorLabels, interval, where, {
      alerts: props.monitoringAlerts ?? {},
      common: { alertLabels: place.alertLabels, identityLabels: { sli: sli.name, ...tenantLabel }, runbookBaseUrl: place.runbookBaseUrl },
    }, place.rulePlacement);
    placeRules(place, recording.rules);
    this.sliRules = recording.rules;
    this.rules = new PrometheusRules(this, 'Rules', {
      name: `slo-${this.sloName}`, namespace: place.rulesNamespace, labels: place.selectorLabels, placement: place.rulePlacement,
    });
    placeRules(place, this.rules);
    routeTenants(place, [rulesNamespace]);
    // Every tier runs at the evaluation interval: its windows are exact at their recent edge and read the
    // SLI's 5m tiles for the rest, so a ticket is raised as soon as a page would be. The budget series
    // (the whole SLO window, for dashboards) run every 5m.
    const group = this.rules.addGroup(`slo.${this.sloName}`, { interval });
    const slowGroup = this.rules.addGroup(`slo.${this.sloName}.slow`, { interval: Duration.minutes(5) });
    group._keepRecordingRulesFirst();
    slowGroup._keepRecordingRulesFirst();
    const s = recording.signals;
    const budgetText = formatNumber(budget);
    const slo = new SloSignals(this.sloName, s, group, slowGroup, budgetText, windowText,
      { sli: sli.name, objective: props.objective.toString(), window: windowText, error_budget: budgetText }, sli.aggregateBy);

    this.burnRateFactors = {};
    this.alertNames = [];
    const testTiers: SloTierSource[] = [];
    const annotations = dashboardAnnotations(place, uid);
    for (const t of tiers) {
      const a = resolveAlert(where, `tiers.${t.key}`, props.tiers?.[t.key], {
        name: 'SloErrorBudgetBurn', severity: t.page ? Severity.CRITICAL : Severity.WARNING,
      });
      const factor = Number(formatNumber(t.budgetShare * windowMs / toMillis(t.long, where, 'tier')));
      if (factor * budget >= 1) {
        // The tier fires above an error ratio of factor × budget: at 100 % or more, never.
        throw invalidProp(where, 'objective', props.objective.toString(),
          `an objective of more than ${formatNumber(Math.ceil((1 - 1 / factor) * 1e6) / 1e4)}%: the ${t.tier} tier fires when the error ratio exceeds ` +
          `${formatNumber(factor)}× the error budget, ${formatNumber(factor * budget * 100)}% of all events, which can never happen; ` +
          `raise the objective or disable tiers.${t.key}`);
      }
      this.burnRateFactors[t.tier] = factor;
      const threshold = formatNumber(factor * budget);
      const long = promDuration(t.long, where, 'tier');
      const short = promDuration(t.short, where, 'tier');
      let expr = `(${s.ratio(long)}) > ${threshold}\nand\n(${s.ratio(short)}) > ${threshold}`;
      if (minEvents > 0) expr += `\nand\n${s.events(long)} >= ${formatNumber(minEvents)}`;
      const exhaustion = humanDays(windowMs / factor / DAY_MS);
      const name = emitAlert(where, `tiers.${t.key}`, group, a, {
        expr,
        summary: `SLO ${this.sloName} burns its error budget ${formatNumber(factor)}× too fast (${t.tier})`,
        description: `{{ $value | humanizePercentage }} of events were bad over the last ${long} (and still over ${short})${heldFor(a)}, against an error budget of ` +
          `${formatNumber(budget * 100)}% (objective ${props.objective}% over ${windowText}). At this rate the budget is gone in about ${exhaustion}.`,
      }, {
        alertLabels: place.alertLabels,
        identityLabels: { slo: this.sloName, slo_tier: t.tier, long_window: long, short_window: short, ...tenantLabel },
        runbookBaseUrl: place.runbookBaseUrl,
        annotations,
      });
      if (name && !this.alertNames.includes(name)) this.alertNames.push(name);
      if (name) {
        testTiers.push({
          tier: t.tier,
          alert: name,
          threshold: factor * budget,
          budgetShare: t.budgetShare,
          longMs: toMillis(t.long, where, 'tier'),
          shortMs: toMillis(t.short, where, 'tier'),
          forMs: a.pendingFor ? toMillis(a.pendingFor, where, `tiers.${t.key}.pendingFor`) : 0,
        });
      }
    }
    this.testSource = {
      tiers: testTiers,
      minEvents,
      sliName: sli.name,
      events: sli._events,
      families: sli._families,
      aggregateBy: sli.aggregateBy,
      namespace: rulesNamespace ?? 'default',
      bucketMissing: recording.bucketMissing && {
        alert: recording.bucketMissing.name,
        forMs: recording.bucketMissing.pendingFor ? toMillis(recording.bucketMissing.pendingFor, where, 'monitoringAlerts.sliBucketMissing.pendingFor') : 0,
        le: sli._bucket!.le,
      },
      eventsStopped: recording.eventsStopped && {
        alert: recording.eventsStopped.name,
        forMs: recording.eventsStopped.pendingFor ? toMillis(recording.eventsStopped.pendingFor, where, 'monitoringAlerts.eventsStopped.pendingFor') : 0,
      },
    };

    // An SLO's page tiers mute its ticket tiers: contributed by the construct that owns the tiers.
    if (tiers.some(t => t.page) && tiers.some(t => !t.page)) {
      place.stack?.alerting._contributeInhibition({
        sourceMatchers: [{ label: 'slo_tier', value: 'page-.*', operator: MatchOperator.REGEX }],
        targetMatchers: [{ label: 'slo_tier', value: 'ticket-.*', operator: MatchOperator.REGEX }],
        equal: ['slo'],
      });
    }

    // Budget series for dashboards.
    slo.budgetRemaining();
    slo.sloInfo();

    if (place.dashboard.enabled) {
      this.dashboard = this.addDashboard(s, slo, budget, props, place, uid);
    }
  }

  /**
   * What the generated promtool tests need: the resolved tiers and the SLI's events.
   * @internal
   */
  public _testSource(ruleLabels: SloSource['ruleLabels'], sliRuleLabels: SloSource['sliRuleLabels']): SloSource {
    return { ...this.testSource, ruleLabels, sliRuleLabels };
  }

  /** The number of rules this SLO costs: its own plus its SLI's (shared with other SLOs on the same SLI). */
  public get ruleCount(): number {
    return this.rules.ruleCount + this.sliRules.ruleCount;
  }

  private addDashboard(s: SliSignals, slo: SloSignals, budget: number, props: SloAlertProps, place: PlacementSettings,
    uid: string): GrafanaDashboard {
    const sli = props.sli;
    const d = placeDashboard(this, place, {
      title: `SLO: ${this.sloName}`,
      uid,
      description: `Error budget of ${this.sloName}: objective ${props.objective}% of ${sli.name}.`,
      tags: ['ml-monitoring', 'slo'],
      configMapName: `${uid}-dashboard`,
      timeRange: Duration.days(7),
    });
    const legend = sli.aggregateBy.map(l => `{{${l}}}`).join(' ');
    const remaining = slo.budgetRemaining().select();
    d.addRow('Error budget');
    d.addPanel(Panel.stat({
      title: 'Error budget remaining',
      unit: PanelUnit.PERCENT_UNIT,
      thresholds: [{ value: 0.25, color: 'yellow' }, { value: 0.5, color: 'green' }],
      queries: [{ expr: remaining, legend }],
    }));
    d.addPanel(Panel.timeseries({
      title: 'Error budget remaining over time',
      unit: PanelUnit.PERCENT_UNIT,
      width: 18,
      thresholds: [{ value: 0, color: 'red' }],
      queries: [{ expr: remaining, legend }],
    }));
    d.addPanel(Panel.timeseries({
      title: 'Burn rate per window',
      unit: PanelUnit.SHORT,
      thresholds: Object.values(this.burnRateFactors).map(f => ({ value: f, color: 'red' })),
      queries: ['5m', '1h', '6h', '1d', '3d'].map(w => ({ expr: `(${s.ratio(w)}) / ${formatNumber(budget)}`, legend: `${w} ${legend}`.trim() })),
    }));
    d.addPanel(Panel.timeseries({
      title: 'SLI: good events (1h)',
      unit: PanelUnit.PERCENT_UNIT,
      thresholds: [{ value: 1 - budget, color: 'green' }],
      queries: [{ expr: `1 - (${s.ratio('1h')})`, legend }],
    }));
    d.addPanel(Panel.timeseries({
      title: 'Alert tiers firing',
      unit: PanelUnit.SHORT,
      width: 24,
      queries: [{ expr: `sum by (slo_tier) (ALERTS{alertstate="firing",slo=${JSON.stringify(this.sloName)}})`, legend: '{{slo_tier}}' }],
    }));
    return d;
  }
}

function humanDays(days: number): string {
  if (days >= 1) return `${formatNumber(Math.round(days * 10) / 10)} days`;
  const hours = days * 24;
  if (hours >= 1) return `${formatNumber(Math.round(hours * 10) / 10)} hours`;
  return `${Math.max(1, Math.round(hours * 60))} minutes`;
}
