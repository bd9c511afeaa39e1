import { SignalCatalog } from './_catalog';
import { Series } from './_series';
import { LabelMatcher, selector } from '../../common/_promql';
import { RuleGroup } from '../../rules/rule-group';

/** A model's user feedback as resolved. @internal */
export interface FeedbackSource {
  readonly counter: string;
  readonly ratingLabel: string;
  readonly satisfied: ReadonlyArray<string>;
  readonly versionLabel?: string;
  /** The counters' matchers (the model's scope included). */
  readonly matchers: ReadonlyArray<LabelMatcher>;
  readonly predictionsCounter?: string;
  readonly window: string;
  readonly minFeedback: number;
}

/**
 * The signal catalog of a model's user feedback: its identity is the model's (`model`, `namespace`); with a
 * version label, satisfaction is per version in `version`, whatever label the counter holds it in. @internal
 */
export class FeedbackSignals extends SignalCatalog {
  constructor(private readonly f: FeedbackSource, model: string, namespace: string, group: RuleGroup) {
    super({
      group,
      identity: [{ name: 'model', op: '=', value: model }, { name: 'namespace', op: '=', value: namespace }],
      staticLabels: { model, namespace },
    });
  }

  /**
   * The share of satisfied feedback over the window, per version when there is one; only with at least
   * `minFeedback` events, and 0 (not absent) when none of them is satisfied.
   */
  public satisfaction(): Series {
    const f = this.f;
    const labels = f.versionLabel ? ['model', 'version'] : ['model'];
    return this.signal('satisfaction', 'ml_feedback:satisfaction:ratio', labels, [f.counter], () => {
      const satisfied = { name: f.ratingLabel, op: '=~' as const, value: f.satisfied.map(escapeRegex).join('|') };
      const all = this.increase(f.counter, f.matchers);
      const ok = this.increase(f.counter, [...f.matchers, satisfied]);
      const ratio = `(${ok} or 0 * ${all})\n/ (${all} >= ${f.minFeedback})`;
      const v = f.versionLabel;
      if (!v || v === 'version') return ratio;
      return `sum without (${v}) (label_replace(\n${ratio},\n"version", "$1", "${v}", "(.*)"))`;
    });
  }

  /** Feedback events per prediction over the window (0 when no feedback arrived while predictions were served). */
  public perPrediction(): Series {
    const f = this.f;
    if (!f.predictionsCounter) throw new Error('internal: feedback without a predictions counter');
    return this.signal('per-prediction', 'ml_feedback:per_prediction:ratio', ['model'], [f.counter, f.predictionsCounter],
      () => `(sum(increase(${selector(f.counter, f.matchers)}[${f.window}])) or vector(0))\n`
        + `/ (sum(increase(${selector(f.predictionsCounter!, f.matchers)}[${f.window}])) > 0)`);
  }

  private increase(metric: string, matchers: ReadonlyArray<LabelMatcher>): string {
    const by = this.f.versionLabel ? ` by (${this.f.versionLabel})` : '';
    return `sum${by} (increase(${selector(metric, matchers)}[${this.f.window}]))`;
  }
}

/** A literal value inside a regex matcher (RE2): its metacharacters escaped. */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
