/*
 * What each drift detector's exporter writes, as its source writes it: the families the library reads and
 * the labels of one detector's series. The generated tests write these series (with the labels a scrape
 * adds), and test/ml/quality checks them against the fixtures, which cite the same source.
 */

/**
 * Seldon's alibi-detect server (SeldonIO/seldon-core components/alibi-detect-server/adserver/cd_model.py:33-38,
 * 126-129; python/seldon_core/metrics.py:212-215): gauges tagged `index` per feature, the scalar is_drift and
 * threshold only with index "0", and the deployment's labels. alibi-detect v0.12.0 cd/base.py:1022-1024: a
 * univariate detector's threshold is its p_val divided by the number of features. `predictor_version` is
 * empty in a default deployment, and Prometheus drops a label with an empty value.
 * @internal
 */
export const ALIBI_DETECT = {
  isDrift: 'seldon_metric_drift_is_drift',
  pValue: 'seldon_metric_drift_p_val',
  distance: 'seldon_metric_drift_distance',
  threshold: 'seldon_metric_drift_threshold',
  labels: {
    deployment_name: 'drift-detector',
    method: 'predict',
    model_image: 'seldonio/alibi-detect-server',
    model_name: 'cd',
    model_version: '1.19.0',
    predictor_name: 'default',
    worker_id: '14',
  },
  /** The label that numbers the features. */
  featureLabel: 'index',
  /** alibi-detect's default significance level (cd/ks.py p_val=.05). */
  defaultPValue: 0.05,
} as const;

/**
 * Evidently's monitoring-service example, 0.1.59 to 0.2.x (evidentlyai/evidently
 * examples/integrations/grafana_monitoring_service/metrics_app/app.py:149-168): gauges
 * `evidently:<monitor>:<metric>` labelled with `dataset_name`.
 * @internal
 */
export const EVIDENTLY = {
  datasetDrift: 'evidently:data_drift:dataset_drift',
  shareDrifted: 'evidently:data_drift:share_drifted_features',
  labels: { dataset_name: 'model-inputs' },
} as const;

/**
 * MLRun 1.5.x and 1.6.x with the Prometheus TSDB (mlrun/mlrun v1.6.0 mlrun/model_monitoring/prometheus.py:81-86,
 * batch.py:1009): the prometheus_client Enum `drift_status` (one series per state, 1 for the current one), and
 * `drift_metrics` with `metric` in hellinger_mean, tvd_mean, kld_mean; both labelled project and endpoint_id.
 * @internal
 */
export const MLRUN = {
  driftStatus: 'drift_status',
  states: ['NO_DRIFT', 'DRIFT_DETECTED', 'POSSIBLE_DRIFT'],
  driftMetrics: 'drift_metrics',
  metrics: ['hellinger_mean', 'tvd_mean', 'kld_mean'],
  labels: { project: 'ml-project', endpoint_id: 'e4f1a9' },
} as const;
