// Public API, exported flat. Internal files (`_x.ts`) and the generated CRD bindings (`imports/`) are
// never exported.
export * from './common/severity';
export * from './common/ratio';
export * from './common/secret-key';
export * from './rules/rule-options';
export * from './rules/rule-group';
export * from './rules/prometheus-rules';
export * from './scrape/scrape-options';
export * from './scrape/scrape-target';
export * from './dashboards/panel';
export * from './dashboards/variable';
export * from './dashboards/grafana-dashboard';
export * from './ml/inference-runtime';
export * from './ml/inference-alerts';
export * from './ml/ml-inference-monitoring';
export * from './ml/objective';
export * from './ml/sli';
export * from './ml/slo-alert';
export * from './ml/quality/drift-detector';
export * from './ml/quality/model-performance';
export * from './ml/quality/quality-options';
export * from './ml/quality/model-quality-monitoring';
export * from './alerting/receiver';
export * from './alerting/routing-options';
export * from './alerting/alert-routing';
