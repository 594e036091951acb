import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';

/** The service's Prometheus metrics, one registry per service instance. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messagesIn: new Counter({ name: 'telcobot_messages_in_total', help: 'Inbound messages stored, by channel', labelNames: ['channel'], registers: [registry] }),
    duplicatesIn: new Counter({ name: 'telcobot_messages_duplicate_total', help: 'Inbound provider retries recognised and not handled again', labelNames: ['channel'], registers: [registry] }),
    messagesOut: new Counter({ name: 'telcobot_messages_out_total', help: 'Outbound messages handed to the provider, by channel', labelNames: ['channel'], registers: [registry] }),
    deliveryFailures: new Counter({ name: 'telcobot_delivery_failures_total', help: 'Outbound delivery attempts that failed, by kind', labelNames: ['channel', 'kind'], registers: [registry] }),
    turnFailures: new Counter({ name: 'telcobot_turn_failures_total', help: 'Conversation turns that threw (they are retried)', registers: [registry] }),
    webhookRejections: new Counter({ name: 'telcobot_webhook_rejections_total', help: 'Webhook requests refused, by reason', labelNames: ['reason'], registers: [registry] }),
    turnSeconds: new Histogram({
      name: 'telcobot_turn_duration_seconds',
      help: 'Time to handle one inbound message (recognise, dialog, store replies)',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    queueJobs: new Gauge({ name: 'telcobot_queue_jobs', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
