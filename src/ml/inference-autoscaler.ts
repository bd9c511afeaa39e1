import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkQuantileThreshold } from './_histogram-bounds';
import { MlInferenceMonitoring } from './ml-inference-monitoring';
import { AppRegistry } from '../common/_app-registry';
import { promDuration, toMillis } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { validateNamespace, validateObjectName, validateUrl } from '../common/_names';
import { formatNumber, validateQuantile } from '../common/_number';
import { parsePromQL } from '../common/_promql';
import { refuseUnencodableText } from '../common/_text';
import { discoverStack } from '../stack/_placement';
import { IMonitoringStack } from '../stack/i-monitoring-stack';

/** What an `InferenceAutoscaler` scales on: the same recorded series that the service's alerts read. */
export class ScalingSignal {
  /**
   * Keep the latency quantile (p95 by default) at or below `target`: the series `ModelLatencyHigh` reads.
   * Replicas follow the ratio of the latency to the target (metric type Value).
   */
  public static latency(target: Duration, quantile?: number): ScalingSignal {
    toMillis(target, 'ScalingSignal.latency', 'target');
    return new ScalingSignal('latency', target, quantile ?? 0.95);
  }

  /** Keep each replica at or below `perReplica` requests per second (metric type AverageValue). */
  public static requestRate(perReplica: number): ScalingSignal {
    return new ScalingSignal('requests', perReplica);
  }

  /**
   * Keep each replica's share of queued requests at or below `perReplica`: the gauge
   * `ModelQueueBackingUp` reads (vLLM, TGI). Throws for runtimes without a queue gauge.
   */
  public static queue(perReplica: number): ScalingSignal {
    return new ScalingSignal('queue', perReplica);
  }

  private constructor(
    /** @internal */ public readonly _kind: 'latency' | 'requests' | 'queue',
    /** @internal */ public readonly _threshold: unknown,
    /** @internal */ public readonly _quantile?: unknown) {}
}

/** Props of `InferenceAutoscaler`. */
export interface InferenceAutoscalerProps {
  /** The monitored service whose signal drives the scaling. */
  readonly inference: MlInferenceMonitoring;
  /** The namespace (tenant) of the workload to scale: one of the service's namespaces. */
  readonly namespace: string;
  /** The name of the Deployment to scale. */
  readonly deployment: string;
  /** The signal. */
  readonly signal: ScalingSignal;
  /**
   * The fewest replicas.
   * @default 1
   */
  readonly minReplicas?: number;
  /** The most replicas. */
  readonly maxReplicas: number;
  /**
   * The stack whose Prometheus KEDA queries.
   * @default - the one stack of the app, when `prometheusUrl` is not given
   */
  readonly stack?: IMonitoringStack;
  /**
   * The Prometheus KEDA queries.
   * @default - the stack's Prometheus URL
   */
  readonly prometheusUrl?: string;
  /**
   * How often KEDA queries the signal.
   * @default Duration.seconds(15)
   */
  readonly pollingInterval?: Duration;
  /**
   * How long the signal must stay low before scaling back to `minReplicas` when that is 0.
   * @default Duration.minutes(5)
   */
  readonly cooldownPeriod?: Duration;
}

/**
 * The scaling response of a model service: a KEDA ScaledObject whose Prometheus trigger reads the same
 * recorded series as the service's latency, traffic or queue alert, so the scaler and the alert never
 * disagree about what "too slow" means. The object is the child `Resource`.
 */
export class InferenceAutoscaler extends Construct {
  /** The ScaledObject. */
  public readonly resource: ApiObject;
  /** The PromQL query of the trigger. */
  public readonly query: string;

  constructor(scope: Construct, id: string, props: InferenceAutoscalerProps) {
    super(scope, id);
    const where = this.node.path;
    refuseUnencodableText(where, props);
    if (!(props.inference instanceof MlInferenceMonitoring)) throw invalidProp(where, 'inference', props.inference, 'an MlInferenceMonitoring');
    if (!(props.signal instanceof ScalingSignal)) throw invalidProp(where, 'signal', props.signal, 'a ScalingSignal, e.g. ScalingSignal.latency(Duration.seconds(2))');
    const ns = validateNamespace(where, 'namespace', props.namespace);
    if (!props.inference.namespaces.includes(ns)) {
      throw invalidProp(where, 'namespace', ns, `one of the service's namespaces (${props.inference.namespaces.join(', ')})`);
    }
    validateObjectName(where, 'deployment', props.deployment);
    const min = props.minReplicas ?? 1;
    if (!Number.isInteger(min) || min < 0) throw invalidProp(where, 'minReplicas', min, 'a whole number, 0 or more');
    if (!Number.isInteger(props.maxReplicas) || props.maxReplicas < Math.max(1, min)) {
      throw invalidProp(where, 'maxReplicas', props.maxReplicas, `a whole number, at least 1 and at least minReplicas (${min})`);
    }
    const s = props.signal;
    if (s._kind === 'latency' && min < 1) {
      throw invalidProp(where, 'minReplicas', min, 'at least 1 with a latency signal (with no replica there is no latency to scale up on)');
    }
    let threshold: number;
    if (s._kind === 'latency') {
      if (!(s._threshold instanceof Duration)) throw invalidProp(where, 'signal', s._threshold, 'ScalingSignal.latency(target) with a Duration target, e.g. Duration.seconds(2)');
      promDuration(s._threshold, where, 'signal target');
      threshold = s._threshold.toMilliseconds({ integral: false }) / 1000;
      validateQuantile(where, 'signal quantile', s._quantile);
    } else {
      threshold = s._threshold as number;
      if (typeof threshold !== 'number' || !(Number.isFinite(threshold) && threshold > 0)) {
        throw invalidProp(where, 'signal perReplica', s._threshold, 'a number greater than zero');
      }
    }
    const url = props.prometheusUrl ?? (props.stack ?? discoverStack(this, where)).prometheusUrl;
    if (url === undefined) throw invalidProp(where, 'prometheusUrl', undefined, 'the URL of the Prometheus KEDA queries, or a stack that knows it');
    validateUrl(where, 'prometheusUrl', url);
    const seconds = (d: Duration, prop: string) => {
      promDuration(d, where, prop); // a positive, whole-millisecond duration
      return Math.max(1, Math.round(toMillis(d, where, prop) / 1000));
    };
    const polling = seconds(props.pollingInterval ?? Duration.seconds(15), 'pollingInterval');
    const cooldown = seconds(props.cooldownPeriod ?? Duration.minutes(5), 'cooldownPeriod');

    // The trigger reads the service's signal catalog: the series is recorded because it is read here.
    const signals = props.inference._signals;
    const tenant = [{ name: 'namespace', op: '=' as const, value: ns }];
    let query: string;
    let metricType: string;
    switch (s._kind) {
      case 'latency': {
        if (!signals.hasLatencyHistogram) throw invalidProp(where, 'signal', 'latency', 'a runtime with a latency histogram (this one has none: scale on requestRate)');
        checkQuantileThreshold(where, 'signal target', props.inference.runtime._spec.latency!, threshold, props.inference.runtime.name);
        query = `max(${signals.latencyQuantile(s._quantile as number).select(tenant)})`;
        metricType = 'Value';
        break;
      }
      case 'requests':
        query = `sum(${signals.requestRate().select(tenant)})`;
        metricType = 'AverageValue';
        break;
      default: {
        if (!props.inference.runtime._spec.queueLength) {
          throw invalidProp(where, 'signal', 'queue', `a runtime with a queue gauge (vllm, tgi); ${props.inference.runtime._spec.name} has none`);
        }
        query = `sum(${signals.queueLength().select(tenant)})`;
        metricType = 'AverageValue';
      }
    }
    parsePromQL(query, where, 'trigger query');
    this.query = query;
    AppRegistry.of(this).claim('the scale target', `Deployment ${ns}/${props.deployment}`, this,
      'KEDA scales a Deployment from one ScaledObject and refuses a second one; use one InferenceAutoscaler per Deployment');
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: `${props.deployment}-${s._kind}`.slice(0, 253), namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment },
        minReplicaCount: min,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: polling,
        cooldownPeriod: cooldown,
        triggers: [{
          type: 'prometheus',
          name: s._kind,
          metricType,
          metadata: { serverAddress: url, query, threshold: formatNumber(threshold), ignoreNullValues: 'true' },
        }],
      },
    });
  }
}
