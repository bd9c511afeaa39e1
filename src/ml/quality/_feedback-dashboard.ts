import { GrafanaDashboard } from '../../dashboards/grafana-dashboard';
import { Panel, PanelUnit } from '../../dashboards/panel';
import { FeedbackSettings } from '../alerts/_feedback-alerts';

/** User feedback: satisfaction (per version) against its floor, and feedback per prediction. @internal */
export function addFeedbackPanels(d: GrafanaDashboard, f: FeedbackSettings): void {
  d.addRow('User feedback');
  d.addPanel(Panel.timeseries({
    title: f.source.versionLabel ? 'Satisfied feedback by version' : 'Satisfied feedback',
    description: `The share of feedback with ${f.source.ratingLabel} in ${f.source.satisfied.join(', ')}, over ${f.source.window}, once there are ${f.source.minFeedback} events.`,
    unit: PanelUnit.PERCENT_UNIT,
    min: 0,
    max: 1,
    thresholds: f.minSatisfaction !== undefined ? [{ value: 0, color: 'red' }, { value: f.minSatisfaction, color: 'green' }] : undefined,
    queries: [{ expr: f.signals.satisfaction().select(), legend: f.source.versionLabel ? '{{version}}' : 'satisfied' }],
  }));
  if (f.source.predictionsCounter) {
    d.addPanel(Panel.timeseries({
      title: 'Feedback per prediction',
      unit: PanelUnit.PERCENT_UNIT,
      min: 0,
      queries: [{ expr: f.signals.perPrediction().select(), legend: 'feedback / predictions' }],
    }));
  }
}
