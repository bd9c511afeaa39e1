import { SignalCatalog } from './_catalog';
import { Series } from './_series';
import { LabelMatcher, selector } from '../../common/_promql';
import { RuleGroup } from '../../rules/rule-group';

/** One fairness check as resolved: what it reads and how groups are judged. @internal */
export interface FairnessSource {
  readonly name: string;
  readonly counter: string;
  readonly groupLabel: string;
  readonly outcomeLabel: string;
  readonly favourable: string;
  /** The predictions counter's matchers (the model's scope included). */
  readonly matchers: ReadonlyArray<LabelMatcher>;
  /** Confusion counters labelled by the group: true positives, false positives, true negatives, false negatives. */
  readonly outcomes?: { readonly names: ReadonlyArray<string>; readonly matchers: ReadonlyArray<LabelMatcher> };
  /** The reference group; undefined: every prediction. */
  readonly reference?: string;
  readonly window: string;
  readonly minEvents: number;
}

/**
 * The signal catalog of one fairness check of a model: its identity is the model's (`model`, `namespace`)
 * and the check's `fairness` label; every per-group series carries the group in `group`, whatever label the
 * user's counters hold it in. A group is in a rate only with at least `minEvents` events in the window, and
 * a group with events but none of the favourable outcome has a rate of 0 (its favourable series may not
 * exist: a labelled counter is written on first use). @internal
 */
export class FairnessSignals extends SignalCatalog {
  constructor(private readonly f: FairnessSource, model: string, namespace: string, group: RuleGroup) {
    super({
      group,
      identity: [
        { name: 'model', op: '=', value: model }, { name: 'namespace', op: '=', value: namespace }, { name: 'fairness', op: '=', value: f.name },
      ],
      staticLabels: { model, namespace, fairness: f.name },
    });
  }

  /** Predictions per group over the window. */
  public predictions(): Series {
    return this.signal('predictions', 'ml_fairness:predictions:increase', ['model', 'fairness', 'group'], [this.f.counter],
      () => this.asGroup(this.perGroup(this.f.counter, this.f.matchers)));
  }

  /** Each judged group's rate of the favourable outcome. */
  public favourableRate(): Series {
    const f = this.f;
    return this.signal('favourable', 'ml_fairness:favourable_rate:ratio', ['model', 'fairness', 'group'], [f.counter], () => {
      const all = this.perGroup(f.counter, f.matchers);
      const favourable = this.perGroup(f.counter, [...f.matchers, { name: f.outcomeLabel, op: '=', value: f.favourable }]);
      return this.asGroup(`(${favourable} or 0 * ${all})\n/ (${all} >= ${f.minEvents})`);
    });
  }

  /** The reference's rate of the favourable outcome: the reference group's, or every prediction's. */
  public referenceRate(): Series {
    const f = this.f;
    return this.signal('reference', 'ml_fairness:reference_favourable_rate:ratio', ['model', 'fairness'], [f.counter], () => {
      if (f.reference !== undefined) return `max without (group) (${this.favourableRate().select([{ name: 'group', op: '=', value: f.reference }])})`;
      const all = `sum(increase(${selector(f.counter, f.matchers)}[${f.window}]))`;
      const favourable = `sum(increase(${selector(f.counter, [...f.matchers, { name: f.outcomeLabel, op: '=', value: f.favourable }])}[${f.window}]))`;
      return `(${favourable} or vector(0))\n/ (${all} >= ${f.minEvents})`;
    });
  }

  /** Each group's favourable rate as a share of the reference's (the four-fifths rule compares it with 0.8). */
  public impactRatio(): Series {
    return this.signal('impact', 'ml_fairness:impact_ratio:ratio', ['model', 'fairness', 'group'], [this.f.counter],
      () => `${this.favourableRate().select()}\n/ ignoring (group) group_left ()\n(${this.referenceRate().select()} > 0)`);
  }

  /** Each group's favourable rate minus the reference's (the demographic parity difference). */
  public parityDifference(): Series {
    return this.signal('parity', 'ml_fairness:parity_difference:ratio', ['model', 'fairness', 'group'], [this.f.counter],
      () => `${this.favourableRate().select()}\n- ignoring (group) group_left ()\n${this.referenceRate().select()}`);
  }

  /** Each judged group's true-positive rate (recall): tp / (tp + fn), with at least `minEvents` actual positives. */
  public truePositiveRate(): Series {
    return this.outcomeRate('tpr', 'ml_fairness:true_positive_rate:ratio', 0, [0, 3]);
  }

  /** Each judged group's false-positive rate: fp / (fp + tn), with at least `minEvents` actual negatives. */
  public falsePositiveRate(): Series {
    return this.outcomeRate('fpr', 'ml_fairness:false_positive_rate:ratio', 1, [1, 2]);
  }

  /** Each judged group's accuracy: (tp + tn) / all labelled outcomes, with at least `minEvents` of them. */
  public accuracy(): Series {
    const o = this.outcomesOf();
    return this.signal('accuracy', 'ml_fairness:accuracy:ratio', ['model', 'fairness', 'group'], o.names, () => {
      const n = (i: number) => this.counted(o, i);
      return this.asGroup(`(${n(0)} + ${n(2)})\n/ (${this.allOutcomes(o)} >= ${this.f.minEvents})`);
    });
  }

  /** The reference's true-positive rate: the reference group's, or every labelled outcome's. */
  public referenceTruePositiveRate(): Series {
    const o = this.outcomesOf();
    return this.signal('reference-tpr', 'ml_fairness:reference_true_positive_rate:ratio', ['model', 'fairness'], o.names, () => {
      if (this.f.reference !== undefined) return `max without (group) (${this.truePositiveRate().select([{ name: 'group', op: '=', value: this.f.reference }])})`;
      const total = (i: number) => `(sum(increase(${selector(o.names[i], o.matchers)}[${this.f.window}])) or vector(0))`;
      return `${total(0)}\n/ ((${total(0)} + ${total(3)}) >= ${this.f.minEvents})`;
    });
  }

  /** Each group's true-positive rate minus the reference's (the equal opportunity difference). */
  public opportunityDifference(): Series {
    return this.signal('opportunity', 'ml_fairness:equal_opportunity_difference:ratio', ['model', 'fairness', 'group'], this.outcomesOf().names,
      () => `${this.truePositiveRate().select()}\n- ignoring (group) group_left ()\n${this.referenceTruePositiveRate().select()}`);
  }

  private outcomeRate(key: string, record: string, numerator: number, denominator: [number, number]): Series {
    const o = this.outcomesOf();
    return this.signal(key, record, ['model', 'fairness', 'group'], o.names, () => {
      const n = (i: number) => this.counted(o, i);
      return this.asGroup(`${n(numerator)}\n/ ((${n(denominator[0])} + ${n(denominator[1])}) >= ${this.f.minEvents})`);
    });
  }

  private outcomesOf(): NonNullable<FairnessSource['outcomes']> {
    if (!this.f.outcomes) throw new Error(`internal: fairness check ${this.f.name} has no outcome counters`);
    return this.f.outcomes;
  }

  /** Events per group of one outcome counter, 0 for a group whose counter of it was never written. */
  private counted(o: NonNullable<FairnessSource['outcomes']>, i: number): string {
    return `(${this.perGroup(o.names[i], o.matchers)} or 0 * ${this.allOutcomes(o)})`;
  }

  /**
   * Every labelled outcome per group: the four counters' increases told apart by a label of their own before
   * they are summed (increase() drops the name, and one function over the four would return a group's four
   * series under one label set).
   */
  private allOutcomes(o: NonNullable<FairnessSource['outcomes']>): string {
    const each = o.names.map((n, i) => `label_replace(${this.perGroup(n, o.matchers)}, "outcome_counter", "${i}", "", "")`);
    return `sum by (${this.f.groupLabel}) (${each.join(' or ')})`;
  }

  private perGroup(metric: string, matchers: ReadonlyArray<LabelMatcher>): string {
    return `sum by (${this.f.groupLabel}) (increase(${selector(metric, matchers)}[${this.f.window}]))`;
  }

  /** The group moved into the `group` label, whatever label the counters hold it in. */
  private asGroup(expr: string): string {
    const g = this.f.groupLabel;
    return g === 'group' ? expr : `sum without (${g}) (label_replace(\n${expr},\n"group", "$1", "${g}", "(.*)"))`;
  }
}
