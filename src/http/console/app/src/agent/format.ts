import { useEffect, useState } from 'react';

// Small helpers the agent screens share: durations, times, labels.

/** "42 s", "3 min", "1 h 05 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The current time, updated every `intervalMs` (countdowns, waiting times). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export const QUEUE_LABELS: Record<string, string> = {
  billing: 'Billing',
  technical: 'Technical',
  sales_retention: 'Sales & retention',
  general: 'General',
};

export const REASON_LABELS: Record<string, string> = {
  customer_asked: 'Asked for a person',
  not_understood: 'Bot did not understand',
  adjustment_over_limit: 'Adjustment over limit',
  cancellation_insisted: 'Insists on cancelling',
  complaint_high_churn: 'Complaint, high churn risk',
  staff_takeover: 'Taken over by staff',
};

export const CHANNEL_LABELS: Record<string, string> = { sms: 'SMS', webchat: 'Web chat', voice: 'Voice' };

export const DELIVERY_COLORS: Record<string, string> = {
  pending: 'gray',
  queued: 'gray',
  sent: 'blue',
  delivered: 'teal',
  read: 'teal',
  failed: 'red',
  undelivered: 'red',
};

/** A client-side id that makes a retried send one message (the API's clientMessageId). */
export function newClientMessageId(): string {
  return crypto.randomUUID();
}
