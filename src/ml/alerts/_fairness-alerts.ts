import { Duration } from 'cdk8s';
import { heldFor, pct, ratioBetween, resolveAlert } from './_alert-settings';
import { QualityContext, checkName, emit, scopedMatchers } from './_quality-alerts';
import { promDuration } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateLabelValue, validateMetricName, validatePromLabelName } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { LabelMatcher, validatedEqualityMatchers, withScope } from '../../common/_promql';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { FairnessOptions } from '../quality/fairness-options';
import { FairnessSignals, FairnessSource } from '../signals/_fairness-signals';

/** Labels a fairness check writes itself: the group label cannot be one of them. */
const TAKEN = ['model', 'namespace', 'fairness', 'group', 'ml_signal', 'severity', '__name__'];

/** One fairness check's resolved source and catalog, for the dashboard. @internal */
export interface FairnessSettings {
  readonly source: FairnessSource;
  readonly signals: FairnessSignals;
  /** The thresholds drawn on the panels, as the enabled alerts use them. */
  readonly minImpactRatio?: number;
  readonly maxParityDifference?: number;
}

/** Resolves a fairness check's props into what it reads, or an Error naming the prop. */
function fairnessSource(c: QualityContext, where: string, o: FairnessOptions): FairnessSource {
  const name = checkName(where, 'name', o.name);
  const groupLabel = validatePromLabelName(where, 'groupLabel', o.groupLabel);
  if (TAKEN.includes(groupLabel) && groupLabel !== 'group') {
    throw invalidProp(where, 'groupLabel', groupLabel, `a label of the counters other than ${TAKEN.filter(t => t !== 'group').join(', ')}, which the fairness series and alerts write themselves`);
  }
  const outcomeLabel = validatePromLabelName(where, 'outcomeLabel', o.outcomeLabel ?? 'outcome');
  if (outcomeLabel === groupLabel) throw invalidProp(where, 'outcomeLabel', outcomeLabel, 'a label other than groupLabel: the outcome and the group are two labels of the counter');
  validateMetricName(where, 'predictionsCounter', o.predictionsCounter);
  if (typeof o.favourableOutcome !== 'string' || o.favourableOutcome === '') {
    throw invalidProp(where, 'favourableOutcome', o.favourableOutcome, `the value of ${outcomeLabel} that is favourable to the person judged, e.g. "approved"`);
  }
  validateLabelValue(where, 'favourableOutcome', o.favourableOutcome);
  if (o.referenceGroup !== undefined && (typeof o.referenceGroup !== 'string' || o.referenceGroup === '')) {
    throw invalidProp(where, 'referenceGroup', o.referenceGroup, `a value of ${groupLabel}, e.g. "group-a", or no referenceGroup to compare with every prediction`);
  }
  if (o.referenceGroup !== undefined) validateLabelValue(where, 'referenceGroup', o.referenceGroup);
  const minEvents = o.minEventsPerGroup ?? 100;
  if (!Number.isSafeInteger(minEvents) || minEvents < 1) {
    throw invalidProp(where, 'minEventsPerGroup', minEvents, 'a whole number of 1 or more: the fewest predictions a group needs in the window to be judged, e.g. 100');
  }
  const fixes = (m: ReadonlyArray<LabelMatcher>, prop: string) => {
    const fixed = m.find(x => x.name === groupLabel || x.name === outcomeLabel);
    if (fixed) throw invalidProp(where, prop, fixed.name, `matchers that leave ${groupLabel} and ${outcomeLabel} free: the check compares groups and outcomes`);
  };
  const matchers = scopedMatchers(where, o.matchers, c.scope);
  fixes(matchers, 'matchers');
  let outcomes: FairnessSource['outcomes'];
  if (o.outcomes !== undefined) {
    const x = o.outcomes;
    const names = [x.truePositives, x.falsePositives, x.trueNegatives, x.falseNegatives];
    ['truePositives', 'falsePositives', 'trueNegatives', 'falseNegatives'].forEach((p, i) => validateMetricName(where, `outcomes.${p}`, names[i]));
    if (new Set(names).size !== 4) throw invalidProp(where, 'outcomes.truePositives', names, 'four different counters');
    const own = validatedEqualityMatchers(where, 'outcomes.matchers', x.matchers);
    outcomes = { names, matchers: withScope(own, matchers) };
    fixes(outcomes.matchers, 'outcomes.matchers');
  }
  return {
    name,
    counter: o.predictionsCounter,
    groupLabel,
    outcomeLabel,
    favourable: o.favourableOutcome,
    matchers,
    outcomes,
    reference: o.referenceGroup,
    window: promDuration(o.window ?? Duration.days(1), where, 'window'),
    minEvents,
  };
}

/**
 * One fairness check: the per-group rates recorded, and the disparate-impact, demographic-parity and
 * equal-opportunity alerts, each labelled `ml_signal="fairness"` with the check's name. @internal
 */
export function addFairness(c: QualityContext, o: FairnessOptions, index: number): FairnessSettings {
  const where = `${c.where} fairness[${index}]`;
  if (o === null || typeof o !== 'object') throw invalidProp(c.where, `fairness[${index}]`, o, 'a fairness check, e.g. { name, groupLabel, predictionsCounter, favourableOutcome }');
  const f = fairnessSource(c, where, o);
  const signals = new FairnessSignals(f, c.signals.modelName, c.common.identityLabels.namespace, c.group);
  signals.predictions();
  const against = f.reference !== undefined ? `group ${f.reference}` : 'all predictions';
  const judged = `judged with at least ${f.minEvents} predictions per group over ${f.window}`;
  const alerts = o.alerts ?? {};
  const defaults = (name: string) => ({ name, pendingFor: Duration.minutes(30), severity: Severity.WARNING });
  const extra = { fairness: f.name };
  // Read the same way as the other checks' props: needs() notes what the missing-series alert watches.
  c.signals.needs([f.counter], f.matchers);

  const minImpact = ratioBetween(where, 'minImpactRatio', o.minImpactRatio ?? Ratio.percent(80),
    'a group\'s rate is never below 0 % of the reference\'s, and the reference group itself is at 100 %');
  const impact = resolveAlert(where, 'alerts.disparateImpact', alerts.disparateImpact, defaults('ModelDisparateImpact'));
  c.specs.push({ kind: 'fairness', alert: impact, metric: 'impact', source: f, threshold: minImpact });
  emit(c, `fairness[${index}].alerts.disparateImpact`, impact, 'fairness', `${signals.impactRatio().select()} < ${formatNumber(minImpact)}`,
    `${f.name}: group {{ $labels.group }} gets ${f.favourable} at {{ $value | humanizePercentage }} of the rate of ${against}`,
    `The rate of ${f.outcomeLabel}="${f.favourable}" predictions for ${f.groupLabel}="{{ $labels.group }}" is {{ $value | humanizePercentage }} of the rate of ${against} `
    + `(threshold ${pct(minImpact)}, the four-fifths rule; ${judged})${heldFor(impact)}.`, extra);

  const maxParity = ratioBetween(where, 'maxParityDifference', o.maxParityDifference ?? Ratio.percent(10),
    'two rates differ by 0 % or more and by less than 100 %, so the alert would fire always or never');
  const parity = resolveAlert(where, 'alerts.parityGap', alerts.parityGap, defaults('ModelDemographicParityGap'));
  c.specs.push({ kind: 'fairness', alert: parity, metric: 'parity', source: f, threshold: maxParity });
  emit(c, `fairness[${index}].alerts.parityGap`, parity, 'fairness', `abs(${signals.parityDifference().select()}) > ${formatNumber(maxParity)}`,
    `${f.name}: the rate of ${f.favourable} for group {{ $labels.group }} differs from that of ${against} by more than ${pct(maxParity)}`,
    `The rate of ${f.outcomeLabel}="${f.favourable}" predictions for ${f.groupLabel}="{{ $labels.group }}" differs from the rate of ${against} by {{ $value | humanizePercentage }} `
    + `(threshold ${pct(maxParity)}; ${judged})${heldFor(parity)}.`, extra);

  if (f.outcomes !== undefined) {
    c.signals.needs(f.outcomes.names, f.outcomes.matchers);
    signals.accuracy();
    signals.falsePositiveRate();
    const maxOpportunity = ratioBetween(where, 'maxOpportunityDifference', o.maxOpportunityDifference ?? Ratio.percent(10),
      'two rates differ by 0 % or more and by less than 100 %, so the alert would fire always or never');
    const opportunity = resolveAlert(where, 'alerts.opportunityGap', alerts.opportunityGap, defaults('ModelEqualOpportunityGap'));
    c.specs.push({ kind: 'fairness', alert: opportunity, metric: 'opportunity', source: f, threshold: maxOpportunity });
    emit(c, `fairness[${index}].alerts.opportunityGap`, opportunity, 'fairness', `abs(${signals.opportunityDifference().select()}) > ${formatNumber(maxOpportunity)}`,
      `${f.name}: the true-positive rate of group {{ $labels.group }} differs from that of ${against} by more than ${pct(maxOpportunity)}`,
      `The share of actual positives that the model finds (true-positive rate) for ${f.groupLabel}="{{ $labels.group }}" differs from the share for ${against} `
      + `by {{ $value | humanizePercentage }} (threshold ${pct(maxOpportunity)}; judged with at least ${f.minEvents} actual positives per group over ${f.window})${heldFor(opportunity)}.`, extra);
  } else if (alerts.opportunityGap !== undefined) {
    throw invalidProp(where, 'alerts.opportunityGap', '(given)', 'outcomes (confusion counters labelled by the group) for the equal opportunity alert, or no alerts.opportunityGap');
  }
  return {
    source: f,
    signals,
    minImpactRatio: impact.enabled ? minImpact : undefined,
    maxParityDifference: parity.enabled ? maxParity : undefined,
  };
}
