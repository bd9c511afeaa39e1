import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  IMAGES, StackContext, componentLabels, imageVersion, kubeResources, resources, restrictedOperatedPod, stackDeployment,
  stackDisruptionBudget, stackService, validateImage, validateReplicas,
} from './_common';
import { ThanosOptions } from './global-evaluator';
import { ComponentParts } from './stack-component';
import { GVK } from '../common/_gvk';
import { definedOnly } from '../common/_object';

/**
 * The label that tells a PrometheusRule of global rules (`global`, selected by the global evaluator) from
 * one of local rules (`local`, selected by every shard). @internal
 */
export const EVALUATION_LABEL = 'ml-monitoring.cdk8s.io/evaluation';

/** Thanos Query's HTTP port: Grafana's and the autoscalers' endpoint, and the Thanos Ruler's. */
const QUERY_HTTP = 10902;
const GRPC = 10901;

/** Whether a PrometheusRule holds global rules, by its evaluation label. @internal */
export function isGlobalRules(o: ApiObject): boolean {
  return o.metadata.getLabel(EVALUATION_LABEL) === 'global';
}

/** The Thanos image of the options, validated. @internal */
export function thanosImage(where: string, o: ThanosOptions): string {
  return validateImage(where, 'image', o.image ?? IMAGES.thanos);
}

/**
 * Thanos Query over every shard's sidecar and the Thanos Ruler's own store (its recorded series), with
 * replicas deduplicated: the stack's query endpoint. @internal
 */
export function addThanosQuery(ctx: StackContext, where: string, o: ThanosOptions, rulerService: string): ComponentParts & { readonly url: string } {
  const component = 'thanos-query';
  const name = `${ctx.name}-thanos-query`;
  const replicas = validateReplicas(where, 'queryReplicas', o.queryReplicas) ?? 1;
  // The operator's governing Services of the Prometheus and ThanosRuler pods serve their gRPC store
  // ports as SRV records (the port named grpc): every shard and replica is found without listing them.
  const { deployment } = stackDeployment(ctx, 'Deployment', component, name, 65534, undefined, {
    name: 'thanos-query',
    image: thanosImage(where, o),
    args: [
      'query',
      `--http-address=0.0.0.0:${QUERY_HTTP}`,
      `--grpc-address=0.0.0.0:${GRPC}`,
      `--endpoint=dnssrv+_grpc._tcp.prometheus-operated.${ctx.namespace}.svc`,
      `--endpoint=dnssrv+_grpc._tcp.${rulerService}.${ctx.namespace}.svc`,
      '--query.replica-label=prometheus_replica',
      '--query.replica-label=thanos_ruler_replica',
    ],
    ports: [{ number: QUERY_HTTP, name: 'http' }, { number: GRPC, name: 'grpc' }],
    resources: resources('100m', 256, 1024),
    readiness: kplus.Probe.fromHttpGet('/-/ready', { port: QUERY_HTTP }),
  });
  ApiObject.of(deployment).addJsonPatch(JsonPatch.replace('/spec/replicas', replicas));
  stackDisruptionBudget(ctx, 'DisruptionBudget', component, name, replicas);
  const service = stackService(ctx, 'Service', component, name, [{ name: 'http', port: QUERY_HTTP }]);
  return { resource: ApiObject.of(deployment), service, url: `http://${name}.${ctx.namespace}.svc:${QUERY_HTTP}` };
}

/** What the Thanos Ruler evaluates and where it sends. @internal */
export interface RulerTarget {
  readonly queryService: string;
  readonly alertmanagerUrl: string;
  readonly evaluationInterval: string;
  readonly externalLabels: { [key: string]: string };
  readonly enforceNamespaceLabel: boolean;
  /** The library's global PrometheusRules, excluded from the namespace enforcement. */
  readonly trustedRules: () => ReadonlyArray<ApiObject>;
}

/** The `ThanosRuler` that evaluates the global rules through Thanos Query. @internal */
export function addThanosRuler(ctx: StackContext, where: string, o: ThanosOptions, t: RulerTarget): ComponentParts {
  const image = thanosImage(where, o);
  const replicas = validateReplicas(where, 'rulerReplicas', o.rulerReplicas) ?? 1;
  const resource = new ApiObject(ctx.scope, 'Resource', {
    ...GVK.thanosRuler,
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: componentLabels(ctx, 'thanos-ruler') },
    spec: definedOnly({
      image,
      version: imageVersion(image),
      replicas,
      queryEndpoints: [`${t.queryService}.${ctx.namespace}.svc:${QUERY_HTTP}`],
      alertmanagersUrl: [t.alertmanagerUrl],
      ruleSelector: { matchLabels: { ...ctx.selectorLabels, [EVALUATION_LABEL]: 'global' } },
      ruleNamespaceSelector: {},
      evaluationInterval: t.evaluationInterval,
      labels: Object.keys(t.externalLabels).length > 0 ? t.externalLabels : undefined,
      enforcedNamespaceLabel: t.enforceNamespaceLabel ? 'namespace' : undefined,
      excludedFromEnforcement: t.enforceNamespaceLabel ? Lazy.any({ produce: () => ruleRefs(t.trustedRules()) }) : undefined,
      resources: kubeResources(resources('100m', 256, 1024)),
      securityContext: restrictedOperatedPod(),
      podMetadata: { labels: componentLabels(ctx, 'thanos-ruler') },
    }),
  });
  stackDisruptionBudget(ctx, 'DisruptionBudget', 'thanos-ruler', `${ctx.name}-thanos-ruler`, replicas);
  return { resource };
}

/** PrometheusRule objects as the operator's object references, sorted; none: undefined. @internal */
export function ruleRefs(rules: ReadonlyArray<ApiObject>): Array<{ [key: string]: string }> | undefined {
  const refs = new Map<string, { [key: string]: string }>();
  for (const r of rules) {
    const namespace = r.metadata.namespace!; // MonitoringStack._trustRules refuses rules without one
    refs.set(`${namespace}/${r.name}`, { group: 'monitoring.coreos.com', resource: 'prometheusrules', namespace, name: r.name });
  }
  return refs.size > 0 ? [...refs.keys()].sort().map(k => refs.get(k)!) : undefined;
}
