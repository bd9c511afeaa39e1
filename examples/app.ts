import { App, AppProps, Chart, Duration } from 'cdk8s';
import { PrometheusRules, Severity } from '../src';

/**
 * The example app: two tenants (tenant-a, tenant-b) running a FastAPI inference service. It grows
 * with every capability of the library; `npx projen example` writes it to dist/example/.
 */
export function buildExampleApp(props: AppProps = {}): App {
  const app = new App(props);
  const chart = new Chart(app, 'ml-monitoring');

  for (const tenant of ['tenant-a', 'tenant-b']) {
    const rules = new PrometheusRules(chart, `${tenant}-rules`, {
      name: `${tenant}-inference`,
      namespace: tenant,
      labels: { release: 'kube-prometheus-stack' },
    });
    const group = rules.addGroup(`${tenant}.inference`);
    group.addRecordingRule({
      record: 'namespace:http_requests:rate5m',
      expr: `sum by (namespace) (rate(http_requests_total{namespace="${tenant}"}[5m]))`,
    });
    group.addAlertingRule({
      alert: 'ModelLatencyHigh',
      expr: `histogram_quantile(0.95, sum by (namespace, le) (rate(http_request_duration_seconds_bucket{namespace="${tenant}"}[5m]))) > 5`,
      for: Duration.minutes(2),
      severity: Severity.WARNING,
      summary: 'p95 latency above 5s in {{ $labels.namespace }}',
      description: 'The 95th percentile of request latency is {{ $value | humanizeDuration }}.',
    });
  }
  return app;
}
