import { Duration } from 'cdk8s';
import { AlertCommon, emitAlert, heldFor, resolveAlert, ResolvedAlert } from './_alert-settings';
import { InferenceSettings, quantileAlerts } from './_inference-alerts';
import { QualityContext } from './_quality-alerts';
import { promDuration } from '../../common/_duration';
import { MONITORING_LABELS } from '../../common/_monitoring';
import { formatNumber } from '../../common/_number';
import { LabelMatcher, selector } from '../../common/_promql';
import { Severity } from '../../common/severity';
import { RuleGroup } from '../../rules/rule-group';
import { quantileName } from '../_inference-queries';
import { HistogramSignal } from '../_runtime-spec';
import { FamilyRead, InferenceSignals } from '../signals/_inference-signals';
import { eventIs, SliSignals } from '../signals/_sli-signals';
import { SloMonitoringAlerts } from '../slo-alert';

/*
 * Alerts on the library's own blind spots for one monitored service: what its alerts and panels read does
 * not exist, or cannot show what the alerts look for. They carry `ml_signal="monitoring"`, which routes them
 * to the platform (the stack's monitoring receiver), not to the tenant whose service they describe.
 */

const ON_POD = 'on (namespace, pod)';

/** A selector of any of `names` (a family and its former names), with `matchers`. */
function anyOf(names: ReadonlyArray<string>, matchers: ReadonlyArray<LabelMatcher>): string {
  return names.length === 1 ? selector(names[0], matchers) : selector('', [{ name: '__name__', op: '=~', value: names.join('|') }, ...matchers]);
}

/**
 * One term of the missing-series alert: the service's scraped pods on which `read` is absent although it
 * should be there, labelled with the family and who writes it.
 */
function missingTerm(s: InferenceSignals, read: FamilyRead, idleAllowance: string): string | undefined {
  const up = `${s.q.sel('up')} == 1`;
  const onPods = (names: ReadonlyArray<string>, m: ReadonlyArray<LabelMatcher>) => `group by (namespace, pod) (${anyOf(names, m)})`;
  let expr: string;
  if (read.source !== 'runtime') {
    // Series of the pod written by another exporter: missing for this pod while the exporter writes them
    // for others (an exporter that is not there at all is the stack's scrape alert's to report).
    expr = `${up} unless ${ON_POD} ${onPods(read.names, [s.q.namespaceMatcher])} and on () group(${read.names[0]})`;
  } else if (read.atStart) {
    expr = `${up} unless ${ON_POD} ${onPods(read.names, s.q.identity)}`;
  } else {
    const requests = s.requestFamily;
    if (read.names[0] === requests.names[0]) {
      // Written on the first request. Where families written from start are read too, they tell a wrong preset
      // at once, and an idle pod without the counter is just idle; otherwise the counter is missing once the
      // pod has been scraped for the idle allowance without one.
      if (s.familiesRead.some(r => r.source === 'runtime' && r.atStart)) return undefined;
      expr = `${up} and ${ON_POD} (${s.q.sel('up')} offset ${idleAllowance}) unless ${ON_POD} ${onPods(read.names, s.q.identity)}`;
    } else {
      // Written on first use: missing once the pod has served requests.
      expr = `${up} and ${ON_POD} ${onPods(requests.names, s.q.identity)} unless ${ON_POD} ${onPods(read.names, s.q.identity)}`;
    }
  }
  return `label_replace(label_replace(${expr}, "metric_family", "${read.family}", "", ""), "metric_source", "${read.source}", "", "")`;
}

/**
 * The highest finite bucket bound of a histogram, in seconds, per its aggregation labels: the quantile of a
 * histogram whose only observation is in +Inf, which `histogram_quantile` reports as that bound.
 */
function highestFiniteBound(s: InferenceSignals, h: HistogramSignal): string {
  const names = [h.base, ...(h.formerBases ?? [])].map(b => `${b}_bucket`);
  const by = [...s.q.labels(h.byModel), 'le'].join(', ');
  const matchers = [...s.q.identity, ...(h.matchers ?? [])];
  const inf = anyOf(names, [...matchers, { name: 'le', op: '=', value: '+Inf' }]);
  const all = anyOf(names, matchers);
  const scaled = h.unitSeconds === 1 ? '' : ` * ${formatNumber(h.unitSeconds)}`;
  // Aggregated before the arithmetic: a runtime writing the old and the new name gives one series per bucket.
  return `histogram_quantile(0.5, max by (${by}) (${inf}) * 0 + 1 or max by (${by}) (${all}) * 0)${scaled}`;
}

/**
 * Over `window`, the share of observations at or below the highest finite bucket is below `quantile`:
 * the quantile sat in +Inf and `histogram_quantile` reported the bucket bound instead.
 */
function quantileInInf(s: InferenceSignals, h: HistogramSignal, quantile: number, window: string): string {
  const l = s.q.labels(h.byModel);
  const finite = `max by (${l.join(', ')}) (${s.q.histogramRate(h, '_bucket', [...l, 'le'], window, [{ name: 'le', op: '!=', value: '+Inf' }])})`;
  const all = `(${s.q.histogramRate(h, '_bucket', l, window, [{ name: 'le', op: '=', value: '+Inf' }])})`;
  return `${finite} / ${all} < ${formatNumber(quantile)}`;
}

/**
 * Writes the service's blind-spot alerts: missing series (from what its alerts and panels read, so call it
 * last) and histograms too coarse for a quantile alert. Returns the names emitted. @internal
 */
export function addInferenceBlindSpots(where: string, group: RuleGroup, s: InferenceSignals, st: InferenceSettings, common: AlertCommon,
  preset: string): string[] {
  const names: string[] = [];
  const mm = st.metricsMissing;
  const terms = s.familiesRead.map(r => missingTerm(s, r, mm.idleAllowance)).filter((t): t is string => t !== undefined);
  if (mm.enabled && terms.length > 0) {
    const name = emitAlert(where, 'alerts.metricsMissing', group, mm, {
      expr: `group by (namespace, ml_service, pod, metric_family, metric_source) (\n  ${terms.join('\n  or\n  ')}\n)`,
      summary: `${s.service} pod {{ $labels.namespace }}/{{ $labels.pod }} exports no {{ $labels.metric_family }}`,
      description: `The ${preset} preset of ${s.service} reads {{ $labels.metric_family }} (written by {{ $labels.metric_source }}), which this scraped pod ` +
        `has not had${heldFor(mm)}: the alerts and panels that read it are blind. Check that the runtime preset matches the server and its version ` +
        '(a renamed metric), and that the exporter is switched on (Knative 1.19 and later serve no request metrics unless request-metrics-protocol is prometheus).',
    }, common, MONITORING_LABELS);
    if (name) names.push(name);
  }
  const tc = st.histogramTooCoarse;
  for (const { histogram: h, alert, what } of tc.enabled ? quantileAlerts(s.q.spec, st) : []) {
    const top = highestFiniteBound(s, h);
    const l = s.q.labels(h.byModel).join(', ');
    const p = quantileName(alert.quantile);
    const threshold = formatNumber(alert.maxSeconds);
    const name = emitAlert(where, 'alerts.histogramTooCoarse', group, tc, {
      // The histogram is a static label, so the alerts of one service's histograms differ in their labels
      // (promtool's duplicate-rules lint compares static labels only).
      expr: `${top} < ${threshold}\n  or\n  ${top} and on (${l}) ${quantileInInf(s, h, alert.quantile, '1h')}`,
      summary: `${s.service} ${what} histogram in {{ $labels.namespace }} cannot measure its ${p}`,
      description: `The highest finite bucket of ${h.base} is {{ $value }}s: ${alert.name} reads the ${p} ${what}, which histogram_quantile never reports above ` +
        `that bound. Either the alert's threshold (${threshold}s) is above it, so the alert can never fire, or over the last hour more than ` +
        `${formatNumber((1 - alert.quantile) * 100)}% of the requests were slower than it, so the ${p} shown is a floor${heldFor(tc)}. ` +
        `Configure buckets up to at least ${threshold}s in the server (and give them to the preset as latencyBuckets).`,
    }, common, { ...MONITORING_LABELS, histogram: h.base });
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Writes an SLO's blind-spot alerts into its evaluation-interval group: its SLI's events stopped where
 * they were flowing, and (latency SLIs) the threshold's bucket missing. Returns the names emitted. @internal
 */
export function addSloBlindSpots(where: string, group: RuleGroup, s: SliSignals, alerts: SloMonitoringAlerts, common: AlertCommon): SloBlindSpots {
  const names: string[] = [];
  let bucketMissing: ResolvedAlert | undefined;
  const sli = s.sli;
  const stopped = resolveAlert(where, 'monitoringAlerts.eventsStopped', alerts.eventsStopped,
    { name: 'SloEventsStopped', pendingFor: Duration.minutes(5), severity: Severity.WARNING });
  // Flowing within the last day (read from the 5m tiles: 288 points), gone now; per series of the SLI, so a
  // tenant's stopped events carry its namespace.
  const by = ['sli', ...sli.aggregateBy].join(', ');
  let expr = `group by (${by}) (max_over_time(${s.tiles().range('1d', eventIs('total'))}) > 0)\nunless on (${by})\ngroup by (${by}) (${s.select(s.rates(), 'total')})`;
  if (sli._targets !== undefined) {
    const scope = sli.aggregateBy.includes('namespace') ? 'namespace' : '';
    expr += `\nunless on (${scope})\ngroup by (${scope}) (${sli._targets} == 1)`;
  }
  const a = emitAlert(where, 'monitoringAlerts.eventsStopped', group, stopped, {
    expr,
    summary: `The events of SLI ${sli.name} stopped`,
    description: `The SLI ${sli.name} had events within the last day, and has had none${heldFor(stopped) || ' now'}: its series are gone` +
      (sli._targets !== undefined ? ' and none of the service\'s scrape targets is up' : '') +
      '. No burn-rate tier can fire and the error budget stays frozen at its last value until the events return.',
  }, common, MONITORING_LABELS);
  if (a) names.push(a);

  const b = sli._bucket;
  if (b !== undefined) {
    const missing = resolveAlert(where, 'monitoringAlerts.sliBucketMissing', alerts.sliBucketMissing,
      { name: 'SloSliBucketMissing', pendingFor: Duration.minutes(10), severity: Severity.WARNING });
    const agg = sli.aggregateBy.join(', ');
    const name = emitAlert(where, 'monitoringAlerts.sliBucketMissing', group, missing, {
      expr: `group by (${agg}) (${b.count})\nunless on (${agg})\ngroup by (${agg}) (${b.bucket})`,
      summary: `SLI ${sli.name}: ${b.histogram} has no bucket le="${b.le}"`,
      description: `${b.histogram} is exported, but not its bucket at the SLI's threshold (le="${b.le}")${heldFor(missing)}: every request counts as slow ` +
        'and the SLO burns its whole budget. Configure that bucket bound in the server, or choose a threshold among the buckets it has.',
    }, common, MONITORING_LABELS);
    if (name) {
      names.push(name);
      bucketMissing = missing;
    }
  }
  return { names, bucketMissing, eventsStopped: a ? stopped : undefined };
}

/** The SLI's blind-spot alerts written. @internal */
export interface SloBlindSpots {
  readonly names: string[];
  /** `SloSliBucketMissing` as resolved, when written. */
  readonly bucketMissing?: ResolvedAlert;
  /** `SloEventsStopped` as resolved, when written. */
  readonly eventsStopped?: ResolvedAlert;
}

/**
 * Writes a model's missing-series alert: each series its enabled quality alerts and panels need (from the
 * quality catalog, so call it last) absent for `absentFor`, once Prometheus has collected for that long (so it
 * is silent when the stack starts). Returns the name emitted. @internal
 */
export function addQualityBlindSpots(c: QualityContext): string | undefined {
  const o = c.alerts.metricsMissing ?? {};
  const a = resolveAlert(c.where, 'alerts.metricsMissing', o, { name: 'ModelQualityMetricsMissing', pendingFor: Duration.minutes(10), severity: Severity.WARNING });
  const absentFor = promDuration(o.absentFor ?? Duration.days(1), c.where, 'alerts.metricsMissing.absentFor');
  const needs = c.signals.requiredSeries;
  if (!a.enabled || needs.length === 0) return undefined;
  c.specs.push({ kind: 'metricsMissing', alert: a, needs, absentFor });
  // absent_over_time keeps the equality matchers' labels (namespace, a detector's deployment): the alert says where.
  const terms = needs.map(n => `label_replace(absent_over_time(${anyOf(n.names, n.matchers)}[${absentFor}]), "metric_family", "${n.names.join(' or ')}", "", "")`);
  return emitAlert(c.where, 'alerts.metricsMissing', c.group, a, {
    expr: `(\n  ${terms.join('\n  or\n  ')}\n)\nand on () group(up offset ${absentFor})`,
    summary: `${c.signals.modelName}: no {{ $labels.metric_family }} in {{ $labels.namespace }} for ${absentFor}`,
    description: `The quality monitoring of ${c.signals.modelName} reads {{ $labels.metric_family }}, which has not existed in {{ $labels.namespace }} ` +
      `for ${absentFor}${heldFor(a) ? ` (and ${heldFor(a).trim()} more)` : ''}: the alerts and panels that read it are blind. Check the metric's name ` +
      'and matchers against what the exporter writes (a detector or exporter upgrade renames metrics), that its target is scraped, and that the model ' +
      'received data in that time.',
  }, c.common, MONITORING_LABELS);
}
