import { isIP } from 'net';
import * as chat from './_chat-receivers';
import { messageBody, messageRef } from './_messages';
import { DefaultedField, IntegrationParts, IntegrationSpec, ReceiverSpec, field, message, secret, secretRef, twoShapes } from './_receiver-spec';
import {
  DiscordReceiverOptions, EmailReceiverOptions, MsTeamsReceiverOptions, OpsgenieReceiverOptions, PagerDutyReceiverOptions, PushoverReceiverOptions,
  ReceiverOptions, RocketChatReceiverOptions, SlackReceiverOptions, SnsReceiverOptions, TelegramReceiverOptions, VictorOpsReceiverOptions,
  WebexReceiverOptions, WebhookReceiverOptions, WeChatReceiverOptions,
} from './receiver-options';
import { NOT_REPEATED, invalidProp } from '../common/_errors';
import { literalText, validateTemplate } from '../common/_go-template';
import { validateUrl } from '../common/_names';
import { refuseUnencodableText } from '../common/_text';
import { SecretKey } from '../common/secret-key';

const NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * Where alerts are delivered. Every credential is a `SecretKey`: the rendered alertmanager.yaml points at
 * the mounted Secret file (`*_file` fields), so no credential ever appears in synthesized YAML.
 */
export class Receiver {
  /** Slack. */
  public static slack(name: string, o: SlackReceiverOptions): Receiver {
    const w = where('slack', name);
    if (typeof o.channel !== 'string' || !/^[#@]?[^\s]+$/.test(o.channel)) throw invalidProp(w, 'channel', o.channel, 'a channel such as "#ml-alerts"');
    return Receiver.single(w, name, o, {
      kind: 'slack',
      fields: [
        field('channel', literalText(o.channel)),
        message('title', 'title'),
        message('text', 'text'),
        ...(o.apiUrl !== undefined ? [secret('api_url', secretRef(w, 'apiUrl', o.apiUrl))] : []),
      ],
      defaulted: o.apiUrl === undefined ? ['slackApiUrl'] : [],
    });
  }

  /** Email. */
  public static email(name: string, o: EmailReceiverOptions): Receiver {
    const w = where('email', name);
    if (typeof o.to !== 'string' || !o.to.split(',').every(a => EMAIL.test(a.trim()))) throw invalidProp(w, 'to', o.to, 'one or more email addresses, comma-separated');
    if (o.fromAddress !== undefined) validateEmailAddress(w, 'fromAddress', o.fromAddress);
    if (o.smarthost !== undefined) validateSmarthost(w, 'smarthost', o.smarthost);
    if ((o.authUsername === undefined) !== (o.authPassword === undefined)) throw invalidProp(w, 'authPassword', 'only one of authUsername and authPassword', 'both or neither');
    const defaulted: DefaultedField[] = [];
    if (o.smarthost === undefined) defaulted.push('smtpSmarthost');
    if (o.fromAddress === undefined) defaulted.push('smtpFrom');
    if (o.authUsername === undefined) defaulted.push('smtpAuth');
    if (o.requireTls === undefined) defaulted.push('smtpRequireTls');
    return Receiver.single(w, name, o, {
      kind: 'email',
      fields: [
        field('to', o.to),
        field('from', o.fromAddress),
        field('smarthost', o.smarthost),
        field('auth_username', o.authUsername),
        ...(o.authPassword ? [secret('auth_password', secretRef(w, 'authPassword', o.authPassword), 'authPassword')] : []),
        field('require_tls', o.requireTls),
        // The subject is a header: a map in alertmanager.yaml, a list of key-value pairs in an AlertmanagerConfig.
        twoShapes('headers', { Subject: messageRef('title') }, [{ key: 'Subject', value: messageBody('title') }]),
        message('html', 'html'),
      ],
      defaulted,
    });
  }

  /** PagerDuty. */
  public static pagerDuty(name: string, o: PagerDutyReceiverOptions): Receiver {
    const w = where('pagerDuty', name);
    if (o.url !== undefined) validateUrl(w, 'url', o.url, 'give the routing key as routingKey (a SecretKey), and a URL without it');
    return Receiver.single(w, name, o, {
      kind: 'pagerduty',
      fields: [
        field('url', o.url),
        message('description', 'title'),
        field('severity', '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}'),
        secret('routing_key', secretRef(w, 'routingKey', o.routingKey)),
      ],
    });
  }

  /** Opsgenie. */
  public static opsgenie(name: string, o: OpsgenieReceiverOptions): Receiver {
    const w = where('opsgenie', name);
    // Opsgenie knows P1 to P5; a template is rendered per notification and left to the user.
    if (o.priority !== undefined && (typeof o.priority !== 'string' || !(/^P[1-5]$/.test(o.priority) || o.priority.includes('{{')))) {
      throw invalidProp(w, 'priority', o.priority, 'an Opsgenie priority, P1 (highest) to P5, or a template that renders one');
    }
    if (o.priority !== undefined) validateTemplate(w, 'priority', o.priority, 'Alertmanager');
    return Receiver.single(w, name, o, {
      kind: 'opsgenie',
      fields: [message('message', 'title'), message('description', 'text'), field('priority', o.priority), secret('api_key', secretRef(w, 'apiKey', o.apiKey))],
    });
  }

  /** A webhook: the endpoint of an automated response such as a retraining pipeline. */
  public static webhook(name: string, o: WebhookReceiverOptions): Receiver {
    const w = where('webhook', name);
    if ((o.url === undefined) === (o.urlSecret === undefined)) {
      throw invalidProp(w, 'url', o.url, 'exactly one of url (a plain URL) or urlSecret (a SecretKey, for URLs that carry a token)');
    }
    if (o.url !== undefined) {
      validateUrl(w, 'url', o.url, 'give the URL as urlSecret, or the token as bearerToken (SecretKeys)');
    }
    if (o.maxAlerts !== undefined && (!Number.isInteger(o.maxAlerts) || o.maxAlerts < 0)) throw invalidProp(w, 'maxAlerts', o.maxAlerts, 'a whole number of 0 or more');
    return Receiver.single(w, name, o, {
      kind: 'webhook',
      fields: [
        field('url', o.url),
        ...(o.urlSecret !== undefined ? [secret('url', secretRef(w, 'urlSecret', o.urlSecret), 'urlSecret')] : []),
        field('max_alerts', o.maxAlerts),
        ...(o.bearerToken ? bearer(secretRef(w, 'bearerToken', o.bearerToken)) : []),
      ],
    });
  }

  /** Microsoft Teams through an Office 365 connector (incoming webhook). */
  public static msTeams(name: string, o: MsTeamsReceiverOptions): Receiver {
    const w = where('msTeams', name);
    return Receiver.single(w, name, o, chat.msTeams(w, o));
  }

  /** Microsoft Teams through a Power Automate Workflows webhook (the successor of connectors). */
  public static msTeamsV2(name: string, o: MsTeamsReceiverOptions): Receiver {
    const w = where('msTeamsV2', name);
    return Receiver.single(w, name, o, chat.msTeamsV2(w, o));
  }

  /** Discord (a channel webhook). */
  public static discord(name: string, o: DiscordReceiverOptions): Receiver {
    const w = where('discord', name);
    return Receiver.single(w, name, o, chat.discord(w, o));
  }

  /** Telegram (a bot posting to a chat). */
  public static telegram(name: string, o: TelegramReceiverOptions): Receiver {
    const w = where('telegram', name);
    return Receiver.single(w, name, o, chat.telegram(w, o));
  }

  /** Pushover (push notifications; critical alerts at emergency priority by default). */
  public static pushover(name: string, o: PushoverReceiverOptions): Receiver {
    const w = where('pushover', name);
    return Receiver.single(w, name, o, chat.pushover(w, o));
  }

  /** WeChat Work. */
  public static weChat(name: string, o: WeChatReceiverOptions): Receiver {
    const w = where('weChat', name);
    return Receiver.single(w, name, o, chat.weChat(w, o));
  }

  /** Amazon SNS, with the pod's AWS identity (no static keys). */
  public static sns(name: string, o: SnsReceiverOptions): Receiver {
    const w = where('sns', name);
    return Receiver.single(w, name, o, chat.sns(w, o));
  }

  /** Rocket.Chat. */
  public static rocketChat(name: string, o: RocketChatReceiverOptions): Receiver {
    const w = where('rocketChat', name);
    return Receiver.single(w, name, o, chat.rocketChat(w, o));
  }

  /** VictorOps (Splunk On-Call). */
  public static victorOps(name: string, o: VictorOpsReceiverOptions): Receiver {
    const w = where('victorOps', name);
    if (typeof o.routingKey !== 'string' || o.routingKey.trim() === '') throw invalidProp(w, 'routingKey', o.routingKey, 'a non-empty routing key');
    return Receiver.single(w, name, o, {
      kind: 'victorops',
      fields: [field('routing_key', literalText(o.routingKey)), message('entity_display_name', 'title'), secret('api_key', secretRef(w, 'apiKey', o.apiKey))],
    });
  }

  /** Cisco Webex. */
  public static webex(name: string, o: WebexReceiverOptions): Receiver {
    const w = where('webex', name);
    if (typeof o.roomId !== 'string' || o.roomId.trim() === '') throw invalidProp(w, 'roomId', o.roomId, 'a non-empty room id');
    return Receiver.single(w, name, o, {
      kind: 'webex',
      fields: [
        field('room_id', literalText(o.roomId)),
        field('api_url', 'https://webexapis.com/v1/messages'),
        message('message', 'text'),
        ...bearer(secretRef(w, 'botToken', o.botToken)),
      ],
    });
  }

  /** A receiver that drops what it is sent (for alerts routed nowhere on purpose). */
  public static none(name: string): Receiver {
    where('none', name);
    return new Receiver(name, []);
  }

  /**
   * One receiver that notifies through several integrations at once, as Alertmanager allows (Slack and
   * email for the same alerts, say): each integration is made by the other factories, under any name, and
   * only its settings are taken.
   */
  public static combine(name: string, integrations: Receiver[]): Receiver {
    const w = where('combine', name);
    if (!Array.isArray(integrations) || integrations.length === 0) {
      throw invalidProp(w, 'integrations', integrations, 'one or more receivers, e.g. [Receiver.slack(...), Receiver.email(...)]');
    }
    integrations.forEach((r, i) => {
      if (!(r instanceof Receiver)) throw invalidProp(w, `integrations[${i}]`, r, 'a Receiver made by a factory such as Receiver.slack(...)');
      if (r._spec.integrations.length === 0) throw invalidProp(w, `integrations[${i}]`, r.name, 'a receiver that notifies someone (Receiver.none notifies no one)');
    });
    return new Receiver(name, integrations.flatMap(r => r._spec.integrations));
  }

  /** One integration, with the settings every receiver takes. */
  private static single(w: string, name: string, o: ReceiverOptions, parts: IntegrationParts): Receiver {
    refuseUnencodableText(w, o);
    return new Receiver(name, [withCommonSettings(w, o, parts)]);
  }

  /** The receiver's name, unique within a routing tree. */
  public readonly name: string;
  /** @internal */
  public readonly _spec: ReceiverSpec;

  private constructor(name: string, integrations: IntegrationSpec[]) {
    this.name = name;
    this._spec = { name, integrations };
  }
}

/**
 * Adds what every receiver takes: `send_resolved` (default true, false for email) and the proxy settings of
 * its HTTP client.
 */
function withCommonSettings(w: string, o: ReceiverOptions, parts: IntegrationParts): IntegrationSpec {
  const email = parts.kind === 'email';
  const common = [field('send_resolved', o.sendResolved ?? !email)];
  if (o.proxyUrl !== undefined || o.proxyFromEnvironment) {
    if (email) throw invalidProp(w, o.proxyUrl !== undefined ? 'proxyUrl' : 'proxyFromEnvironment', o.proxyUrl !== undefined ? NOT_REPEATED : true, 'no proxy settings: this receiver makes no HTTP requests');
    if (o.proxyUrl !== undefined && o.proxyFromEnvironment) throw invalidProp(w, 'proxyFromEnvironment', true, 'proxyUrl or proxyFromEnvironment, not both');
    if (o.proxyUrl !== undefined) common.push(field('http_config.proxy_url', validateUrl(w, 'proxyUrl', o.proxyUrl)));
    else common.push(field('http_config.proxy_from_environment', true));
  }
  return { kind: parts.kind, fields: [common[0], ...parts.fields, ...common.slice(1)], defaulted: parts.defaulted ?? [] };
}

/** A bearer token of the receiver's HTTP client. */
function bearer(ref: SecretKey) {
  return [field('http_config.authorization.type', 'Bearer'), secret('http_config.authorization.credentials', ref)];
}

function where(kind: string, name: string): string {
  const w = `Receiver.${kind}`;
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 63) {
    throw invalidProp(w, 'name', name, 'lower-case letters, digits, "-", "_" and ".", at most 63, e.g. "ml-oncall"');
  }
  return `${w}("${name}")`;
}


/** An email address (a sender). @internal */
export function validateEmailAddress(w: string, prop: string, value: unknown): string {
  if (typeof value !== 'string' || !EMAIL.test(value)) throw invalidProp(w, prop, value, 'an email address, e.g. alertmanager@example.com');
  return value;
}

/** An SMTP smarthost. @internal */
export function validateSmarthost(w: string, prop: string, value: unknown): string {
  if (!isSmarthost(value)) throw invalidProp(w, prop, value, 'host:port with a port from 1 to 65535, e.g. smtp.example.com:587 or [2001:db8::25]:25');
  return value as string;
}

/** An SMTP smarthost as Alertmanager splits it (net.SplitHostPort): host:port, an IPv6 host in brackets. */
function isSmarthost(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = /^(\[[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?\]|[^\s:[\]/@]+):(\d{1,5})$/.exec(value);
  if (!m) return false;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 && (!m[1].startsWith('[') || isIP(m[1].slice(1, -1).replace(/%.*$/, '')) === 6);
}
