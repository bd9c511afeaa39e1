import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  IMAGES, StackContext, bindClusterRole, componentLabels, imageVersion, kubeResources, mebibytes, res, resources, restrictedOperatedPod,
  stackDisruptionBudget, stackScrape, storage, stackService, stackServiceAccount, validateImage, validateNodePort, validateReplicas, validateSize,
} from './_common';
import { EVALUATION_LABEL, isGlobalRules, ruleRefs, thanosImage } from './_thanos';
import { GlobalEvaluator } from './global-evaluator';
import { ComponentParts } from './stack-component';
import { PrometheusOptions, RemoteWriteOptions } from './stack-options';
import { headerCarriesCredential, headerNamesCredential } from '../common/_credentials';
import { promDuration, promInterval } from '../common/_duration';
import { NOT_REPEATED, invalidProp } from '../common/_errors';
import { GVK } from '../common/_gvk';
import { validatePromLabels, validateUrl } from '../common/_names';
import { definedOnly } from '../common/_object';
import { secretKeySelector } from '../common/secret-key';

const COMPONENT = 'prometheus';

/**
 * The `Prometheus` object with its ServiceAccount, ClusterRole (read-only service discovery and kubelet
 * metrics), Service and self-scrape ServiceMonitor.
 */
export function addPrometheus(ctx: StackContext, o: PrometheusOptions, alertmanagerService: string | undefined,
  trustedRules: () => ReadonlyArray<ApiObject>): ComponentParts & { readonly url: string } {
  const where = `${ctx.where} prometheus`;
  const name = ctx.name;
  const serviceName = `${ctx.name}-prometheus`;
  const image = validateImage(where, 'image', o.image ?? IMAGES.prometheus);
  const replicas = validateReplicas(where, 'replicas', o.replicas) ?? 1;
  const shards = validateReplicas(where, 'shards', o.shards) ?? 1;
  const evaluator = o.globalEvaluator;
  if (evaluator !== undefined && !(evaluator instanceof GlobalEvaluator)) {
    throw invalidProp(where, 'globalEvaluator', evaluator, 'a GlobalEvaluator: GlobalEvaluator.thanos() or GlobalEvaluator.remoteWriteRuler({ ... })');
  }
  if (shards > 1 && evaluator === undefined) {
    throw invalidProp(where, 'shards', shards, 'one shard, or a globalEvaluator beside the shards: each shard scrapes only its part of the targets, '
      + 'so on its own it computes a service\'s error ratio, latency, SLO burn rate and absent or traffic alerts from part of the pods '
      + '(GlobalEvaluator.thanos() for Thanos sidecars, Query and Ruler; GlobalEvaluator.remoteWriteRuler({ remoteWrite, queryUrl }) for Grafana Mimir or Cortex)');
  }
  const retention = promDuration(o.retention ?? Duration.days(15), where, 'retention');
  const retentionSize = validateSize(where, 'retentionSize', o.retentionSize);
  const nodePort = validateNodePort(where, 'nodePort', o.nodePort);
  const scrapeInterval = promInterval(o.scrapeInterval ?? Duration.seconds(30), where, 'scrapeInterval');
  const evaluationInterval = promInterval(o.evaluationInterval ?? Duration.seconds(30), where, 'evaluationInterval');
  const externalLabels = validatePromLabels(where, 'externalLabels', o.externalLabels);
  const externalUrl = o.externalUrl !== undefined ? validateUrl(where, 'externalUrl', o.externalUrl) : undefined;

  const sa = stackServiceAccount(ctx, 'ServiceAccount', COMPONENT, serviceName, true);
  const role = new kplus.ClusterRole(ctx.scope, 'ClusterRole', { metadata: { name: `${ctx.clusterPrefix}-prometheus`, labels: componentLabels(ctx, COMPONENT) } });
  role.allow(['get', 'list', 'watch'], res('', 'nodes'), res('', 'nodes/metrics'), res('', 'services'), res('', 'endpoints'), res('', 'pods'));
  role.allow(['get', 'list', 'watch'], res('discovery.k8s.io', 'endpointslices'));
  role.allow(['get', 'list', 'watch'], res('networking.k8s.io', 'ingresses'));
  role.allow(['get'], res('', 'configmaps'));
  role.allow(['get'], kplus.NonApiResource.of('/metrics'), kplus.NonApiResource.of('/metrics/cadvisor'));
  bindClusterRole(ctx, 'ClusterRoleBinding', COMPONENT, role, sa);

  // Selectors. Operator semantics, made explicit here: a null (absent) object selector selects nothing and
  // an empty one ({}) selects everything; a null namespace selector means the Prometheus's own namespace
  // only and an empty one every namespace. So: objects carrying the stack's labels, in any namespace.
  const selector = { matchLabels: { ...ctx.selectorLabels } };
  // Beside a global evaluator, the shards evaluate every rule made for the stack but the global ones.
  const ruleSelector = evaluator === undefined ? selector
    : { ...selector, matchExpressions: [{ key: EVALUATION_LABEL, operator: 'NotIn', values: ['global'] }] };
  const remoteWrites = [
    ...(o.remoteWrite ?? []).map((rw, i) => remoteWrite(where, `remoteWrite[${i}]`, rw)),
    ...(evaluator?._remoteWrite ? [remoteWrite(where, 'globalEvaluator.remoteWrite', evaluator._remoteWrite.remoteWrite)] : []),
  ];
  const thanosImageRef = evaluator?._thanos ? thanosImage(`${where} globalEvaluator`, evaluator._thanos) : undefined;
  const spec: { [key: string]: unknown } = definedOnly({
    image,
    imagePullPolicy: 'IfNotPresent',
    version: imageVersion(image),
    replicas,
    shards: shards > 1 ? shards : undefined,
    serviceAccountName: sa.name,
    automountServiceAccountToken: true,
    retention,
    retentionSize: retentionSize && mebibytes(retentionSize).replace(/Mi$/, 'MiB'),
    walCompression: true,
    enableAdminAPI: false,
    scrapeInterval,
    evaluationInterval,
    externalLabels: Object.keys(externalLabels).length > 0 ? externalLabels : undefined,
    externalUrl,
    serviceMonitorSelector: selector,
    serviceMonitorNamespaceSelector: {},
    podMonitorSelector: selector,
    podMonitorNamespaceSelector: {},
    ruleSelector,
    ruleNamespaceSelector: {},
    enforcedNamespaceLabel: (o.enforceNamespaceLabel ?? true) ? 'namespace' : undefined,
    // The library's rules the shards evaluate (a global evaluator lists the global ones itself).
    excludedFromEnforcement: (o.enforceNamespaceLabel ?? true)
      ? Lazy.any({ produce: () => ruleRefs(trustedRules().filter(r => !isGlobalRules(r))) }) : undefined,
    alerting: alertmanagerService
      ? { alertmanagers: [{ namespace: ctx.namespace, name: alertmanagerService, port: 'web', apiVersion: 'v2' }] }
      : undefined,
    remoteWrite: remoteWrites.length > 0 ? remoteWrites : undefined,
    // The Thanos sidecar: serves the shard's series to Thanos Query (the governing Service's grpc port).
    thanos: thanosImageRef ? { image: thanosImageRef, version: imageVersion(thanosImageRef) } : undefined,
    resources: kubeResources(o.resources ?? resources('500m', 2048, 4096)),
    storage: o.storage ? storage(where, 'storage', o.storage) : undefined,
    securityContext: restrictedOperatedPod(),
    podMetadata: { labels: componentLabels(ctx, COMPONENT) },
  });
  const resource = new ApiObject(ctx.scope, 'Resource', {
    ...GVK.prometheus,
    metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, COMPONENT) },
    spec,
  });
  stackDisruptionBudget(ctx, 'DisruptionBudget', COMPONENT, serviceName, replicas);
  const service = stackService(ctx, 'Service', COMPONENT, serviceName, [{ name: 'web', port: 9090, nodePort }]);
  stackScrape(ctx, 'Scrape', COMPONENT, serviceName, 'web');
  return { resource, service, serviceAccount: sa, url: `http://${serviceName}.${ctx.namespace}.svc:9090` };
}


function remoteWrite(where: string, prop: string, rw: RemoteWriteOptions): { [key: string]: unknown } {
  validateUrl(where, `${prop}.url`, rw.url, `give the credential as ${prop}.bearerToken or basic auth (SecretKeys), and a URL without it`);
  if ((rw.basicAuthUsername === undefined) !== (rw.basicAuthPassword === undefined)) {
    throw invalidProp(where, `${prop}.basicAuthPassword`, rw.basicAuthPassword?.toString(), 'basicAuthUsername and basicAuthPassword together');
  }
  if (rw.bearerToken && rw.basicAuthUsername) {
    throw invalidProp(where, `${prop}.bearerToken`, rw.bearerToken.toString(), 'one way to authenticate: bearerToken or basic auth, not both');
  }
  validateRemoteWriteHeaders(where, `${prop}.headers`, rw.headers);
  return definedOnly({
    url: rw.url,
    name: rw.name,
    authorization: rw.bearerToken ? { type: 'Bearer', credentials: secretKeySelector(where, `${prop}.bearerToken`, rw.bearerToken) } : undefined,
    basicAuth: rw.basicAuthUsername && rw.basicAuthPassword ? {
      username: secretKeySelector(where, `${prop}.basicAuthUsername`, rw.basicAuthUsername),
      password: secretKeySelector(where, `${prop}.basicAuthPassword`, rw.basicAuthPassword),
    } : undefined,
    headers: rw.headers && Object.keys(rw.headers).length > 0 ? { ...rw.headers } : undefined,
  });
}


/** Remote-write headers: plain in the CRD, so any header that carries a credential (by name or value) is refused. */
function validateRemoteWriteHeaders(where: string, prop: string, headers: { [key: string]: string } | undefined): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) throw invalidProp(where, prop, '(not a map)', 'a map of header names to values');
  for (const [h, v] of Object.entries(headers)) {
    if (!/^[A-Za-z0-9-]+$/.test(h)) throw invalidProp(where, `${prop} key`, NOT_REPEATED, 'an HTTP header name: letters, digits and "-"');
    if (typeof v !== 'string' || /[\u0000-\u001f\u007f]/.test(v)) {
      throw invalidProp(where, `${prop}["${h}"]`, NOT_REPEATED, 'a header value as text, without line breaks or control characters');
    }
    if (headerCarriesCredential(h, v)) {
      throw invalidProp(where, headerNamesCredential(h) ? `${prop}["${h}"]` : prop, NOT_REPEATED,
        'a header that carries no credential (the Prometheus CRD writes header values into its YAML as they are): give the credential as bearerToken or basic auth (SecretKeys)');
    }
  }
}
