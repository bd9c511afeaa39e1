import { IntegrationParts, field, message, secret, secretRef } from './_receiver-spec';
import {
  DiscordReceiverOptions, MsTeamsReceiverOptions, PushoverReceiverOptions, RocketChatReceiverOptions, SnsReceiverOptions,
  TelegramReceiverOptions, WeChatReceiverOptions,
} from './receiver-options';
import { invalidProp } from '../common/_errors';
import { literalText } from '../common/_go-template';
import { validateUrl } from '../common/_names';

/*
 * The receivers beyond the on-call tools: chat (Teams, Discord, Telegram, Rocket.Chat, WeChat), push
 * (Pushover) and SNS, each a list of fields from which both renderings are derived (_receiver-spec.ts).
 */

function nonEmpty(w: string, prop: string, v: unknown, accepted: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalidProp(w, prop, v, accepted);
  return v;
}

export function msTeams(w: string, o: MsTeamsReceiverOptions): IntegrationParts {
  const ref = secretRef(w, 'webhookUrl', o.webhookUrl);
  return { kind: 'msteams', fields: [message('title', 'title'), message('summary', 'title'), message('text', 'text'), secret('webhook_url', ref, 'webhookUrl')] };
}

export function msTeamsV2(w: string, o: MsTeamsReceiverOptions): IntegrationParts {
  const ref = secretRef(w, 'webhookUrl', o.webhookUrl);
  return { kind: 'msteamsv2', fields: [message('title', 'title'), message('text', 'text'), secret('webhook_url', ref)] };
}

export function discord(w: string, o: DiscordReceiverOptions): IntegrationParts {
  const ref = secretRef(w, 'webhookUrl', o.webhookUrl);
  return { kind: 'discord', fields: [message('title', 'title'), message('message', 'text'), secret('webhook_url', ref, 'apiURL')] };
}

export function telegram(w: string, o: TelegramReceiverOptions): IntegrationParts {
  const ref = secretRef(w, 'botToken', o.botToken);
  if (!Number.isSafeInteger(o.chatId) || o.chatId === 0) throw invalidProp(w, 'chatId', o.chatId, 'a Telegram chat id: a whole number, negative for groups and channels');
  return { kind: 'telegram', fields: [field('chat_id', o.chatId), field('parse_mode', 'HTML'), message('message', 'telegram'), secret('bot_token', ref)] };
}

export function pushover(w: string, o: PushoverReceiverOptions): IntegrationParts {
  const userKey = secretRef(w, 'userKey', o.userKey);
  const token = secretRef(w, 'token', o.token);
  if (o.priority !== undefined && (!Number.isInteger(o.priority) || o.priority < -2 || o.priority > 2)) {
    throw invalidProp(w, 'priority', o.priority, 'a Pushover priority from -2 to 2');
  }
  const priority = o.priority !== undefined ? String(o.priority) : '{{ if eq .CommonLabels.severity "critical" }}2{{ else }}0{{ end }}';
  return {
    kind: 'pushover',
    fields: [message('title', 'title'), message('message', 'text'), field('priority', priority), secret('user_key', userKey), secret('token', token)],
  };
}

export function weChat(w: string, o: WeChatReceiverOptions): IntegrationParts {
  const ref = secretRef(w, 'apiSecret', o.apiSecret);
  const corpId = nonEmpty(w, 'corpId', o.corpId, 'the WeChat Work corporation id');
  const agentId = nonEmpty(w, 'agentId', o.agentId, 'the WeChat Work application (agent) id');
  if (o.toUser !== undefined) nonEmpty(w, 'toUser', o.toUser, 'user ids separated by "|", or "@all"');
  if (o.toParty !== undefined) nonEmpty(w, 'toParty', o.toParty, 'department ids separated by "|"');
  return {
    kind: 'wechat',
    fields: [
      field('corp_id', corpId),
      field('agent_id', literalText(agentId)),
      field('to_user', literalText(o.toUser ?? '@all')),
      field('to_party', optionalLiteral(o.toParty)),
      message('message', 'text'),
      secret('api_secret', ref),
    ],
  };
}

export function sns(w: string, o: SnsReceiverOptions): IntegrationParts {
  if (typeof o.topicArn !== 'string' || !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(o.topicArn)) {
    throw invalidProp(w, 'topicArn', o.topicArn, 'an SNS topic ARN, e.g. "arn:aws:sns:eu-west-1:123456789012:ml-alerts"');
  }
  if (typeof o.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region)) throw invalidProp(w, 'region', o.region, 'an AWS region, e.g. "eu-west-1"');
  if (o.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(o.roleArn)) {
    throw invalidProp(w, 'roleArn', o.roleArn, 'an IAM role ARN, e.g. "arn:aws:iam::123456789012:role/alertmanager"');
  }
  return {
    kind: 'sns',
    fields: [
      field('topic_arn', o.topicArn),
      field('sigv4.region', o.region),
      field('sigv4.role_arn', o.roleArn, 'sigv4.roleArn'),
      message('subject', 'title'),
      message('message', 'text'),
    ],
  };
}

export function rocketChat(w: string, o: RocketChatReceiverOptions): IntegrationParts {
  const token = secretRef(w, 'token', o.token);
  const tokenId = secretRef(w, 'tokenId', o.tokenId);
  if (typeof o.channel !== 'string' || !/^[#@]?\S+$/.test(o.channel)) throw invalidProp(w, 'channel', o.channel, 'a channel such as "#ml-alerts"');
  if (o.apiUrl !== undefined) validateUrl(w, 'apiUrl', o.apiUrl);
  return {
    kind: 'rocketchat',
    fields: [
      field('channel', literalText(o.channel)),
      field('api_url', o.apiUrl),
      message('title', 'title'),
      message('text', 'text'),
      secret('token', token),
      secret('token_id', tokenId),
    ],
  };
}


function optionalLiteral(text: string | undefined): string | undefined {
  return text === undefined ? undefined : literalText(text);
}
