import { invalidProp } from '../common/_errors';
import { refuseUnencodableText } from '../common/_text';

/** The unit Grafana shows a panel's values in. */
export enum PanelUnit {
  /** Seconds (Grafana shows ms, s, min as fits). */
  SECONDS = 's',
  /** A 0..1 ratio shown as percent. */
  PERCENT_UNIT = 'percentunit',
  /** A 0..100 value shown as percent. */
  PERCENT = 'percent',
  /** Requests per second. */
  REQUESTS_PER_SECOND = 'reqps',
  /** Operations per second. */
  OPS_PER_SECOND = 'ops',
  /** Bytes (IEC). */
  BYTES = 'bytes',
  /** A plain number with SI suffixes. */
  SHORT = 'short',
  /** No unit. */
  NONE = 'none',
}

/** One Prometheus query of a panel. */
export interface PanelQuery {
  /**
   * The PromQL expression. Grafana variables (`$namespace`, `$__rate_interval`) are allowed; the
   * expression is parsed at synth time with them substituted.
   */
  readonly expr: string;
  /**
   * The legend, e.g. `{{namespace}}`.
   * @default - Grafana's default (the series labels)
   */
  readonly legend?: string;
}

/** A threshold step: from `value` upwards the panel turns `color`. */
export interface PanelThreshold {
  /** The lower bound of the step. */
  readonly value: number;
  /** A Grafana color name or hex code, e.g. `red`, `#F2CC0C`. */
  readonly color: string;
}

/** Options shared by every data panel. */
export interface PanelOptions {
  /** The panel title. */
  readonly title: string;
  /** The queries; at least one. */
  readonly queries: PanelQuery[];
  /**
   * A description shown in the panel's info tooltip.
   * @default - none
   */
  readonly description?: string;
  /**
   * The unit of the values.
   * @default PanelUnit.SHORT
   */
  readonly unit?: PanelUnit;
  /**
   * Width in grid columns (the grid is 24 wide).
   * @default 12
   */
  readonly width?: number;
  /**
   * Height in grid rows.
   * @default 8
   */
  readonly height?: number;
  /**
   * The axis or scale minimum.
   * @default - automatic
   */
  readonly min?: number;
  /**
   * The axis or scale maximum.
   * @default - automatic
   */
  readonly max?: number;
  /**
   * Threshold steps above the base (green) color, e.g. the alert threshold in red.
   * @default - none
   */
  readonly thresholds?: PanelThreshold[];
}

/** Options of a time-series panel. */
export interface TimeseriesPanelOptions extends PanelOptions {
  /**
   * Stack the series.
   * @default false
   */
  readonly stacked?: boolean;
  /**
   * Draw the thresholds as lines on the graph.
   * @default - true when thresholds are given
   */
  readonly showThresholds?: boolean;
}

/** The kinds of panel. */
export enum PanelType {
  /** A graph over time. */
  TIMESERIES = 'timeseries',
  /** A single big number. */
  STAT = 'stat',
  /** A single value on a dial, coloured by its thresholds. */
  GAUGE = 'gauge',
  /** A collapsible row header. */
  ROW = 'row',
}

/**
 * A dashboard panel: a value built by the static factories and added with `GrafanaDashboard.addPanel()`.
 * Panels are laid out automatically on Grafana's 24-column grid.
 */
export class Panel {
  /** A graph over time. */
  public static timeseries(options: TimeseriesPanelOptions): Panel {
    return new Panel(PanelType.TIMESERIES, Panel.check('Panel.timeseries', options), options.stacked ?? false, options.showThresholds);
  }

  /** A single value, e.g. the current error ratio. */
  public static stat(options: PanelOptions): Panel {
    return new Panel(PanelType.STAT, Panel.check('Panel.stat', { width: 6, height: 4, ...options }), false, undefined);
  }

  /**
   * A single value on a dial between `min` and `max`, coloured by its thresholds: e.g. the error ratio
   * with the alert's threshold in red.
   */
  public static gauge(options: PanelOptions): Panel {
    return new Panel(PanelType.GAUGE, Panel.check('Panel.gauge', { width: 6, height: 6, ...options }), false, undefined);
  }

  /** A row header that starts a new section. */
  public static row(title: string): Panel {
    if (typeof title !== 'string' || title.trim() === '') throw invalidProp('Panel.row', 'title', title, 'a non-empty title');
    return new Panel(PanelType.ROW, { title, queries: [], width: 24, height: 1 }, false, undefined);
  }

  private static check(where: string, o: PanelOptions): PanelOptions {
    if (typeof o.title !== 'string' || o.title.trim() === '') throw invalidProp(where, 'title', o.title, 'a non-empty title');
    if (!Array.isArray(o.queries) || o.queries.length === 0) throw invalidProp(`${where} "${o.title}"`, 'queries', o.queries, 'at least one query');
    refuseUnencodableText(`${where} "${o.title}"`, o);
    o.queries.forEach((q, i) => {
      if (q === null || typeof q !== 'object' || typeof q.expr !== 'string' || q.expr.trim() === '') {
        throw invalidProp(`${where} "${o.title}"`, `queries[${i}].expr`, q?.expr, 'a PromQL expression as text (Grafana variables such as $namespace allowed)');
      }
      if (q.legend !== undefined && typeof q.legend !== 'string') throw invalidProp(`${where} "${o.title}"`, `queries[${i}].legend`, q.legend, 'a legend format as text, e.g. "{{pod}}"');
    });
    const w = o.width ?? 12;
    const h = o.height ?? 8;
    if (!Number.isInteger(w) || w < 1 || w > 24) throw invalidProp(`${where} "${o.title}"`, 'width', w, 'a whole number of grid columns from 1 to 24');
    if (!Number.isInteger(h) || h < 1 || h > 100) throw invalidProp(`${where} "${o.title}"`, 'height', h, 'a whole number of grid rows from 1 to 100');
    if (o.unit !== undefined && !Object.values(PanelUnit).includes(o.unit)) throw invalidProp(`${where} "${o.title}"`, 'unit', o.unit, 'a PanelUnit');
    const at = `${where} "${o.title}"`;
    for (const prop of ['min', 'max'] as const) {
      if (o[prop] !== undefined && (typeof o[prop] !== 'number' || !Number.isFinite(o[prop]))) throw invalidProp(at, prop, o[prop], 'a finite number');
    }
    if (o.min !== undefined && o.max !== undefined && o.min >= o.max) throw invalidProp(at, 'max', o.max, `a number above min (${o.min})`);
    if (o.thresholds !== undefined && !Array.isArray(o.thresholds)) throw invalidProp(at, 'thresholds', o.thresholds, 'a list of { value, color } steps');
    (o.thresholds ?? []).forEach((t, i) => {
      if (t === null || typeof t !== 'object' || typeof t.value !== 'number' || !Number.isFinite(t.value)) {
        throw invalidProp(at, `thresholds[${i}].value`, t?.value, 'a finite number');
      }
      if (o.thresholds!.slice(0, i).some(x => x.value === t.value)) {
        throw invalidProp(at, `thresholds[${i}].value`, t.value, 'a value no other step has: two steps at one value leave the color to chance');
      }
      if (typeof t.color !== 'string' || !/^(#[0-9a-fA-F]{3,8}|[a-z][-a-z]*|rgba?\([\d\s.,%]+\))$/.test(t.color)) {
        throw invalidProp(at, `thresholds[${i}].color`, t.color, 'a Grafana color name or a hex code, e.g. "red" or "#F2CC0C"');
      }
    });
    return o;
  }

  /** The panel type. */
  public readonly type: PanelType;
  /** The panel title. */
  public readonly title: string;

  /** @internal */
  public readonly _options: PanelOptions;
  /** @internal */
  public readonly _stacked: boolean;
  /** @internal */
  public readonly _showThresholds?: boolean;

  private constructor(type: PanelType, options: PanelOptions, stacked: boolean, showThresholds: boolean | undefined) {
    this.type = type;
    this.title = options.title;
    this._options = options;
    this._stacked = stacked;
    this._showThresholds = showThresholds;
  }
}
