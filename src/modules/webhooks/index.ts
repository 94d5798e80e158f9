/** Front door of the webhooks module: the events a commune's software can subscribe to. */
export { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENTS, type WebhookEvent, type WebhookPayload } from './webhooks.js';
