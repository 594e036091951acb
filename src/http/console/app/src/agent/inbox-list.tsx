import { Badge, Button, Group, Paper, ScrollArea, SegmentedControl, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConversationCard, InboxResponse, PresenceStatus } from '../../../agent-api-schemas.ts';
import { agentApi, agentKeys } from './agent-api.ts';
import { CHANNEL_LABELS, formatDuration, QUEUE_LABELS, REASON_LABELS, useNow } from './format.ts';
import { useLive } from './live.tsx';

// The left column of the agent workspace: presence and capacity, then offered to me (with the
// offer's countdown), mine (with unread counts) and the queues, kept current by the live socket.

export function useInbox() {
  return useQuery({ queryKey: agentKeys.inbox, queryFn: agentApi.inbox, refetchInterval: 30_000 });
}

export interface InboxListProps {
  inbox: InboxResponse | undefined;
  activeId: string | null;
  onOpen(conversationId: string): void;
  onError(error: unknown): void;
}

export function InboxList({ inbox, activeId, onOpen, onError }: InboxListProps) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: agentKeys.inbox });
  const accept = useMutation({
    mutationFn: (card: ConversationCard) => agentApi.accept(card.conversationId, card.version),
    onSuccess: (answer) => onOpen(answer.conversation.conversationId),
    onError,
    onSettled: refresh,
  });
  const decline = useMutation({ mutationFn: (card: ConversationCard) => agentApi.decline(card.conversationId, card.version), onError, onSettled: refresh });
  const claim = useMutation({
    mutationFn: (card: ConversationCard) => agentApi.claim(card.conversationId, card.version),
    onSuccess: (answer) => onOpen(answer.conversation.conversationId),
    onError,
    onSettled: refresh,
  });

  if (!inbox) return <Text c="dimmed">Loading the inbox…</Text>;
  return (
    <Stack gap="sm" style={{ minHeight: 0, overflow: 'hidden' }}>
      <PresencePanel inbox={inbox} onError={onError} />
      <ScrollArea style={{ flex: 1, minHeight: 0 }} type="auto">
        <Stack gap="md">
          <Section title="Offered to me" count={inbox.offeredToMe.length}>
            {inbox.offeredToMe.map((card) => (
              <OfferCard key={card.conversationId} card={card} onAccept={() => accept.mutate(card)} onDecline={() => decline.mutate(card)} busy={accept.isPending || decline.isPending} />
            ))}
          </Section>
          <Section title="Mine" count={inbox.mine.length}>
            {inbox.mine.map((card) => (
              <ConversationRow key={card.conversationId} card={card} active={card.conversationId === activeId} onOpen={() => onOpen(card.conversationId)} />
            ))}
          </Section>
          <Section title="Queued" count={inbox.queued.length}>
            {inbox.queued.map((card) => (
              <QueuedCard key={card.conversationId} card={card} onClaim={() => claim.mutate(card)} onOpen={() => onOpen(card.conversationId)} busy={claim.isPending} />
            ))}
          </Section>
        </Stack>
      </ScrollArea>
    </Stack>
  );
}

function Section({ title, count, children }: { title: string; count: number; children: React.ReactNode }) {
  return (
    <Stack gap={6} component="section" aria-label={title}>
      <Group justify="space-between">
        <Title order={5}>{title}</Title>
        <Badge variant="light" color={count > 0 ? 'blue' : 'gray'}>
          {count}
        </Badge>
      </Group>
      {count === 0 ? (
        <Text size="sm" c="dimmed">
          None.
        </Text>
      ) : (
        children
      )}
    </Stack>
  );
}

function PresencePanel({ inbox, onError }: { inbox: InboxResponse; onError(error: unknown): void }) {
  const queryClient = useQueryClient();
  const live = useLive();
  const setPresence = useMutation({
    mutationFn: (status: PresenceStatus) => agentApi.setPresence(status),
    onError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.inbox }),
  });
  const { presence } = inbox;
  const load: Record<string, number> = presence.load;
  const capacity: Record<string, number> = presence.capacity;
  return (
    <Paper withBorder p="sm" radius="md">
      <Group justify="space-between" mb={6}>
        <Text fw={600} size="sm">
          My presence
        </Text>
        <Badge color={live.connected ? 'teal' : 'red'} variant="dot" data-testid="live-status">
          {live.connected ? 'live' : 'reconnecting'}
        </Badge>
      </Group>
      <SegmentedControl
        fullWidth
        size="xs"
        aria-label="Presence"
        value={presence.chosenStatus}
        onChange={(value) => {
          if (value === 'available' || value === 'away' || value === 'offline') setPresence.mutate(value);
        }}
        data={[
          { value: 'available', label: 'Available' },
          { value: 'away', label: 'Away' },
          { value: 'offline', label: 'Offline' },
        ]}
      />
      {presence.status !== presence.chosenStatus && (
        <Text size="xs" c="orange" mt={4}>
          Shown as {presence.status} (no heartbeat recently).
        </Text>
      )}
      <Group gap={6} mt={6} data-testid="capacity">
        {Object.entries(capacity).map(([channel, limit]) => (
          <Badge key={channel} variant="outline" color={(load[channel] ?? 0) >= limit ? 'red' : 'gray'}>
            {CHANNEL_LABELS[channel] ?? channel} {load[channel] ?? 0}/{limit}
          </Badge>
        ))}
      </Group>
    </Paper>
  );
}

function who(card: ConversationCard): string {
  return card.customer?.name ?? card.address;
}

function OfferCard({ card, onAccept, onDecline, busy }: { card: ConversationCard; onAccept(): void; onDecline(): void; busy: boolean }) {
  const now = useNow();
  const left = card.offerExpiresAt ? Math.max(0, (Date.parse(card.offerExpiresAt) - now) / 1000) : null;
  return (
    <Paper withBorder p="sm" radius="md" bg="yellow.0" data-testid="offer-card">
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600} size="sm" truncate>
          {who(card)}
        </Text>
        {left !== null && (
          <Badge color={left < 10 ? 'red' : 'orange'} data-testid="offer-countdown">
            {Math.ceil(left)} s
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {CHANNEL_LABELS[card.channel]} · {card.queue ? QUEUE_LABELS[card.queue] : ''} · {card.reason ? REASON_LABELS[card.reason] : ''}
      </Text>
      <Group mt={6} gap={6}>
        <Button size="xs" onClick={onAccept} loading={busy}>
          Accept
        </Button>
        <Button size="xs" variant="default" onClick={onDecline} disabled={busy}>
          Decline
        </Button>
      </Group>
    </Paper>
  );
}

function ConversationRow({ card, active, onOpen }: { card: ConversationCard; active: boolean; onOpen(): void }) {
  return (
    <UnstyledButton onClick={onOpen} data-testid="mine-row" aria-current={active}>
      <Paper withBorder p="xs" radius="md" bg={active ? 'blue.0' : undefined}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm" truncate>
            {who(card)}
          </Text>
          {card.unread > 0 && (
            <Badge color="red" size="sm" data-testid="unread">
              {card.unread}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed" truncate>
          {CHANNEL_LABELS[card.channel]} · {card.lastMessage?.text ?? 'No messages yet'}
        </Text>
      </Paper>
    </UnstyledButton>
  );
}

function QueuedCard({ card, onClaim, onOpen, busy }: { card: ConversationCard; onClaim(): void; onOpen(): void; busy: boolean }) {
  const now = useNow(5000);
  const waited = card.queuedAt ? (now - Date.parse(card.queuedAt)) / 1000 : (card.waitingSeconds ?? 0);
  return (
    <Paper withBorder p="xs" radius="md" data-testid="queued-card">
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600} size="sm" truncate>
          {who(card)}
        </Text>
        <Group gap={4} wrap="nowrap">
          {card.slaAtRisk && (
            <Badge color="red" size="xs">
              SLA
            </Badge>
          )}
          <Badge variant="light" size="xs">
            P{card.priority}
          </Badge>
        </Group>
      </Group>
      <Text size="xs" c="dimmed">
        {card.queue ? QUEUE_LABELS[card.queue] : ''} · {CHANNEL_LABELS[card.channel]} · waiting {formatDuration(waited)}
      </Text>
      <Group mt={6} gap={6}>
        <Button size="xs" onClick={onClaim} loading={busy}>
          Claim
        </Button>
        <Button size="xs" variant="subtle" onClick={onOpen}>
          Look
        </Button>
      </Group>
    </Paper>
  );
}
