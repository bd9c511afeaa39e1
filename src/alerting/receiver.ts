import { isIP } from 'net';
import * as chat from './_chat-receivers';
import { DefaultedField, INLINE, IntegrationSpec, ReceiverParts, ReceiverSpec, TEMPLATE, secretRef, sel } from './_receiver-spec';
import {
  DiscordReceiverOptions, EmailReceiverOptions, MsTeamsReceiverOptions, OpsgenieReceiverOptions, PagerDutyReceiverOptions, PushoverReceiverOptions,
  ReceiverOptions, RocketChatReceiverOptions, SlackReceiverOptions, SnsReceiverOptions, TelegramReceiverOptions, VictorOpsReceiverOptions,
  WebexReceiverOptions, WebhookReceiverOptions, WeChatReceiverOptions,
} from './receiver-options';
import { NOT_REPEATED, invalidProp } from '../common/_errors';
import { literalText, validateTemplate } from '../common/_go-template';
import { validateUrl } from '../common/_names';
import { refuseUnencodableText } from '../common/_text';

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
      configsKey: 'slack_configs',
      config: {
        channel: literalText(o.channel),
        title: TEMPLATE.title,
        text: TEMPLATE.text,
      },
      secrets: o.apiUrl !== undefined ? [{ fileField: 'api_url_file', ref: secretRef(w, 'apiUrl', o.apiUrl) }] : [],
      crdKey: 'slackConfigs',
      crdConfig: {
        channel: literalText(o.channel), title: INLINE.title, text: INLINE.text, apiURL: o.apiUrl !== undefined ? sel(o.apiUrl) : undefined,
      },
    }, o.apiUrl === undefined ? ['slackApiUrl'] : []);
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
      configsKey: 'email_configs',
      config: {
        to: o.to,
        from: o.fromAddress,
        smarthost: o.smarthost,
        auth_username: o.authUsername,
        require_tls: o.requireTls,
        headers: { Subject: TEMPLATE.title },
        html: TEMPLATE.html,
      },
      secrets: o.authPassword ? [{ fileField: 'auth_password_file', ref: secretRef(w, 'authPassword', o.authPassword) }] : [],
      crdKey: 'emailConfigs',
      crdConfig: {
        to: o.to,
        from: o.fromAddress,
        smarthost: o.smarthost,
        authUsername: o.authUsername,
        requireTLS: o.requireTls,
        headers: [{ key: 'Subject', value: INLINE.title }],
        text: INLINE.text,
        authPassword: o.authPassword ? sel(o.authPassword) : undefined,
      },
    }, defaulted);
  }

  /** PagerDuty. */
  public static pagerDuty(name: string, o: PagerDutyReceiverOptions): Receiver {
    const w = where('pagerDuty', name);
    if (o.url !== undefined) validateUrl(w, 'url', o.url, 'give the routing key as routingKey (a SecretKey), and a URL without it');
    return Receiver.single(w, name, o, {
      configsKey: 'pagerduty_configs',
      config: { url: o.url, description: TEMPLATE.title, severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}' },
      secrets: [{ fileField: 'routing_key_file', ref: secretRef(w, 'routingKey', o.routingKey) }],
      crdKey: 'pagerdutyConfigs',
      crdConfig: {
        url: o.url,
        description: INLINE.title,
        severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}',
        routingKey: sel(o.routingKey),
      },
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
      configsKey: 'opsgenie_configs',
      config: { message: TEMPLATE.title, description: TEMPLATE.text, priority: o.priority },
      secrets: [{ fileField: 'api_key_file', ref: secretRef(w, 'apiKey', o.apiKey) }],
      crdKey: 'opsgenieConfigs',
      crdConfig: { message: INLINE.title, description: INLINE.text, priority: o.priority, apiKey: sel(o.apiKey) },
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
    const urlRef = o.urlSecret !== undefined ? secretRef(w, 'urlSecret', o.urlSecret) : undefined;
    return Receiver.single(w, name, o, {
      configsKey: 'webhook_configs',
      config: { url: o.url, max_alerts: o.maxAlerts },
      secrets: [
        ...(urlRef ? [{ fileField: 'url_file', ref: urlRef }] : []),
        ...(o.bearerToken ? [{ fileField: 'http_config.authorization.credentials_file', ref: secretRef(w, 'bearerToken', o.bearerToken) }] : []),
      ],
      crdKey: 'webhookConfigs',
      crdConfig: {
        url: o.url,
        urlSecret: urlRef ? sel(urlRef) : undefined,
        maxAlerts: o.maxAlerts,
        httpConfig: o.bearerToken ? { authorization: { type: 'Bearer', credentials: sel(o.bearerToken) } } : undefined,
      },
    });
  }

  /** Microsoft Teams through an Office 365 connector (incoming webhook). */
  public static msTeams(name: string, o: MsTeamsReceiverOptions): Receiver {
    const w = where('msTeams', name);
    return Receiver.single(w, name, o, { ...chat.msTeams(w, o) });
  }

  /** Microsoft Teams through a Power Automate Workflows webhook (the successor of connectors). */
  public static msTeamsV2(name: string, o: MsTeamsReceiverOptions): Receiver {
    const w = where('msTeamsV2', name);
    return Receiver.single(w, name, o, { ...chat.msTeamsV2(w, o) });
  }

  /** Discord (a channel webhook). */
  public static discord(name: string, o: DiscordReceiverOptions): Receiver {
    const w = where('discord', name);
    return Receiver.single(w, name, o, { ...chat.discord(w, o) });
  }

  /** Telegram (a bot posting to a chat). */
  public static telegram(name: string, o: TelegramReceiverOptions): Receiver {
    const w = where('telegram', name);
    return Receiver.single(w, name, o, { ...chat.telegram(w, o) });
  }

  /** Pushover (push notifications; critical alerts at emergency priority by default). */
  public static pushover(name: string, o: PushoverReceiverOptions): Receiver {
    const w = where('pushover', name);
    return Receiver.single(w, name, o, { ...chat.pushover(w, o) });
  }

  /** WeChat Work. */
  public static weChat(name: string, o: WeChatReceiverOptions): Receiver {
    const w = where('weChat', name);
    return Receiver.single(w, name, o, { ...chat.weChat(w, o) });
  }

  /** Amazon SNS, with the pod's AWS identity (no static keys). */
  public static sns(name: string, o: SnsReceiverOptions): Receiver {
    const w = where('sns', name);
    return Receiver.single(w, name, o, { ...chat.sns(w, o) });
  }

  /** Rocket.Chat. */
  public static rocketChat(name: string, o: RocketChatReceiverOptions): Receiver {
    const w = where('rocketChat', name);
    return Receiver.single(w, name, o, { ...chat.rocketChat(w, o) });
  }

  /** VictorOps (Splunk On-Call). */
  public static victorOps(name: string, o: VictorOpsReceiverOptions): Receiver {
    const w = where('victorOps', name);
    if (typeof o.routingKey !== 'string' || o.routingKey.trim() === '') throw invalidProp(w, 'routingKey', o.routingKey, 'a non-empty routing key');
    return Receiver.single(w, name, o, {
      configsKey: 'victorops_configs',
      config: { routing_key: literalText(o.routingKey), entity_display_name: TEMPLATE.title },
      secrets: [{ fileField: 'api_key_file', ref: secretRef(w, 'apiKey', o.apiKey) }],
      crdKey: 'victoropsConfigs',
      crdConfig: { routingKey: literalText(o.routingKey), entityDisplayName: INLINE.title, apiKey: sel(o.apiKey) },
    });
  }

  /** Cisco Webex. */
  public static webex(name: string, o: WebexReceiverOptions): Receiver {
    const w = where('webex', name);
    if (typeof o.roomId !== 'string' || o.roomId.trim() === '') throw invalidProp(w, 'roomId', o.roomId, 'a non-empty room id');
    return Receiver.single(w, name, o, {
      configsKey: 'webex_configs',
      config: { room_id: literalText(o.roomId), api_url: 'https://webexapis.com/v1/messages', message: TEMPLATE.text },
      secrets: [{ fileField: 'http_config.authorization.credentials_file', ref: secretRef(w, 'botToken', o.botToken) }],
      crdKey: 'webexConfigs',
      crdConfig: {
        roomID: literalText(o.roomId),
        apiURL: 'https://webexapis.com/v1/messages',
        message: INLINE.text,
        httpConfig: { authorization: { type: 'Bearer', credentials: sel(o.botToken) } },
      },
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
  private static single(w: string, name: string, o: ReceiverOptions, parts: ReceiverParts, defaulted: DefaultedField[] = []): Receiver {
    refuseUnencodableText(w, o);
    const kind = parts.configsKey.replace(/_configs$/, '');
    return new Receiver(name, [{ ...withCommonSettings(w, o, parts), kind, defaulted }]);
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
 * Adds what every receiver takes to both renderings: `send_resolved` (default true, false for email) and the
 * proxy settings of its HTTP client.
 */
function withCommonSettings(w: string, o: ReceiverOptions, parts: ReceiverParts): ReceiverParts {
  const email = parts.configsKey === 'email_configs';
  const resolved = o.sendResolved ?? !email;
  const spec: ReceiverParts = {
    ...parts,
    config: { send_resolved: resolved, ...parts.config },
    crdConfig: { sendResolved: resolved, ...parts.crdConfig },
  };
  if (o.proxyUrl === undefined && !o.proxyFromEnvironment) return spec;
  if (email) throw invalidProp(w, o.proxyUrl !== undefined ? 'proxyUrl' : 'proxyFromEnvironment', o.proxyUrl !== undefined ? NOT_REPEATED : true, 'no proxy settings: this receiver makes no HTTP requests');
  if (o.proxyUrl !== undefined && o.proxyFromEnvironment) throw invalidProp(w, 'proxyFromEnvironment', true, 'proxyUrl or proxyFromEnvironment, not both');
  if (o.proxyUrl !== undefined) validateUrl(w, 'proxyUrl', o.proxyUrl);
  const http = o.proxyUrl !== undefined ? { proxy_url: o.proxyUrl } : { proxy_from_environment: true };
  const crdHttp = o.proxyUrl !== undefined ? { proxyURL: o.proxyUrl } : { proxyFromEnvironment: true };
  return {
    ...spec,
    config: { ...spec.config, http_config: { ...(spec.config.http_config as object | undefined), ...http } },
    crdConfig: { ...spec.crdConfig, httpConfig: { ...(spec.crdConfig.httpConfig as object | undefined), ...crdHttp } },
  };
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
