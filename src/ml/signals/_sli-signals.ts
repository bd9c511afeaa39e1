import { Duration } from 'cdk8s';
import { SignalCatalog } from './_catalog';
import { Series } from './_series';
import { promDuration, promMillis } from '../../common/_duration';
import { formatNumber } from '../../common/_number';
import { LabelMatcher } from '../../common/_promql';
import { RuleGroup } from '../../rules/rule-group';
import { Sli } from '../sli';

/** The length of a tile: the SLI's 5m rates, one sample per 5 minutes of wall-clock time. @internal */
export const TILE_SECONDS = 300;

/** Which events of an SLI a series counts. @internal */
export type SliEvent = 'bad' | 'total';

/** The matcher that picks one kind of event from the SLI's series. @internal */
export function eventIs(event: SliEvent): LabelMatcher[] {
  return [{ name: 'event', op: '=', value: event }];
}

/**
 * The signal catalog of one SLI, shared by every SLO on it: its identity is the `sli` label. One group, at
 * the evaluation interval, three recordings, each with an `event` label ("bad", "total"):
 * - `slo:sli_events:rate5m`: bad and all events per second over 5m;
 * - `slo:sli_events:rate5m_every5m`: the same, once per 5 minutes of wall-clock time (at the first
 *   evaluation after each multiple of 5 minutes since the epoch): "tiles" that cover time without overlap,
 *   so a sum of them counts every event once, and a 3-day window reads 864 points per series instead of the
 *   8,640 of a 30 s series (or the raw series' samples times their number);
 * - `slo:sli_events:window_head`: the newest part of every window, in 5m-rate units: the current 5m rate
 *   plus the part of the newest tile older than those 5 minutes (the fraction of a tile that has passed
 *   since the tile was taken, from the group's own clock).
 *
 * A window is then its head plus the whole tiles before it that lie inside the window: exact at its recent
 * edge, and the tile that straddles the window's start is left out (up to 5 minutes shorter at its far end).
 * So an event enters a window at the evaluation that first sees it, and leaves it no later than a rate over
 * the raw series would let it go (the newest tile's part errs the same way: up at a burn's start, down at
 * its end): a tier fires and clears no later than over raw rates, at a tenth of the cost. Because tiles are
 * picked by the wall clock, not by a group's interval, promtool (which evaluates every group at the test's
 * interval) writes them as a server does.
 * @internal
 */
export class SliSignals extends SignalCatalog {
  /** The evaluation interval, at most a tile: one evaluation in each 5 minutes keeps the tile. */
  private readonly intervalMs: number;

  constructor(public readonly sli: Sli, fast: RuleGroup, intervalMs: number) {
    super({ group: fast, identity: [{ name: 'sli', op: '=', value: sli.name }], staticLabels: { sli: sli.name } });
    this.intervalMs = Math.min(intervalMs, TILE_SECONDS * 1000);
  }

  private get labels(): string[] {
    return ['sli', ...this.sli.aggregateBy, 'event'];
  }

  /** Bad and all events per second over 5m, at the evaluation interval. */
  public rates(): Series {
    return this.signal('rates', 'slo:sli_events:rate5m', this.labels, this.sli._families, () => this.rawRates());
  }

  /** The 5m rates of both kinds of events, from the raw series, each labelled with its `event`. */
  private rawRates(): string {
    return `${labelled(this.sli._badRate('5m'), 'bad')}\nor\n${labelled(this.sli._totalRate('5m'), 'total')}`;
  }

  /** The 5m rates, once per 5 minutes: tiles of time. */
  public tiles(): Series {
    return this.signal('tiles', 'slo:sli_events:rate5m_every5m', this.labels, this.sli._families,
      () => `${this.rates().select()}\nand on ()\n${this.atTileTime()}`);
  }

  /** The newest part of every window (see the class), in 5m-rate units. */
  public head(): Series {
    return this.signal('head', 'slo:sli_events:window_head', this.labels, this.sli._families, () => {
      const r = this.rates().select();
      // This group took the newest tile at the first evaluation after the last multiple of 5 minutes.
      const sinceTile = `(time() % ${TILE_SECONDS} - time() % ${this.interval()}) / ${TILE_SECONDS}`;
      return `${r}\n+ (${sinceTile} * last_over_time(${this.tiles().range('5m')}) or 0 * ${r})`;
    });
  }

  /** A selector of `series` for one kind of event. */
  public select(series: Series, event: SliEvent): string {
    return series.select(eventIs(event));
  }

  /** True (an empty-labelled 1) at the first evaluation after each multiple of 5 minutes since the epoch. */
  private atTileTime(): string {
    return `(vector(time()) % ${TILE_SECONDS} < ${this.interval()})`;
  }

  /** The evaluation interval in seconds, at most a tile. */
  private interval(): string {
    return formatNumber(this.intervalMs / 1000);
  }

  /**
   * The tiles' recording rule as a backfill evaluates it over past history (promtool tsdb
   * create-blocks-from rules, which cannot read a recorded series it backfills in the same run): the 5m
   * rates from the raw series, kept once per 5 minutes as the live rules keep them, and none where a tile
   * was written (by the live rules or an earlier backfill) in the 5 minutes before or the evaluation
   * interval after (a negative offset: the live tile of the same 5 minutes may be taken a few seconds
   * later), so a backfill that overlaps the live rules, or runs twice, counts no event twice.
   */
  public backfillRules(): Array<{ record: string; expr: string; labels: { [k: string]: string } }> {
    // The raw rates carry the SLI's aggregation labels and the event, but not yet its `sli` label (the rule adds it).
    const on = `on (${[...this.sli.aggregateBy, 'event'].join(', ')})`;
    const i = promDuration(Duration.millis(this.intervalMs), 'SliSignals', 'interval');
    const tiles = this.tiles();
    return [{
      record: tiles.record,
      expr: `(\n${this.rawRates()}\n)\nand on ()\n${this.atTileTime()}\nunless ${on}\n(last_over_time(${tiles.range('5m')}) or last_over_time(${tiles.range(i)} offset -${i}))`,
      labels: { sli: this.sli.name },
    }];
  }

  /**
   * The bad-event ratio over `window` (5m, or a multiple of 5m of at least 15m): traffic-weighted (bad
   * events over all events, never an average of ratios), absent while there is no traffic.
   */
  public ratio(window: string): string {
    if (window === '5m') return `${this.select(this.rates(), 'bad')}\n/ ignoring (event)\n(${this.select(this.rates(), 'total')} > 0)`;
    return `(${this.windowSum('bad', window)})\n/ ignoring (event)\n((${this.windowSum('total', window)}) > 0)`;
  }

  /** Events in `window` (a multiple of 5m of at least 15m), without the `event` label. */
  public events(window: string): string {
    return `sum without (event) (${this.windowSum('total', window)}) * ${TILE_SECONDS}`;
  }

  /** The tiles' sum of all events over `window`, without the `event` label: zero while there is no traffic. */
  public totalTilesSum(window: string): string {
    return `sum without (event) (sum_over_time(${this.tiles().range(window, eventIs('total'))}))`;
  }

  /** Events of `event` in `window`, divided by 300: the window's head plus the whole tiles before it inside the window. */
  private windowSum(event: SliEvent, window: string): string {
    const wholeTiles = promMillis(window) - 2 * TILE_SECONDS * 1000;
    if (wholeTiles < TILE_SECONDS * 1000) throw new Error(`internal: an SLI window of 5m or at least 15m, not ${window}`);
    const range = promDuration(Duration.millis(wholeTiles), 'SliSignals', 'window');
    return `${this.select(this.head(), event)} + sum_over_time(${this.tiles().range(range, eventIs(event))} offset 5m)`;
  }
}

/** `expr` with the label `event` set to `event`. */
function labelled(expr: string, event: SliEvent): string {
  return `label_replace(${expr}, "event", "${event}", "", "")`;
}

/**
 * The signal catalog of one SLO: its budget and burn series, identified by the `slo` label.
 * @internal
 */
export class SloSignals extends SignalCatalog {
  constructor(sloName: string, private readonly sli: SliSignals, fast: RuleGroup,
    private readonly slow: RuleGroup, private readonly budget: string, private readonly window: string,
    private readonly info: { [k: string]: string },
    private readonly aggregateBy: ReadonlyArray<string>) {
    // The SLI is part of the identity: two SLOs of one name on two SLIs (two tenants) never read each other's series.
    super({ group: fast, identity: [{ name: 'slo', op: '=', value: sloName }, { name: 'sli', op: '=', value: sli.sli.name }], staticLabels: { slo: sloName } });
  }

  private get labels(): string[] {
    return ['slo', 'sli', ...this.aggregateBy];
  }

  /**
   * The share of the error budget left over the SLO window; an SLI with no traffic in the window keeps its
   * whole budget (1), never NaN. Every 5m.
   */
  public budgetRemaining(): Series {
    return this.signal('budgetRemaining', 'slo:error_budget_remaining:ratio', this.labels, this.sli.families,
      () => `1 - (${this.sli.ratio(this.window)}) / ${this.budget}\nor\n0 * ${this.sli.totalTilesSum(this.window)} + 1`, {}, this.slow);
  }

  /** A constant series whose labels describe the SLO (objective, window, budget), every 5m. */
  public sloInfo(): Series {
    return this.signal('info', 'slo:info', ['slo', 'sli'], [], () => 'vector(1)', this.info, this.slow);
  }
}
