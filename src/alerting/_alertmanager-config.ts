import { messageBody, messageRef } from './_messages';
import { DefaultedField, crdKeyOf, sel } from './_receiver-spec';
import { Receiver } from './receiver';
import { ReceiverDefaults } from './routing-options';
import { definedOnly } from '../common/_object';
import { SecretKey } from '../common/secret-key';

/** Where the operator mounts a Secret listed in the Alertmanager's `secrets`. @internal */
export const SECRETS_DIR = '/etc/alertmanager/secrets';

/** One receiver in alertmanager.yaml, its secrets as mounted files; what it leaves unset comes from `global`. @internal */
export function renderReceiver(r: Receiver): { [key: string]: unknown } {
  const out: { [key: string]: unknown[] } = {};
  for (const integration of r._spec.integrations) {
    const config: { [key: string]: unknown } = {};
    for (const f of integration.fields) {
      const path = f.key.split('.');
      if ('secret' in f.of) setPath(config, [...path.slice(0, -1), `${path[path.length - 1]}_file`], secretFile(f.of.secret));
      else if ('message' in f.of) setPath(config, path, messageRef(f.of.message));
      else setPath(config, path, f.of.value);
    }
    (out[`${integration.kind}_configs`] ??= []).push(config);
  }
  return { name: r.name, ...out };
}

/** alertmanager.yaml's `global` section from the routing's receiver defaults. @internal */
export function renderGlobal(d: ReceiverDefaults | undefined): { [key: string]: unknown } {
  return definedOnly({
    resolve_timeout: '5m',
    smtp_smarthost: d?.smtpSmarthost,
    smtp_from: d?.smtpFrom,
    smtp_auth_username: d?.smtpAuthUsername,
    smtp_auth_password_file: d?.smtpAuthPassword && secretFile(d.smtpAuthPassword),
    smtp_require_tls: d?.smtpRequireTls,
    slack_api_url_file: d?.slackApiUrl && secretFile(d.slackApiUrl),
  });
}

function secretFile(ref: SecretKey): string {
  return `${SECRETS_DIR}/${ref.secretName}/${ref.key}`;
}

/** Sets a nested field; an undefined value leaves the field out. */
function setPath(obj: { [key: string]: any }, path: string[], value: unknown): void {
  if (value === undefined) return;
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = (cur[p] ??= {});
  cur[path[path.length - 1]] = value;
}

/**
 * One receiver of an AlertmanagerConfig: secrets as SecretKeySelectors in the object's namespace, messages
 * inline. An AlertmanagerConfig has no global section of its own (the adopted Alertmanager's applies), so the
 * routing's receiver defaults are written into each integration that leaves them unset. @internal
 */
export function renderCrdReceiver(r: Receiver, d: ReceiverDefaults | undefined): { [key: string]: unknown } {
  const out: { [key: string]: unknown[] } = {};
  for (const integration of r._spec.integrations) {
    const config: { [key: string]: unknown } = {};
    for (const f of integration.fields) {
      const path = crdKeyOf(f).split('.');
      if ('secret' in f.of) setPath(config, path, sel(f.of.secret));
      else if ('message' in f.of) setPath(config, path, messageBody(f.of.message));
      else setPath(config, path, f.crdValue ?? f.of.value);
    }
    const has = (x: DefaultedField) => integration.defaulted.includes(x);
    const inlined = definedOnly({
      smarthost: has('smtpSmarthost') ? d?.smtpSmarthost : undefined,
      from: has('smtpFrom') ? d?.smtpFrom : undefined,
      authUsername: has('smtpAuth') ? d?.smtpAuthUsername : undefined,
      authPassword: has('smtpAuth') && d?.smtpAuthPassword ? sel(d.smtpAuthPassword) : undefined,
      requireTLS: has('smtpRequireTls') ? d?.smtpRequireTls : undefined,
      apiURL: has('slackApiUrl') && d?.slackApiUrl ? sel(d.slackApiUrl) : undefined,
    });
    (out[`${integration.kind}Configs`] ??= []).push({ ...config, ...inlined });
  }
  return { name: r.name, ...out };
}
