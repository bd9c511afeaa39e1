import { RemoteWriteOptions } from './stack-options';
import { invalidProp } from '../common/_errors';
import { validateKubeLabels, validateUrl } from '../common/_names';

/** The Thanos components that evaluate the global rules over the shards. */
export interface ThanosOptions {
  /**
   * The Thanos image (sidecar, Query and Ruler), pinned to a version tag.
   * @default "quay.io/thanos/thanos:v0.39.2"
   */
  readonly image?: string;
  /**
   * Replicas of Thanos Query (stateless: any number serve the same answers).
   * @default 1
   */
  readonly queryReplicas?: number;
  /**
   * Replicas of the Thanos Ruler. Each evaluates every global rule and sends its alerts; Alertmanager
   * deduplicates them.
   * @default 1
   */
  readonly rulerReplicas?: number;
}

/** A remote-write store with a ruler of its own (Grafana Mimir, Cortex) that evaluates the global rules. */
export interface RemoteWriteRulerOptions {
  /** Where every shard writes its series (and the local rules' series), e.g. Mimir's `/api/v1/push`. */
  readonly remoteWrite: RemoteWriteOptions;
  /**
   * The store's Prometheus-compatible query URL, which Grafana and the autoscalers read, e.g.
   * `http://mimir-query-frontend.mimir.svc:8080/prometheus`.
   */
  readonly queryUrl: string;
  /**
   * Labels on the PrometheusRule objects of the global rules, besides the stack's selector labels and the
   * evaluation label: what the tool that loads PrometheusRules into the store's ruler (Grafana Alloy's
   * `mimir.rules.kubernetes`, or your own sync) selects.
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
}

/**
 * What evaluates the rules that need every shard's series when the stack's Prometheus is sharded
 * (`prometheus.shards`): each shard scrapes only its part of the targets, so a service's error ratio,
 * latency quantile, SLO burn rate, traffic drop or `absent()` computed on one shard is wrong. With a
 * global evaluator, the stack splits every PrometheusRule it is given: rules that read one target's
 * series stay on the shards, every other rule goes to the global evaluator, and Grafana and the
 * autoscalers query the global endpoint.
 */
export class GlobalEvaluator {
  /**
   * Thanos: a Thanos sidecar beside each Prometheus shard, Thanos Query over the sidecars (Grafana's and
   * the autoscalers' endpoint), and a `ThanosRuler` (a prometheus-operator object) that evaluates the
   * global rules through Thanos Query and sends its alerts to the stack's Alertmanager.
   */
  public static thanos(options: ThanosOptions = {}): GlobalEvaluator {
    if (typeof options !== 'object' || options === null) throw invalidProp('GlobalEvaluator.thanos()', 'options', options, 'ThanosOptions, e.g. { rulerReplicas: 2 }');
    return new GlobalEvaluator('thanos', options, undefined);
  }

  /**
   * A remote-write store with a ruler (Grafana Mimir, Cortex): every shard remote-writes to it, and the
   * PrometheusRule objects of the global rules carry `ruleLabels` for the tool that loads them into the
   * store's ruler (Grafana Alloy's `mimir.rules.kubernetes`); the store's ruler sends the alerts.
   */
  public static remoteWriteRuler(options: RemoteWriteRulerOptions): GlobalEvaluator {
    const where = 'GlobalEvaluator.remoteWriteRuler()';
    if (typeof options !== 'object' || options === null) {
      throw invalidProp(where, 'options', options, 'RemoteWriteRulerOptions: { remoteWrite: { url }, queryUrl }');
    }
    if (typeof options.remoteWrite !== 'object' || options.remoteWrite === null) {
      throw invalidProp(where, 'remoteWrite', options.remoteWrite, 'the store\'s remote-write endpoint, e.g. { url: "http://mimir-distributor.mimir.svc:8080/api/v1/push" }');
    }
    validateUrl(where, 'queryUrl', options.queryUrl);
    validateKubeLabels(where, 'ruleLabels', options.ruleLabels);
    return new GlobalEvaluator('remoteWriteRuler', undefined, options);
  }

  private constructor(
    /** @internal */ public readonly _kind: 'thanos' | 'remoteWriteRuler',
    /** @internal */ public readonly _thanos: ThanosOptions | undefined,
    /** @internal */ public readonly _remoteWrite: RemoteWriteRulerOptions | undefined) {}
}
