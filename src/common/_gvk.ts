/**
 * The group, version and kind of each prometheus-operator object the library writes as an untyped spec.
 * Generated bindings were carried for these alone (about 3.3 MB of TypeScript and 10 MB of the package
 * for one constant each); the specs are proved against the operator's CRD schemas by the tests, so a
 * table is enough. `PrometheusRule` keeps its generated binding, whose types the rule groups use.
 * @internal
 */
export const GVK = {
  serviceMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
  podMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' },
  prometheus: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus' },
  alertmanager: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager' },
  alertmanagerConfig: { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig' },
  thanosRuler: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ThanosRuler' },
} as const;
