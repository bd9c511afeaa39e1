import { Series } from './_series';
import { LabelMatcher } from '../../common/_promql';
import { RuleGroup } from '../../rules/rule-group';

/** Where a catalog writes its recording rules. @internal */
export interface CatalogTarget {
  /** The group that receives the recording rules. */
  readonly group: RuleGroup;
  /** Matchers every series of this catalog is read with: its identity. */
  readonly identity: ReadonlyArray<LabelMatcher>;
  /** Static labels written on every recorded series (e.g. a model name). */
  readonly staticLabels?: { [key: string]: string };
}

/**
 * The one place a monitored thing's signals are defined. Asking for a signal returns its `Series`
 * handle and records it the first time anyone asks; a signal's dependencies are asked for (and so
 * recorded) before the signal itself, so the rules of a group always run in dependency order. Readers
 * (alerts, panels, SLOs, autoscalers) get series only from here: a series cannot be read unless it is
 * recorded, and every handle carries the identity it was recorded with.
 * @internal
 */
export class SignalCatalog {
  private readonly recorded = new Map<string, Series>();
  private readonly rawFamilies = new Set<string>();

  constructor(protected readonly target: CatalogTarget) {}

  /**
   * The series `key`, recorded on first use as `record` = `expr()`. `expr` runs before the rule is
   * added, so the signals it asks for are recorded first.
   */
  protected signal(key: string, record: string, labels: ReadonlyArray<string>, families: ReadonlyArray<string>,
    expr: () => string, extraLabels: { [k: string]: string } = {}, group: RuleGroup = this.target.group,
    extraIdentity: ReadonlyArray<LabelMatcher> = []): Series {
    const found = this.recorded.get(key);
    if (found) return found;
    const expression = expr();
    const staticLabels = { ...this.target.staticLabels, ...extraLabels };
    group.addRecordingRule({ record, expr: expression, labels: staticLabels });
    const series = new Series(record, [...this.target.identity, ...extraIdentity], labels, [...new Set(families)].sort());
    group._claimSeries(record, series.identity, staticLabels, expression);
    this.recorded.set(key, series);
    return series;
  }

  /** Notes raw metric families read directly (not through a recorded series) by an alert or panel. */
  protected readsRaw(...families: string[]): void {
    for (const f of families) this.rawFamilies.add(f);
  }

  /** Every raw metric family that the recorded series and the direct reads need, sorted. */
  public get families(): string[] {
    const all = new Set(this.rawFamilies);
    for (const s of this.recorded.values()) s.families.forEach(f => all.add(f));
    return [...all].sort();
  }
}
