import { Alert, Badge, Button, Group, Menu, Modal, Paper, ScrollArea, SegmentedControl, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { agentQueue, type ConversationCard, type HandbackResume, type HandoffPacket, type TranscriptEntry } from '../../../agent-api-schemas.ts';
import { ActionsPanel } from './actions-panel.tsx';
import { agentApi, agentKeys, type TransferTarget } from './agent-api.ts';
import { CHANNEL_LABELS, DELIVERY_COLORS, formatTime, newClientMessageId, QUEUE_LABELS, REASON_LABELS } from './format.ts';
import { useLive } from './live.tsx';

// One open conversation: the handoff packet first, then the transcript across the customer's
// channels with each reply's delivery status, the reply box (Enter sends, Shift+Enter a new
// line; a note is never sent to the customer), canned replies, and the moves: transfer, hand
// back to the bot (CSAT or a named dialog), close.

const RESUME_DIALOGS: Array<{ intent: Extract<HandbackResume, { kind: 'dialog' }>['intent']; label: string }> = [
  { intent: 'order.create', label: 'Continue to the order' },
  { intent: 'order.status', label: 'Order status' },
  { intent: 'ticket.create', label: 'Open a trouble ticket' },
  { intent: 'ticket.status', label: 'Ticket status' },
  { intent: 'bill.inquiry', label: 'Bill questions' },
  { intent: 'bill.dispute', label: 'Bill dispute' },
  { intent: 'profile.update', label: 'Profile update' },
  { intent: 'product.info', label: 'Offers and products' },
  { intent: 'service.cancel', label: 'Cancellation' },
];

export interface ConversationPanelProps {
  conversationId: string;
  active: boolean;
  onError(error: unknown): void;
  /** The conversation left this agent (handed back, closed, transferred): the tab may close. */
  onDone(): void;
}

export function ConversationPanel({ conversationId, active, onError, onDone }: ConversationPanelProps) {
  const live = useLive();
  const queryClient = useQueryClient();
  const conversation = useQuery({ queryKey: agentKeys.conversation(conversationId), queryFn: () => agentApi.conversation(conversationId) });
  const [transferOpen, setTransferOpen] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [actionsOpen, setActionsOpen] = useState(false);
  const composer = useRef<HTMLTextAreaElement>(null);

  useEffect(() => live.watch(conversationId), [live.watch, conversationId]);

  const card = conversation.data?.conversation;
  const unread = card?.unread ?? 0;
  useEffect(() => {
    if (active && unread > 0) {
      agentApi.markRead(conversationId).then(
        () => queryClient.invalidateQueries({ queryKey: agentKeys.inbox }),
        () => undefined,
      );
    }
  }, [active, unread, conversationId, queryClient]);

  const settle = () => {
    void queryClient.invalidateQueries({ queryKey: agentKeys.inbox });
    void queryClient.invalidateQueries({ queryKey: agentKeys.conversation(conversationId) });
  };
  const handBack = useMutation({
    mutationFn: (resume: HandbackResume) => agentApi.handBack(conversationId, card?.version ?? 0, resume),
    onSuccess: onDone,
    onError,
    onSettled: settle,
  });
  const close = useMutation({ mutationFn: () => agentApi.close(conversationId, card?.version ?? 0), onSuccess: onDone, onError, onSettled: settle });
  const claim = useMutation({ mutationFn: () => agentApi.claim(conversationId, card?.version ?? 0), onError, onSettled: settle });

  // The moves on the conversation in front of the agent (see the "?" overlay).
  useHotkeys(
    active
      ? [
          ['/', () => composer.current?.focus()],
          ['alt+T', () => setTransferOpen(true)],
          ['alt+B', () => handBack.mutate({ kind: 'csat' })],
          ['alt+X', () => setConfirmClose(true)],
          ['alt+A', () => setActionsOpen(true)],
        ]
      : [],
    [],
  );

  if (conversation.isPending) return <Text c="dimmed">Loading the conversation…</Text>;
  if (conversation.isError || !card) return <Alert color="red">This conversation cannot be shown: {String(conversation.error?.message ?? 'not found')}</Alert>;
  const { packet, transcript } = conversation.data;
  const mine = card.state === 'agent';
  const customerTyping = live.customerTyping.has(conversationId);

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="conversation-panel">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={4}>{card.customer?.name ?? card.address}</Title>
          <Badge variant="light">{CHANNEL_LABELS[card.channel]}</Badge>
          <Badge color={mine ? 'teal' : 'gray'} data-testid="owner-state">
            {card.state}
          </Badge>
        </Group>
        <Group gap={6} wrap="nowrap">
          {card.state === 'queued' && (
            <Button size="xs" onClick={() => claim.mutate()} loading={claim.isPending}>
              Claim
            </Button>
          )}
          <Button size="xs" variant="default" disabled={!card.customer} onClick={() => setActionsOpen(true)} title={card.customer ? undefined : 'The customer is not identified yet'}>
            Actions
          </Button>
          <Button size="xs" variant="default" disabled={!mine} onClick={() => setTransferOpen(true)}>
            Transfer
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button size="xs" variant="default" disabled={!mine} loading={handBack.isPending}>
                Hand back
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => handBack.mutate({ kind: 'csat' })}>To the bot, asking for a rating (CSAT)</Menu.Item>
              <Menu.Divider />
              <Menu.Label>To the bot, continuing with</Menu.Label>
              {RESUME_DIALOGS.map((dialog) => (
                <Menu.Item key={dialog.intent} onClick={() => handBack.mutate({ kind: 'dialog', intent: dialog.intent })}>
                  {dialog.label}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button size="xs" color="red" variant="light" disabled={!mine} onClick={() => setConfirmClose(true)}>
            Close
          </Button>
        </Group>
      </Group>
      {packet && <PacketView packet={packet} />}
      <Transcript entries={transcript} typing={customerTyping} />
      {mine ? (
        <Composer conversationId={conversationId} card={card} composer={composer} onError={onError} />
      ) : (
        <Text size="sm" c="dimmed">
          {card.state === 'queued' ? 'Waiting in the queue: claim it to reply.' : 'You do not own this conversation; replies are off.'}
        </Text>
      )}
      {card.customer && <ActionsPanel conversationId={conversationId} customerId={card.customer.id} opened={actionsOpen} onClose={() => setActionsOpen(false)} />}
      <TransferModal opened={transferOpen} onClose={() => setTransferOpen(false)} card={card} onError={onError} onDone={onDone} />
      <Modal opened={confirmClose} onClose={() => setConfirmClose(false)} title="Close the conversation?" size="sm">
        <Text size="sm">The customer is not asked for a rating; a new message from them starts with the bot.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirmClose(false)}>
            Keep it
          </Button>
          <Button
            color="red"
            onClick={() => {
              setConfirmClose(false);
              close.mutate();
            }}
          >
            Close it
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

function PacketView({ packet }: { packet: HandoffPacket }) {
  const open = [...packet.open.tickets.map((t) => `${t.reference} ${t.status}`), ...packet.open.orders.map((o) => `${o.reference} ${o.state}`), ...packet.open.disputes.map((d) => `${d.reference} ${d.status}`)];
  return (
    <Paper withBorder p="xs" radius="md" bg="blue.0" data-testid="handoff-packet">
      <Group gap={6} mb={4}>
        <Text fw={700} size="sm">
          Handoff
        </Text>
        <Badge size="sm">{REASON_LABELS[packet.reason] ?? packet.reason}</Badge>
        <Badge size="sm" color={packet.who.verified ? 'teal' : 'orange'} variant="light">
          {packet.who.verified ? `verified (${packet.who.verifiedBy})` : 'not verified'}
        </Badge>
        {packet.churnRisk && (
          <Badge size="sm" color={packet.churnRisk.band === 'high' ? 'red' : packet.churnRisk.band === 'medium' ? 'orange' : 'gray'}>
            churn {packet.churnRisk.band}
          </Badge>
        )}
        {packet.repeatContact && (
          <Badge size="sm" color="grape" variant="light">
            repeat contact
          </Badge>
        )}
      </Group>
      <Text size="sm">
        <b>{packet.who.name ?? 'Unknown customer'}</b>
        {packet.intent ? ` asked about ${packet.intent}` : ''}
        {Object.keys(packet.collected).length > 0 ? ` — ${Object.entries(packet.collected).map(([label, value]) => `${label}: ${value}`).join('; ')}` : ''}
      </Text>
      {packet.references.length > 0 && <Text size="xs">Bot already did: {packet.references.join(', ')}</Text>}
      {open.length > 0 && <Text size="xs">Open: {open.join(', ')}</Text>}
      {packet.churnRisk && packet.churnRisk.reasons.length > 0 && <Text size="xs">Churn risk: {packet.churnRisk.reasons.join('; ')}</Text>}
      <Text size="xs" fw={600}>
        Suggested next step: {packet.suggestedNextStep}
      </Text>
      {packet.summary && (
        <Text size="xs" fs="italic">
          {packet.summary}
        </Text>
      )}
    </Paper>
  );
}

function Transcript({ entries, typing }: { entries: TranscriptEntry[]; typing: boolean }) {
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [entries.length, typing]);
  return (
    <ScrollArea style={{ flex: 1, minHeight: 0 }} viewportRef={viewport} type="auto" data-testid="transcript">
      <Stack gap={6} p={4}>
        {entries.map((entry) => (
          <TranscriptLine key={entry.id} entry={entry} />
        ))}
        {typing && (
          <Text size="xs" c="dimmed" fs="italic" data-testid="customer-typing">
            Customer is typing…
          </Text>
        )}
      </Stack>
    </ScrollArea>
  );
}

function TranscriptLine({ entry }: { entry: TranscriptEntry }) {
  if (entry.kind === 'event') {
    return (
      <Text size="xs" c="dimmed" ta="center">
        {entry.text} · {formatTime(entry.at)}
      </Text>
    );
  }
  const outbound = entry.direction !== 'inbound';
  const bg = entry.kind === 'note' ? 'yellow.1' : entry.author === 'agent' ? 'teal.0' : entry.author === 'bot' ? 'gray.1' : 'white';
  return (
    <Group justify={outbound ? 'flex-end' : 'flex-start'} data-testid={`line-${entry.author}`}>
      <Paper withBorder p={6} radius="md" bg={bg} maw="75%">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {entry.text}
        </Text>
        <Group gap={4} justify="flex-end">
          <Text size="10px" c="dimmed">
            {entry.kind === 'note' ? 'note' : entry.author} · {CHANNEL_LABELS[entry.channel]} · {formatTime(entry.at)}
          </Text>
          {entry.deliveryStatus && (
            <Badge size="xs" variant="light" color={DELIVERY_COLORS[entry.deliveryStatus] ?? 'gray'} data-testid="delivery-status">
              {entry.deliveryStatus}
              {entry.deliveryErrorCode ? ` ${entry.deliveryErrorCode}` : ''}
            </Badge>
          )}
        </Group>
      </Paper>
    </Group>
  );
}

function Composer({ conversationId, card, composer, onError }: { conversationId: string; card: ConversationCard; composer: React.RefObject<HTMLTextAreaElement | null>; onError(error: unknown): void }) {
  const live = useLive();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const canned = useQuery({ queryKey: agentKeys.cannedReplies(conversationId), queryFn: () => agentApi.cannedReplies(conversationId) });
  const send = useMutation({
    mutationFn: async (message: { mode: 'reply' | 'note'; text: string; clientMessageId: string }) => {
      if (message.mode === 'note') await agentApi.note(conversationId, message.text);
      else await agentApi.reply(conversationId, message.text, message.clientMessageId);
    },
    onSuccess: () => setText(''),
    onError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.conversation(conversationId) }),
  });
  useHotkeys([['alt+N', () => setMode((current) => (current === 'reply' ? 'note' : 'reply'))]], []);
  const submit = () => {
    const trimmed = text.trim();
    if (trimmed.length === 0 || send.isPending) return;
    send.mutate({ mode, text: trimmed, clientMessageId: newClientMessageId() });
  };
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(value) => setMode(value === 'note' ? 'note' : 'reply')}
          data={[
            { value: 'reply', label: `Reply by ${CHANNEL_LABELS[card.channel]}` },
            { value: 'note', label: 'Internal note' },
          ]}
        />
        <Menu position="top-end">
          <Menu.Target>
            <Button size="xs" variant="subtle" disabled={!canned.data || canned.data.replies.length === 0}>
              Canned replies
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {canned.data?.replies.map((reply) => (
              <Menu.Item
                key={reply.id}
                onClick={() => {
                  setText(reply.text);
                  composer.current?.focus();
                }}
              >
                <Text size="sm">{reply.title}</Text>
                <Text size="xs" c={reply.missing.length > 0 ? 'orange' : 'dimmed'} lineClamp={1}>
                  {reply.missing.length > 0 ? `missing: ${reply.missing.join(', ')}` : reply.text}
                </Text>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Textarea
        ref={composer}
        aria-label={mode === 'note' ? 'Internal note' : 'Reply'}
        placeholder={mode === 'note' ? 'A note for colleagues (never sent to the customer)' : 'Reply… (Enter sends, Shift+Enter for a new line)'}
        autosize
        minRows={2}
        maxRows={6}
        value={text}
        styles={mode === 'note' ? { input: { background: 'var(--mantine-color-yellow-0)' } } : undefined}
        onChange={(event) => {
          setText(event.currentTarget.value);
          if (mode === 'reply') live.typing(conversationId);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            submit();
          }
          if (event.key === 'Escape') event.currentTarget.blur();
        }}
      />
    </Stack>
  );
}

function TransferModal({ opened, onClose, card, onError, onDone }: { opened: boolean; onClose(): void; card: ConversationCard; onError(error: unknown): void; onDone(): void }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'queue' | 'agent'>('queue');
  const [queue, setQueue] = useState<string | null>(card.queue);
  const [staffId, setStaffId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const agents = useQuery({ queryKey: agentKeys.agents, queryFn: agentApi.agents, enabled: opened });
  const transfer = useMutation({
    mutationFn: (to: TransferTarget) => agentApi.transfer(card.conversationId, card.version, to, note.trim()),
    onSuccess: () => {
      onClose();
      onDone();
    },
    onError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.inbox }),
  });
  const chosenQueue = agentQueue.safeParse(queue);
  const target: TransferTarget | null = kind === 'queue' ? (chosenQueue.success ? { kind: 'queue', queue: chosenQueue.data } : null) : staffId ? { kind: 'agent', staffId } : null;
  return (
    <Modal opened={opened} onClose={onClose} title="Transfer the conversation">
      <Stack>
        <SegmentedControl
          value={kind}
          onChange={(value) => setKind(value === 'agent' ? 'agent' : 'queue')}
          data={[
            { value: 'queue', label: 'To a queue' },
            { value: 'agent', label: 'To an agent' },
          ]}
        />
        {kind === 'queue' ? (
          <Select label="Queue" data={agentQueue.options.map((name) => ({ value: name, label: QUEUE_LABELS[name] ?? name }))} value={queue} onChange={setQueue} />
        ) : (
          <Select
            label="Agent"
            searchable
            data={(agents.data?.agents ?? []).map((agent) => ({ value: agent.staffId, label: `${agent.displayName} (${agent.status})` }))}
            value={staffId}
            onChange={setStaffId}
          />
        )}
        <Textarea label="Note for the next person" required minRows={2} autosize value={note} onChange={(event) => setNote(event.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button disabled={!target || note.trim().length === 0} loading={transfer.isPending} onClick={() => target && transfer.mutate(target)}>
            Transfer
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
