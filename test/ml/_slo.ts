import { Objective, SloAlert, SloAlertProps, Sli } from '../../src';
import { ExpectedAlert } from '../util/promtool';
import { byKind, Doc, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * Shared by the SLO proofs: a 99.9 % / 30 d SLO over http_requests_total{job="api"}, 600 requests a
 * minute, with each tier given its own alert name (a documented option) so each is asserted on its own.
 */

export const SLI = () => Sli.errorRatio({ name: 'api-availability', errors: 'http_requests_total{job="api",code=~"5.."}', total: 'http_requests_total{job="api"}' });

export const TIER_NAMES = { pageFast: 'SloPageFast', pageSlow: 'SloPageSlow', ticketFast: 'SloTicketFast', ticketSlow: 'SloTicketSlow' };

export function slo(props: Partial<SloAlertProps> = {}): { alert: SloAlert; docs: Doc[]; rules: Doc[] } {
  const chart = testChart('monitoring');
  const alert = new SloAlert(chart, 'api', {
    selectorLabels: TEST_SELECTOR,
    sli: SLI(),
    objective: Objective.percent(99.9),
    tiers: {
      pageFast: { alertName: TIER_NAMES.pageFast },
      pageSlow: { alertName: TIER_NAMES.pageSlow },
      ticketFast: { alertName: TIER_NAMES.ticketFast },
      ticketSlow: { alertName: TIER_NAMES.ticketSlow },
    },
    ...props,
  });
  const docs = synthChart(chart);
  return { alert, docs, rules: byKind(docs, 'PrometheusRule') };
}

/** Cumulative counter samples, one per `step` minutes: each segment is [increase per step, steps]. */
export function counter(...segments: Array<[number, number]>): string {
  let cur = 0;
  const parts = ['0'];
  for (const [perStep, steps] of segments) {
    if (steps <= 0) continue;
    parts.push(`${+(cur + perStep).toFixed(6)}+${perStep}x${steps - 1}`);
    cur += perStep * steps;
  }
  return parts.join(' ');
}

/** 600 requests a minute, sampled every minute; each segment is [error ratio, minutes]. */
export function traffic(...segments: Array<[number, number]>) {
  return [
    { series: 'http_requests_total{job="api",code="200"}', values: counter(...segments.map(([e, m]) => [+(600 * (1 - e)).toFixed(6), m] as [number, number])) },
    { series: 'http_requests_total{job="api",code="500"}', values: counter(...segments.map(([e, m]) => [+(600 * e).toFixed(6), m] as [number, number])) },
  ];
}

const TIERS: { [alertname: string]: [string, string, string, string] } = {
  SloPageFast: ['page-fast', '1h', '5m', 'critical'],
  SloPageSlow: ['page-slow', '6h', '30m', 'critical'],
  SloTicketFast: ['ticket-fast', '1d', '2h', 'warning'],
  SloTicketSlow: ['ticket-slow', '3d', '6h', 'warning'],
};

/** The tier `alertname` is firing (true) or not (false) at `eval_time`. */
export function tierAt(alertname: string, eval_time: string, firing: boolean) {
  const [t, long, short, severity] = TIERS[alertname];
  const exp: ExpectedAlert[] = firing ? [{ exp_labels: { slo: 'api', sli: 'api-availability', slo_tier: t, long_window: long, short_window: short, severity, namespace: 'monitoring' } }] : [];
  return { eval_time, alertname, exp_alerts: exp };
}

/** No tier at all fires at `eval_time`. */
export function silentAt(eval_time: string) {
  return Object.keys(TIERS).map(name => tierAt(name, eval_time, false));
}
