import { CostSettings, HOURS_PER_MONTH } from './alerts/_cost-alerts';
import { CostSignals } from './signals/_cost-signals';
import { formatNumber } from '../common/_number';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { Panel, PanelUnit } from '../dashboards/panel';

/** The cost row of an inference dashboard: per tenant (namespace) of the service. @internal */
export function addCostPanels(d: GrafanaDashboard, cost: CostSignals, st: CostSettings): void {
  const ns = [{ name: 'namespace', op: '=~' as const, value: '$namespace' }];
  d.addRow(`Cost (${st.currency})`);
  d.addPanel(Panel.timeseries({
    title: `Cost per hour, and idle (${st.currency})`,
    description: 'Per pod, each resource at the larger of its request and its use; idle: requested but not used.',
    unit: PanelUnit.SHORT,
    min: 0,
    queries: [
      { expr: cost.costPerHour().select(ns), legend: '{{namespace}} total' },
      { expr: cost.idleCostPerHour().select(ns), legend: '{{namespace}} idle' },
    ],
  }));
  d.addPanel(Panel.timeseries({
    title: `Cost per 1,000 predictions over ${st.window} (${st.currency})`,
    unit: PanelUnit.SHORT,
    min: 0,
    thresholds: st.costPerPrediction.enabled ? [{ value: st.costPerPrediction.max!, color: 'red' }] : undefined,
    queries: [{ expr: cost.costPer1k(st.window).select(ns), legend: '{{namespace}}' }],
  }));
  d.addPanel(Panel.stat({
    title: `A month at the last day's cost (${st.currency})`,
    unit: PanelUnit.SHORT,
    thresholds: st.budgetBurn.enabled ? [{ value: st.budgetBurn.monthly!, color: 'red' }] : undefined,
    queries: [{ expr: `sum(avg_over_time(${cost.costPerHour().range('1d', ns)})) * ${formatNumber(HOURS_PER_MONTH)}` }],
  }));
}
