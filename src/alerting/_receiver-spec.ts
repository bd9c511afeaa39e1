import { MessageKind } from './_messages';
import { SecretKey, secretKeySelector } from '../common/secret-key';

/*
 * One pattern for every receiver: an integration is a list of fields, each written once with its
 * alertmanager.yaml key; both renderings are derived from that list. alertmanager.yaml takes a secret as
 * a mounted file (`<key>_file`) and a message as a reference to the shipped template file; an
 * AlertmanagerConfig (v1alpha1) takes the key in lowerCamelCase, a secret as a SecretKeySelector and a
 * message's body inline.
 */

/** What a field holds. @internal */
export type FieldValue =
  | { readonly value: unknown }
  | { readonly message: MessageKind }
  | { readonly secret: SecretKey };

/** One field of an integration. @internal */
export interface IntegrationField {
  /** The alertmanager.yaml key; nested fields as a dotted path, e.g. `http_config.proxy_url`. */
  readonly key: string;
  /** The AlertmanagerConfig key where it is not `key` in lowerCamelCase with URL, ID, ARN and TLS in capitals. */
  readonly crdKey?: string;
  readonly of: FieldValue;
  /** The AlertmanagerConfig value where its shape differs from alertmanager.yaml's (e.g. email headers). */
  readonly crdValue?: unknown;
}

/** A plain value, the same in both renderings (undefined: the field is left out). @internal */
export function field(key: string, value: unknown, crdKey?: string): IntegrationField {
  return { key, crdKey, of: { value } };
}

/** A message: a template reference in alertmanager.yaml, its body in an AlertmanagerConfig. @internal */
export function message(key: string, kind: MessageKind): IntegrationField {
  return { key, of: { message: kind } };
}

/** A credential: a mounted file in alertmanager.yaml (`<key>_file`), a SecretKeySelector in an AlertmanagerConfig. @internal */
export function secret(key: string, ref: SecretKey, crdKey?: string): IntegrationField {
  return { key, crdKey, of: { secret: ref } };
}

/** A value whose two renderings have different shapes. @internal */
export function twoShapes(key: string, value: unknown, crdValue: unknown): IntegrationField {
  return { key, of: { value }, crdValue };
}

/**
 * A setting an integration left to the routing's `receiverDefaults`, as Alertmanager's global section fills
 * it (config.go: an email config takes the global smarthost, sender, username, password and TLS requirement
 * it does not set; a Slack config the global API URL). @internal
 */
export type DefaultedField = 'smtpSmarthost' | 'smtpFrom' | 'smtpAuth' | 'smtpRequireTls' | 'slackApiUrl';

/** What a receiver factory describes of one integration. @internal */
export interface IntegrationParts {
  /** Alertmanager's name of the integration, e.g. `slack`, `msteamsv2` (`slack_configs`, `slackConfigs`). */
  readonly kind: string;
  readonly fields: ReadonlyArray<IntegrationField>;
  /** Settings left to the routing's `receiverDefaults`. */
  readonly defaulted?: ReadonlyArray<DefaultedField>;
}

/** One integration of a receiver, with the settings every receiver takes. @internal */
export interface IntegrationSpec extends IntegrationParts {
  readonly defaulted: ReadonlyArray<DefaultedField>;
}

/** A receiver: its name and the integrations it notifies (none for a receiver that drops what it is sent). @internal */
export interface ReceiverSpec {
  readonly name: string;
  readonly integrations: ReadonlyArray<IntegrationSpec>;
}

/** The AlertmanagerConfig key of an alertmanager.yaml key. @internal */
export function crdKeyOf(f: IntegrationField): string {
  if (f.crdKey !== undefined) return f.crdKey;
  return f.key.split('.').map(segment => segment.split('_').map((word, i) => {
    if (i === 0) return word;
    if (ACRONYMS.has(word)) return word.toUpperCase();
    return word.charAt(0).toUpperCase() + word.slice(1);
  }).join('')).join('.');
}

const ACRONYMS = new Set(['url', 'id', 'arn', 'tls']);

/** A credential prop: must be a SecretKey, never a plain string. @internal */
export function secretRef(w: string, prop: string, ref: SecretKey): SecretKey {
  secretKeySelector(w, prop, ref);
  return ref;
}

/** The SecretKeySelector of an already checked reference. @internal */
export function sel(ref: SecretKey): { name: string; key: string } {
  return secretKeySelector('', '', ref);
}
