import { GrafanaDashboard } from '../../dashboards/grafana-dashboard';
import { Panel, PanelUnit } from '../../dashboards/panel';
import { FairnessSettings } from '../alerts/_fairness-alerts';

/** A row per fairness check: each group's favourable rate against the reference, its impact ratio, and with ground truth its rates. @internal */
export function addFairnessPanels(d: GrafanaDashboard, checks: ReadonlyArray<FairnessSettings>): void {
  for (const f of checks) {
    const s = f.signals;
    const src = f.source;
    d.addRow(`Fairness: ${src.name} (by ${src.groupLabel})`);
    d.addPanel(Panel.timeseries({
      title: `Rate of ${src.favourable} per group`,
      description: `Groups with fewer than ${src.minEvents} predictions over ${src.window} are not judged (no line).`,
      unit: PanelUnit.PERCENT_UNIT,
      min: 0,
      max: 1,
      queries: [
        { expr: s.favourableRate().select(), legend: '{{group}}' },
        { expr: s.referenceRate().select(), legend: src.reference !== undefined ? `reference (${src.reference})` : 'all predictions' },
      ],
    }));
    d.addPanel(Panel.timeseries({
      title: 'Disparate impact (rate / reference rate)',
      unit: PanelUnit.PERCENT_UNIT,
      min: 0,
      thresholds: f.minImpactRatio !== undefined ? [{ value: 0, color: 'red' }, { value: f.minImpactRatio, color: 'green' }] : undefined,
      queries: [{ expr: s.impactRatio().select(), legend: '{{group}}' }],
    }));
    d.addPanel(Panel.timeseries({
      title: 'Predictions per group',
      unit: PanelUnit.SHORT,
      stacked: true,
      queries: [{ expr: s.predictions().select(), legend: '{{group}}' }],
    }));
    if (src.outcomes) {
      d.addPanel(Panel.timeseries({
        title: 'True-positive, false-positive rate and accuracy per group',
        unit: PanelUnit.PERCENT_UNIT,
        min: 0,
        max: 1,
        queries: [
          { expr: s.truePositiveRate().select(), legend: 'TPR {{group}}' },
          { expr: s.falsePositiveRate().select(), legend: 'FPR {{group}}' },
          { expr: s.accuracy().select(), legend: 'accuracy {{group}}' },
        ],
      }));
    }
  }
}

