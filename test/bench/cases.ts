import { ApiObject, App, Chart, Duration } from 'cdk8s';
import {
  GlobalEvaluator, InferenceRuntime, MlInferenceMonitoring, MonitoringStack, Objective, PrometheusRules, SecretKey, Severity, SloAlert, Sli,
} from '../../src';

/**
 * Benchmark cases. Each builds `n` units of work into a fresh app; the harness times construct +
 * `app.synth()` (YAML written to a temp folder), the same span the plain-cdk8s floor times.
 * Later issues add their cases here.
 */
export interface BenchCase {
  readonly name: string;
  readonly description: string;
  /** Arguments for shared/bench/floor.js that give the same volume of objects. */
  readonly floorArgs: (n: number) => string[];
  readonly build: (app: App, n: number) => void;
  /** What the case reports of the synthesized app beside time and memory. */
  readonly detail?: (app: App, n: number) => { [key: string]: number | string };
}

/** Services per chart in the sharded case: one chart per tenant group, as a platform of thousands splits them. */
export const SERVICES_PER_CHART = 100;

/** Rules per PrometheusRule, half alerts and half records, as in the floor. */
export const RULES_PER_OBJECT = 24;

export const CASES: BenchCase[] = [
  {
    name: 'rules',
    description: `N PrometheusRules of ${RULES_PER_OBJECT} rules (12 alerts, 12 records), every expression parsed`,
    // The floor always writes a ServiceMonitor and a ConfigMap too; D=0 keeps the ConfigMap empty.
    floorArgs: n => [String(n), String(RULES_PER_OBJECT), '0'],
    build: (app, n) => {
      const chart = new Chart(app, 'bench');
      for (let i = 0; i < n; i++) {
        const ns = `tenant-${i}`;
        const rules = new PrometheusRules(chart, `pr${i}`, { name: `svc-${i}`, namespace: ns, labels: { release: 'kps' } });
        const group = rules.addGroup(`svc-${i}`);
        for (let r = 0; r < RULES_PER_OBJECT; r++) {
          if (r % 2) {
            group.addRecordingRule({ record: `ml:requests:rate5m_${r}`, expr: `sum by (namespace) (rate(http_requests_total{namespace="${ns}"}[5m]))` });
          } else {
            group.addAlertingRule({
              alert: `MlAlert${r}`,
              expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${ns}"}[5m]))) > 5`,
              pendingFor: Duration.minutes(2),
              severity: Severity.WARNING,
              summary: 'High latency on {{ $labels.namespace }}',
              description: 'p95 is {{ $value }}s',
            });
          }
        }
      }
    },
  },
  {
    name: 'inference',
    description: 'N MlInferenceMonitoring (FastAPI), one namespace each: a ServiceMonitor, a PrometheusRule of 23 rules, a dashboard ConfigMap of 14 panels',
    // The floor writes the same three objects per service with 24 rules and 14 panels.
    floorArgs: n => [String(n), '24', '14'],
    build: (app, n) => {
      const chart = new Chart(app, 'bench');
      for (let i = 0; i < n; i++) {
        new MlInferenceMonitoring(chart, `svc-${i}`, {
          runtime: InferenceRuntime.fastApi(), namespace: `tenant-${i}`, selector: { app: 'ml-inference' }, selectorLabels: { release: 'kps' },
        });
      }
    },
  },
  {
    name: 'slo',
    description: 'N SloAlert (99.9 % / 30 d, four tiers) on N SLIs: 11 rules and a 6-panel budget dashboard each',
    floorArgs: n => [String(n), '11', '6'],
    build: (app, n) => {
      const chart = new Chart(app, 'bench');
      for (let i = 0; i < n; i++) {
        const sli = Sli.errorRatio({ name: `svc-${i}`, errors: `http_requests_total{namespace="tenant-${i}",code=~"5.."}`, total: `http_requests_total{namespace="tenant-${i}"}`, aggregateBy: ['namespace'] });
        new SloAlert(chart, `slo-${i}`, { sli, objective: Objective.percent(99.9), rulesNamespace: `tenant-${i}`, selectorLabels: { release: 'kps' } });
      }
    },
  },
  {
    name: 'sharded',
    description: `N MlInferenceMonitoring (FastAPI) with an availability SLO each, on a stack of 4 Prometheus shards behind Thanos, in charts of ${SERVICES_PER_CHART} services (a tenant group each)`,
    floorArgs: n => [String(n), '24', '14'],
    build: (app, n) => {
      const stack = new MonitoringStack(new Chart(app, 'stack'), 'stack', {
        prometheus: { shards: 4, replicas: 2, globalEvaluator: GlobalEvaluator.thanos() },
        grafana: { adminPassword: SecretKey.of('grafana-admin', 'password') },
      });
      for (let g = 0; g * SERVICES_PER_CHART < n; g++) {
        const chart = new Chart(app, `group-${g}`);
        for (let i = g * SERVICES_PER_CHART; i < Math.min(n, (g + 1) * SERVICES_PER_CHART); i++) {
          const m = new MlInferenceMonitoring(chart, `svc-${i}`, {
            stack, runtime: InferenceRuntime.fastApi(), namespace: `tenant-${i}`, selector: { app: 'ml-inference' },
          });
          new SloAlert(chart, `slo-${i}`, { stack, rulesNamespace: `tenant-${i}`, sli: m.availability(), objective: Objective.percent(99.9), dashboard: { enabled: false } });
        }
      }
    },
    detail: (app, n) => {
      let global = 0;
      let local = 0;
      for (const c of app.node.findAll()) {
        if (!(c instanceof PrometheusRules) || c.node.path.startsWith('stack/')) continue;
        const count = (o: ApiObject | undefined) => (o?.toJson().spec.groups ?? []).reduce((k: number, g: any) => k + g.rules.length, 0);
        global += count(c.resource);
        local += count(c.localResource);
      }
      return { globalRulesPerService: +(global / n).toFixed(2), localRulesPerService: +(local / n).toFixed(2), charts: app.charts.length };
    },
  },
];
