import { ApiObject, Duration, Lazy } from 'cdk8s';
import {
  IMAGES, StackContext, componentLabels, imageVersion, kubeResources, resources, restrictedOperatedPod, stackDisruptionBudget, stackScrape,
  stackService, stackServiceAccount, storage, validateImage, validateNodePort, validateReplicas,
} from './_common';
import { ComponentParts } from './stack-component';
import { AlertmanagerOptions } from './stack-options';
import { AlertRouting } from '../alerting/alert-routing';
import { promDuration } from '../common/_duration';
import { GVK } from '../common/_gvk';
import { validateUrl } from '../common/_names';
import { definedOnly } from '../common/_object';

const COMPONENT = 'alertmanager';

/**
 * The `Alertmanager` object, reading its configuration from the routing's Secret and mounting the Secrets
 * its receivers read credentials from; its ServiceAccount (no API access), Service and ServiceMonitor.
 */
export function addAlertmanager(ctx: StackContext, o: AlertmanagerOptions, routing: AlertRouting): ComponentParts & { readonly url: string } {
  const where = `${ctx.where} alertmanager`;
  const serviceName = `${ctx.name}-alertmanager`;
  const image = validateImage(where, 'image', o.image ?? IMAGES.alertmanager);
  const replicas = validateReplicas(where, 'replicas', o.replicas) ?? 1;
  // The Alertmanager schema takes hours at most (no days).
  const retention = promDuration(o.retention ?? Duration.hours(120), where, 'retention', { largestUnit: 'h' });
  const nodePort = validateNodePort(where, 'nodePort', o.nodePort);
  const externalUrl = o.externalUrl !== undefined ? validateUrl(where, 'externalUrl', o.externalUrl) : undefined;
  const sa = stackServiceAccount(ctx, 'ServiceAccount', COMPONENT, serviceName, false);
  const storageSpec = o.storage ? storage(where, 'storage', o.storage) : undefined;
  const resource = new ApiObject(ctx.scope, 'Resource', {
    ...GVK.alertmanager,
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: componentLabels(ctx, COMPONENT) },
    spec: {
      // Resolved at synth: receivers and their Secrets may be added after the stack is made.
      ...definedOnly({
        image,
        imagePullPolicy: 'IfNotPresent',
        version: imageVersion(image),
        replicas,
        retention,
        serviceAccountName: sa.name,
        automountServiceAccountToken: false,
        configSecret: routing.resource.name,
        externalUrl,
        resources: kubeResources(o.resources ?? resources('50m', 128, 256)),
        storage: storageSpec,
        securityContext: restrictedOperatedPod(),
        podMetadata: { labels: componentLabels(ctx, COMPONENT) },
      }),
      secrets: Lazy.any({ produce: () => routing.secretNames.length > 0 ? routing.secretNames : undefined }),
    },
  });
  stackDisruptionBudget(ctx, 'DisruptionBudget', COMPONENT, serviceName, replicas);
  const service = stackService(ctx, 'Service', COMPONENT, serviceName, [{ name: 'web', port: 9093, nodePort }]);
  stackScrape(ctx, 'Scrape', COMPONENT, serviceName, 'web');
  return { resource, service, serviceAccount: sa, url: `http://${serviceName}.${ctx.namespace}.svc:9093` };
}
