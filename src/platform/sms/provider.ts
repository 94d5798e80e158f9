/**
 * SMS providers behind one small interface, chosen by configuration (GUICHET_SMS_PROVIDER):
 * `none` (the default: nothing is ever sent, nothing leaves the server), `file` (the demo: each
 * SMS is written under GUICHET_DATA_DIR/sms and listed at /_demo/sms) and `ovh` (the OVHcloud SMS
 * API, docs/operations/sms.md). Only `ovh` makes outbound requests.
 */
import type { Config } from '../../config/config.js';
import { createFileSmsProvider } from './file-provider.js';
import { createOvhSmsProvider } from './ovh-provider.js';

export interface SmsMessage {
  /** The outbox row's id: stable across retries. */
  id: string;
  /** E.164, e.g. +33612345678. */
  to: string;
  body: string;
}

export interface SmsSendResult {
  /** The provider's reference of the message, when it gives one. */
  providerMessageId: string | null;
}

export type SmsProviderName = 'none' | 'file' | 'ovh';

export interface SmsProvider {
  readonly name: SmsProviderName;
  /** False for `none`: communes cannot switch SMS on and nothing is queued. */
  readonly canSend: boolean;
  send(message: SmsMessage): Promise<SmsSendResult>;
}

/** A failed send; `permanent` when trying again cannot help (e.g. a number the provider refuses). */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** The provider that sends nothing. */
export const NO_SMS_PROVIDER: SmsProvider = {
  name: 'none',
  canSend: false,
  async send() {
    throw new SmsSendError('aucun fournisseur de SMS n’est configuré (GUICHET_SMS_PROVIDER=none)', true);
  },
};

/** The configured provider. */
export function createSmsProvider(config: Pick<Config, 'sms' | 'dataDir'>): SmsProvider {
  switch (config.sms.provider) {
    case 'file':
      return createFileSmsProvider(config);
    case 'ovh':
      return createOvhSmsProvider(config.sms.ovh);
    default:
      return NO_SMS_PROVIDER;
  }
}

/** French name of a provider, for the administration pages. */
export const SMS_PROVIDER_LABELS: Record<SmsProviderName, string> = {
  none: 'aucun',
  file: 'fichiers de démonstration',
  ovh: 'OVHcloud',
};
