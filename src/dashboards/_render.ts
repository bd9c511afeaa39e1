import type { Dashboard, Panel as GrafanaPanel, RowPanel, VariableModel } from '@grafana/schema';
import { Panel, PanelType, PanelUnit } from './panel';
import { DashboardVariable } from './variable';
import { parsePromQL } from '../common/_promql';

/** Everything the renderer needs from a GrafanaDashboard. @internal */
export interface DashboardModel {
  readonly where: string;
  readonly uid: string;
  readonly title: string;
  readonly description?: string;
  readonly tags: string[];
  readonly refresh: string;
  readonly timeFrom: string;
  readonly variables: DashboardVariable[];
  readonly panels: Panel[];
}

const GRID_WIDTH = 24;
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRAFANA_VARIABLE = /\$\{?__(rate_interval|interval|range)\}?/g;

/**
 * The PromQL a Grafana query becomes once Grafana has substituted its built-in variables, so that it can
 * be parsed (and, in the end-to-end test, run) exactly as Grafana would send it.
 * @internal
 */
export function expandGrafanaVariables(expr: string, values: { [name: string]: string } = {}): string {
  return expr
    .replace(GRAFANA_VARIABLE, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, a, b) => values[a ?? b] ?? whole);
}

/** Renders the dashboard JSON, typed against Grafana's own schema. @internal */
/** What a single-value panel (stat, gauge) shows: the last value that is not null. */
const LAST_VALUE = { calcs: ['lastNotNull'], fields: '', values: false };

export function renderDashboard(model: DashboardModel): Dashboard {
  const panels: Array<GrafanaPanel | RowPanel> = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const panel of model.panels) {
    const o = panel._options;
    const w = o.width ?? 12;
    const h = o.height ?? 8;
    if (panel.type === PanelType.ROW) {
      if (x > 0) { y += rowHeight; x = 0; rowHeight = 0; }
      panels.push({ id: id++, type: 'row', title: o.title, collapsed: false, gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 }, panels: [] });
      y += 1;
      continue;
    }
    if (x + w > GRID_WIDTH) { y += rowHeight; x = 0; rowHeight = 0; }
    const targets = o.queries.map((q, i) => {
      parsePromQL(expandGrafanaVariables(q.expr), `${model.where} panel "${o.title}"`, `query ${i + 1}`);
      return { refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: q.expr, legendFormat: q.legend ?? '__auto', range: true };
    });
    const steps: Array<{ color: string; value: number | null }> = [{ color: 'green', value: null }];
    // Written in ascending order, as Grafana keeps them (its field config sorts the steps it loads).
    for (const t of [...(o.thresholds ?? [])].sort((a, b) => a.value - b.value)) steps.push({ color: t.color, value: t.value });
    const custom: { [k: string]: unknown } = panel.type === PanelType.TIMESERIES ? {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: panel._stacked ? 30 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: panel._stacked ? 'normal' : 'none', group: 'A' },
      thresholdsStyle: { mode: (panel._showThresholds ?? (o.thresholds ?? []).length > 0) ? 'line' : 'off' },
    } : {};
    panels.push({
      id: id++,
      type: panel.type,
      title: o.title,
      description: o.description,
      datasource: DATASOURCE,
      gridPos: { x, y, w, h },
      targets,
      fieldConfig: {
        defaults: {
          unit: o.unit ?? PanelUnit.SHORT,
          min: o.min,
          max: o.max,
          thresholds: { mode: 'absolute' as any, steps: steps as any },
          custom,
        },
        overrides: [],
      },
      options: panel.type === PanelType.STAT
        ? { reduceOptions: LAST_VALUE, colorMode: 'value', graphMode: 'area', textMode: 'auto' }
        : panel.type === PanelType.GAUGE
          ? { reduceOptions: LAST_VALUE, orientation: 'auto', showThresholdMarkers: true, showThresholdLabels: false }
          : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    } as GrafanaPanel);
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }

  const variables: VariableModel[] = [
    { type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus', hide: 0 as any } as VariableModel,
    ...model.variables.map(v => ({
      type: 'query',
      name: v.name,
      label: v._options.label ?? v.name,
      datasource: DATASOURCE,
      query: { query: v._options.query, refId: `${v.name}-query` },
      definition: v._options.query,
      refresh: 2 as any,
      multi: v._options.multi ?? true,
      includeAll: v._options.includeAll ?? true,
      allValue: '.+',
      sort: 1 as any,
    } as VariableModel)),
  ];

  return {
    uid: model.uid,
    title: model.title,
    description: model.description,
    tags: model.tags,
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    refresh: model.refresh,
    time: { from: `now-${model.timeFrom}`, to: 'now' },
    templating: { list: variables },
    annotations: { list: [] },
    panels,
  } as Dashboard;
}
