import { SignalCatalog } from './_catalog';
import { Series } from './_series';
import { RuleGroup } from '../../rules/rule-group';
import { Sli } from '../sli';

/** The interval of the SLI's tiling group: its 5m rates recorded every 5m tile time without overlap. @internal */
export const TILE_SECONDS = 300;

/**
 * The signal catalog of one SLI, shared by every SLO on it: its identity is the `sli` label. Two groups:
 * - `fast` (the evaluation interval): bad and total events per second over 5m, and the exact 1h ratio
 *   the fastest page tier needs;
 * - `tiles` (every 5m): the same 5m rates, which then tile time without overlap, so a sum over any window
 *   times 300 s counts every event exactly once; windows of 2h and more read these (a 30-day window
 *   reads 8,640 points per series, a tenth of what a 30 s-resolution sum would).
 * @internal
 */
export class SliSignals extends SignalCatalog {
  constructor(public readonly sli: Sli, fast: RuleGroup, private readonly tiles: RuleGroup) {
    super({ group: fast, identity: [{ name: 'sli', op: '=', value: sli.name }], staticLabels: { sli: sli.name } });
  }

  private get labels(): string[] {
    return ['sli', ...this.sli.aggregateBy];
  }

  /** Bad events per second over 5m, at the evaluation interval. */
  public bad(): Series {
    return this.signal('bad', 'slo:sli_errors:rate5m', this.labels, this.sli._families, () => this.sli._badRate('5m'));
  }

  /** All events per second over 5m, at the evaluation interval. */
  public total(): Series {
    return this.signal('total', 'slo:sli_requests:rate5m', this.labels, this.sli._families, () => this.sli._totalRate('5m'));
  }

  /** The exact bad-event ratio over 1h. */
  public ratio1h(): Series {
    return this.signal('ratio1h', 'slo:sli_error:ratio_rate1h', this.labels, this.sli._families, () => this.sli._ratio('1h'));
  }

  /** The bad 5m rates sampled every 5m: tiles of time. */
  public badTiles(): Series {
    return this.signal('badTiles', 'slo:sli_errors:rate5m_every5m', this.labels, this.sli._families, () => this.bad().select(), {}, this.tiles);
  }

  /** The total 5m rates sampled every 5m. */
  public totalTiles(): Series {
    return this.signal('totalTiles', 'slo:sli_requests:rate5m_every5m', this.labels, this.sli._families, () => this.total().select(), {}, this.tiles);
  }

  /**
   * The bad-event ratio over `window`: traffic-weighted (bad events over all events, never an average of
   * ratios), absent while there is no traffic. 5m and 1h are exact; 30m sums the 30 s-resolution 5m rates
   * (overlapping equally in numerator and denominator, so the ratio stays traffic-weighted); 2h and
   * longer sum the 5m tiles.
   */
  public ratio(window: string): string {
    if (window === '5m') return `${this.bad().select()} / (${this.total().select()} > 0)`;
    if (window === '1h') return this.ratio1h().select();
    const [bad, total] = window === '30m' ? [this.bad(), this.total()] : [this.badTiles(), this.totalTiles()];
    return `sum_over_time(${bad.range(window)}) / (sum_over_time(${total.range(window)}) > 0)`;
  }

  /** Events in `window` (2h or more), counted exactly from the 5m tiles. */
  public events(window: string): string {
    return `sum_over_time(${this.totalTiles().range(window)}) * ${TILE_SECONDS}`;
  }

  /** The tiles' sum over `window`: zero, with the SLI's labels, while there is no traffic. */
  public totalTilesSum(window: string): string {
    return `sum_over_time(${this.totalTiles().range(window)})`;
  }
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

  /** The 1h burn rate: the 1h bad ratio over the error budget. */
  public burnRate(): Series {
    return this.signal('burnRate', 'slo:burn_rate:ratio_rate1h', this.labels, this.sli.families, () => `${this.sli.ratio('1h')} / ${this.budget}`);
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
