import { SecretKey } from '../common/secret-key';

/** Options every receiver takes. */
export interface ReceiverOptions {
  /**
   * Also notify when the alert resolves.
   * @default true (false for email)
   */
  readonly sendResolved?: boolean;
  /**
   * An HTTP proxy for the receiver's requests (not for email), e.g. `http://proxy.corp:3128`.
   * @default - no proxy
   */
  readonly proxyUrl?: string;
  /**
   * Use the proxy from Alertmanager's environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY); not with `proxyUrl`.
   * @default false
   */
  readonly proxyFromEnvironment?: boolean;
}

/** A Slack receiver (incoming webhook). */
export interface SlackReceiverOptions extends ReceiverOptions {
  /** The channel, e.g. `#ml-alerts`. */
  readonly channel: string;
  /**
   * The incoming-webhook URL, from a Secret.
   * @default - the routing's `receiverDefaults.slackApiUrl` (an error at construct time when neither is set)
   */
  readonly apiUrl?: SecretKey;
}

/** An email receiver. */
export interface EmailReceiverOptions extends ReceiverOptions {
  /** The recipients, comma-separated or one address. */
  readonly to: string;
  /**
   * The sender address.
   * @default - the routing's `receiverDefaults.smtpFrom` (an error at construct time when neither is set)
   */
  readonly fromAddress?: string;
  /**
   * The SMTP server, `host:port`.
   * @default - the routing's `receiverDefaults.smtpSmarthost` (an error at construct time when neither is set)
   */
  readonly smarthost?: string;
  /**
   * The SMTP user name (with `authPassword`).
   * @default - the routing's `receiverDefaults.smtpAuthUsername` and password, else no authentication
   */
  readonly authUsername?: string;
  /**
   * The SMTP password, from a Secret (with `authUsername`).
   * @default - the routing's `receiverDefaults.smtpAuthPassword`, else no authentication
   */
  readonly authPassword?: SecretKey;
  /**
   * Require STARTTLS.
   * @default - the routing's `receiverDefaults.smtpRequireTls`, else true
   */
  readonly requireTls?: boolean;
}

/** A PagerDuty receiver (Events API v2). */
export interface PagerDutyReceiverOptions extends ReceiverOptions {
  /** The integration's routing key, from a Secret. */
  readonly routingKey: SecretKey;
  /**
   * The Events API endpoint, e.g. `https://events.eu.pagerduty.com/v2/enqueue` for the EU service region.
   * @default - Alertmanager's default (https://events.pagerduty.com/v2/enqueue)
   */
  readonly url?: string;
}

/** An Opsgenie receiver. */
export interface OpsgenieReceiverOptions extends ReceiverOptions {
  /** The API key, from a Secret. */
  readonly apiKey: SecretKey;
  /**
   * Opsgenie priority (P1–P5), may use templates.
   * @default - Opsgenie's default
   */
  readonly priority?: string;
}

/** A webhook receiver: starts automated responses (a retraining pipeline, a scaler). */
export interface WebhookReceiverOptions extends ReceiverOptions {
  /**
   * The endpoint, e.g. an Argo Events webhook EventSource. Give this or `urlSecret`.
   * @default - `urlSecret`
   */
  readonly url?: string;
  /**
   * The endpoint, from a Secret: for URLs that carry a token (Teams workflows, Argo Events with a path
   * secret). Give this or `url`.
   * @default - `url`
   */
  readonly urlSecret?: SecretKey;
  /**
   * A bearer token for the endpoint, from a Secret.
   * @default - no authorization header
   */
  readonly bearerToken?: SecretKey;
  /**
   * The most alerts sent in one message (0 = all).
   * @default 0
   */
  readonly maxAlerts?: number;
}

/** A VictorOps (Splunk On-Call) receiver. */
export interface VictorOpsReceiverOptions extends ReceiverOptions {
  /** The API key, from a Secret. */
  readonly apiKey: SecretKey;
  /** The routing key (not a secret). */
  readonly routingKey: string;
}

/** A Cisco Webex receiver. */
export interface WebexReceiverOptions extends ReceiverOptions {
  /** The room to post to. */
  readonly roomId: string;
  /** The bot token, from a Secret. */
  readonly botToken: SecretKey;
}

/** A Microsoft Teams receiver (an incoming webhook for `msTeams`, a Workflows webhook for `msTeamsV2`). */
export interface MsTeamsReceiverOptions extends ReceiverOptions {
  /** The webhook URL, from a Secret (it carries its own credential). */
  readonly webhookUrl: SecretKey;
}

/** A Discord receiver. */
export interface DiscordReceiverOptions extends ReceiverOptions {
  /** The channel's webhook URL, from a Secret. */
  readonly webhookUrl: SecretKey;
}

/** A Telegram receiver. */
export interface TelegramReceiverOptions extends ReceiverOptions {
  /** The bot token, from a Secret. */
  readonly botToken: SecretKey;
  /** The chat to post to (negative for groups and channels). */
  readonly chatId: number;
}

/** A Pushover receiver. */
export interface PushoverReceiverOptions extends ReceiverOptions {
  /** The user (or group) key, from a Secret. */
  readonly userKey: SecretKey;
  /** The application token, from a Secret. */
  readonly token: SecretKey;
  /**
   * The Pushover priority, -2 (lowest) to 2 (emergency).
   * @default - 2 for critical alerts, 0 otherwise
   */
  readonly priority?: number;
}

/** A WeChat Work receiver. */
export interface WeChatReceiverOptions extends ReceiverOptions {
  /** The application's secret, from a Secret. */
  readonly apiSecret: SecretKey;
  /** The corporation id. */
  readonly corpId: string;
  /** The application (agent) id. */
  readonly agentId: string;
  /**
   * The users to notify.
   * @default "@all"
   */
  readonly toUser?: string;
  /**
   * The departments to notify.
   * @default - none
   */
  readonly toParty?: string;
}

/**
 * An Amazon SNS receiver. Credentials come from the Alertmanager pod's identity (IRSA, EKS Pod Identity)
 * and an optional role to assume: static AWS keys are not taken, since alertmanager.yaml cannot read them
 * from files.
 */
export interface SnsReceiverOptions extends ReceiverOptions {
  /** The topic, e.g. `arn:aws:sns:eu-west-1:123456789012:ml-alerts`. */
  readonly topicArn: string;
  /** The AWS region of the topic. */
  readonly region: string;
  /**
   * A role to assume for publishing.
   * @default - the pod's own identity
   */
  readonly roleArn?: string;
}

/** A Rocket.Chat receiver. */
export interface RocketChatReceiverOptions extends ReceiverOptions {
  /** The personal access token, from a Secret. */
  readonly token: SecretKey;
  /** The token's user id, from a Secret. */
  readonly tokenId: SecretKey;
  /** The channel, e.g. `#ml-alerts`. */
  readonly channel: string;
  /**
   * The server's API URL.
   * @default - https://open.rocket.chat
   */
  readonly apiUrl?: string;
}
