import { DashboardVariable, GrafanaDashboard, Panel, PanelUnit } from '../../src';
import { expandGrafanaVariables } from '../../src/dashboards/_render';
import { validateAll } from '../util/schema';
import { oneOfKind, synthChart, testChart } from '../util/synth';

function dashboardJson(chart: any): any {
  const cm = oneOfKind(synthChart(chart), 'ConfigMap');
  const [key] = Object.keys(cm.data);
  return { cm, key, json: JSON.parse(cm.data[key]) };
}

describe('GrafanaDashboard', () => {
  test('renders a sidecar ConfigMap with auto-laid-out panels, variables and thresholds', () => {
    const chart = testChart('monitoring');
    const d = new GrafanaDashboard(chart, 'dash', {
      title: 'Models',
      uid: 'models',
      folder: 'ML',
      variables: [DashboardVariable.query({ name: 'namespace', query: 'label_values(up, namespace)' })],
    });
    d.addRow('Traffic');
    d.addPanel(Panel.timeseries({ title: 'Rate', unit: PanelUnit.REQUESTS_PER_SECOND, queries: [{ expr: 'sum by (namespace) (rate(http_requests_total{namespace=~"$namespace"}[$__rate_interval]))', legend: '{{namespace}}' }] }));
    d.addPanel(Panel.timeseries({ title: 'Errors', unit: PanelUnit.PERCENT_UNIT, thresholds: [{ value: 0.05, color: 'red' }], queries: [{ expr: 'vector(0)' }] }));
    d.addPanel(Panel.timeseries({ title: 'Wide', width: 24, queries: [{ expr: 'up' }] }));
    d.addPanel(Panel.stat({ title: 'Pods', queries: [{ expr: 'count(up)' }] }));
    const { cm, key, json } = dashboardJson(chart);
    validateAll(synthChart(chart));
    expect(cm.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'ML' });
    expect(cm.metadata.namespace).toBe('monitoring');
    expect(key).toBe('models.json');
    expect(json.uid).toBe('models');
    expect(json.templating.list.map((v: any) => v.name)).toEqual(['datasource', 'namespace']);
    expect(json.panels.map((p: any) => [p.type, p.gridPos])).toEqual([
      ['row', { x: 0, y: 0, w: 24, h: 1 }],
      ['timeseries', { x: 0, y: 1, w: 12, h: 8 }],
      ['timeseries', { x: 12, y: 1, w: 12, h: 8 }],
      ['timeseries', { x: 0, y: 9, w: 24, h: 8 }],
      ['stat', { x: 0, y: 17, w: 6, h: 4 }],
    ]);
    expect(new Set(json.panels.map((p: any) => p.id)).size).toBe(5);
    expect(json.panels[2].fieldConfig.defaults.thresholds.steps).toEqual([{ color: 'green', value: null }, { color: 'red', value: 0.05 }]);
    expect(json.panels[1].targets[0]).toMatchObject({ refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' }, legendFormat: '{{namespace}}' });
  });

  test('an invalid panel query fails synthesis naming the panel', () => {
    const chart = testChart();
    const d = new GrafanaDashboard(chart, 'dash', { title: 'x' });
    d.addPanel(Panel.timeseries({ title: 'Broken', queries: [{ expr: 'sum(rate(x[$__rate_interval])' }] }));
    expect(() => synthChart(chart)).toThrow(/test\/dash panel "Broken": invalid PromQL in query 1: the expression ends too early/);
  });

  test('a dashboard without panels fails validation; uid defaults to a readable, stable slug', () => {
    const chart = testChart();
    const d = new GrafanaDashboard(chart, 'My Dash', { title: 'x' });
    expect(d.uid).toBe('test-my-dash');
    expect(() => synthChart(chart)).toThrow(/the dashboard has no panels/);
    const long = new GrafanaDashboard(chart, 'a'.repeat(60), { title: 'y' });
    expect(long.uid.length).toBeLessThanOrEqual(40);
    expect(long.uid).toBe(new GrafanaDashboard(testChart(), 'a'.repeat(60), { title: 'y' }).uid);
  });

  test('bad input', () => {
    const chart = testChart();
    expect(() => new GrafanaDashboard(chart, 'a', { title: '' })).toThrow(/invalid title ""/);
    expect(() => new GrafanaDashboard(chart, 'b', { title: 't', uid: 'has space' })).toThrow(/invalid uid "has space"/);
    expect(() => Panel.timeseries({ title: 't', queries: [] })).toThrow(/Panel.timeseries "t": invalid queries \[\]: at least one query/);
    expect(() => Panel.stat({ title: 't', width: 30, queries: [{ expr: 'up' }] })).toThrow(/invalid width 30/);
    expect(() => DashboardVariable.query({ name: 'datasource', query: 'x' })).toThrow(/a name other than "datasource"/);
  });

  test('a gauge and a stat with thresholds: the guide\'s error-ratio dial, green below 1 %, orange to 5 %, red above', () => {
    const chart = testChart('monitoring');
    const d = new GrafanaDashboard(chart, 'guide', { title: 'Guide' });
    // Given in any order; written ascending, as Grafana keeps them.
    const steps = [{ value: 0.05, color: 'red' }, { value: 0.01, color: 'orange' }];
    d.addPanel(Panel.gauge({ title: 'Error ratio', unit: PanelUnit.PERCENT_UNIT, min: 0, max: 0.1, thresholds: steps, queries: [{ expr: 'vector(0.02)' }] }));
    d.addPanel(Panel.stat({ title: 'p95 latency', unit: PanelUnit.SECONDS, thresholds: [{ value: 5, color: '#E02F44' }], queries: [{ expr: 'vector(1)' }] }));
    validateAll(synthChart(chart));
    const [gauge, stat] = dashboardJson(chart).json.panels;
    expect(gauge).toMatchObject({ type: 'gauge', gridPos: { w: 6, h: 6 }, options: { showThresholdMarkers: true, reduceOptions: { calcs: ['lastNotNull'] } } });
    expect(gauge.fieldConfig.defaults).toMatchObject({ min: 0, max: 0.1, unit: 'percentunit' });
    expect(gauge.fieldConfig.defaults.thresholds.steps).toEqual([{ color: 'green', value: null }, { color: 'orange', value: 0.01 }, { color: 'red', value: 0.05 }]);
    expect(stat.fieldConfig.defaults.thresholds.steps).toEqual([{ color: 'green', value: null }, { color: '#E02F44', value: 5 }]);
  });

  test('thresholds Grafana cannot read unambiguously are Errors naming the step', () => {
    const q = [{ expr: 'up' }];
    expect(() => Panel.gauge({ title: 'g', queries: q, thresholds: [{ value: 0.05, color: 'red' }, { value: 0.05, color: 'orange' }] }))
      .toThrow(/Panel.gauge "g": invalid thresholds\[1\].value 0.05: a value no other step has/);
    expect(() => Panel.stat({ title: 's', queries: q, thresholds: [{ value: NaN, color: 'red' }] })).toThrow(/invalid thresholds\[0\].value NaN: a finite number/);
    expect(() => Panel.stat({ title: 's', queries: q, thresholds: [{ value: 1, color: '' }] })).toThrow(/invalid thresholds\[0\].color "": a Grafana color name or a hex code/);
    expect(() => Panel.gauge({ title: 'g', queries: q, min: 1, max: 0 })).toThrow(/invalid max 0: a number above min \(1\)/);
  });

  test('Grafana variables are expanded the way Grafana sends the query', () => {
    expect(expandGrafanaVariables('rate(x{ns=~"$namespace"}[$__rate_interval])', { namespace: 'tenant-a' })).toBe('rate(x{ns=~"tenant-a"}[5m])');
  });
});
