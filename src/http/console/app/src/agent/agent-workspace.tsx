import { Alert, Badge, Group, Kbd, Modal, Paper, Table, Tabs, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { agentApi, agentKeys } from './agent-api.ts';
import { ConversationPanel } from './conversation-panel.tsx';
import { InboxList, useInbox } from './inbox-list.tsx';
import { LiveProvider } from './live.tsx';

// The agent's workspace (the "Inbox" screen): the inbox on the left, the open conversations as
// tabs on the right (ten stay readable at 1280×800: tabs scroll, the panel keeps its width), and
// the keyboard shortcuts of the common moves, listed on the "?" overlay.

/** Every shortcut, as the "?" overlay lists it (the README's table is this one). */
export const SHORTCUTS: Array<{ keys: string[]; what: string }> = [
  { keys: ['?'], what: 'Show or hide this list' },
  { keys: ['A'], what: 'Accept the oldest offer to me' },
  { keys: ['C'], what: 'Claim the longest-waiting queued conversation' },
  { keys: ['Alt', '1…9'], what: 'Go to open conversation 1…9' },
  { keys: ['Alt', '→ / ←'], what: 'Next / previous open conversation' },
  { keys: ['Alt', 'W'], what: 'Close the tab (the conversation stays yours)' },
  { keys: ['/'], what: 'Write in the reply box' },
  { keys: ['Enter'], what: 'Send (Shift+Enter: a new line)' },
  { keys: ['Alt', 'N'], what: 'Switch between reply and internal note' },
  { keys: ['Alt', 'A'], what: 'Act for the customer (ticket, order, credit, profile, code)…' },
  { keys: ['Alt', 'T'], what: 'Transfer…' },
  { keys: ['Alt', 'B'], what: 'Hand back to the bot with a rating question' },
  { keys: ['Alt', 'X'], what: 'Close the conversation…' },
  { keys: ['Esc'], what: 'Leave the reply box' },
];

export function AgentWorkspaceScreen() {
  return (
    <LiveProvider>
      <Workspace />
    </LiveProvider>
  );
}

/** The open tabs, kept for this browser tab so a reload reopens them (sessionStorage: gone with the tab). */
const TABS_KEY = 'console.agent.tabs';
const storedTabs = z.object({ tabs: z.array(z.string()), active: z.string().nullable() });

function readStoredTabs(): z.infer<typeof storedTabs> | null {
  try {
    const raw = sessionStorage.getItem(TABS_KEY);
    const parsed = raw ? storedTabs.safeParse(JSON.parse(raw)) : null;
    return parsed?.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function Workspace() {
  const queryClient = useQueryClient();
  const inbox = useInbox();
  const [tabs, setTabs] = useState<string[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const onError = useCallback((error: unknown) => setProblem(errorText(error)), []);

  // After a reload: the tabs this browser tab had open that are still the agent's, in their order,
  // then any other conversation the agent owns; with nothing stored, every conversation they own.
  const restored = useRef(false);
  const mine = inbox.data?.mine;
  useEffect(() => {
    if (restored.current || !mine) return;
    restored.current = true;
    const owned = mine.map((card) => card.conversationId);
    const stored = readStoredTabs();
    const reopened = stored ? [...stored.tabs.filter((id) => owned.includes(id)), ...owned.filter((id) => !stored.tabs.includes(id))] : owned;
    if (reopened.length === 0) return;
    setTabs((current) => [...reopened, ...current.filter((id) => !reopened.includes(id))]);
    setActive((was) => was ?? (stored?.active && reopened.includes(stored.active) ? stored.active : (reopened[0] ?? null)));
  }, [mine]);
  useEffect(() => {
    if (!restored.current) return;
    try {
      sessionStorage.setItem(TABS_KEY, JSON.stringify({ tabs, active }));
    } catch {
      // Storage may be full or disabled: tabs then simply do not survive a reload.
    }
  }, [tabs, active]);

  const open = useCallback((conversationId: string) => {
    setTabs((current) => (current.includes(conversationId) ? current : [...current, conversationId]));
    setActive(conversationId);
  }, []);
  const closeTab = useCallback((conversationId: string) => {
    setTabs((current) => {
      const next = current.filter((id) => id !== conversationId);
      setActive((was) => (was === conversationId ? (next[next.length - 1] ?? null) : was));
      return next;
    });
  }, []);
  const step = (delta: number) => {
    if (tabs.length === 0) return;
    const index = active ? tabs.indexOf(active) : -1;
    setActive(tabs[(index + delta + tabs.length) % tabs.length] ?? null);
  };

  const accept = useMutation({
    mutationFn: (card: { conversationId: string; version: number }) => agentApi.accept(card.conversationId, card.version),
    onSuccess: (answer) => open(answer.conversation.conversationId),
    onError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.inbox }),
  });
  const claim = useMutation({
    mutationFn: (card: { conversationId: string; version: number }) => agentApi.claim(card.conversationId, card.version),
    onSuccess: (answer) => open(answer.conversation.conversationId),
    onError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.inbox }),
  });
  const oldest = <T extends { queuedAt: string | null }>(cards: T[]): T | undefined =>
    [...cards].sort((a, b) => Date.parse(a.queuedAt ?? '') - Date.parse(b.queuedAt ?? ''))[0];

  useHotkeys([
    ['shift+?', () => setHelp((shown) => !shown)],
    [
      'A',
      () => {
        const offer = oldest(inbox.data?.offeredToMe ?? []);
        if (offer) accept.mutate(offer);
      },
    ],
    [
      'C',
      () => {
        const queued = oldest(inbox.data?.queued ?? []);
        if (queued) claim.mutate(queued);
      },
    ],
  ]);
  // These work from the reply box too.
  useHotkeys(
    [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): [string, () => void] => [`alt+${n}`, () => setActive((was) => tabs[n - 1] ?? was)]),
      ['alt+ArrowRight', () => step(1)],
      ['alt+ArrowLeft', () => step(-1)],
      ['alt+W', () => active && closeTab(active)],
    ],
    [],
  );

  return (
    <div style={{ display: 'grid', gridTemplateColumns: '320px minmax(0, 1fr)', gap: 12, height: 'calc(100vh - 96px)', minHeight: 480 }}>
      <InboxList inbox={inbox.data} activeId={active} onOpen={open} onError={onError} />
      <Paper withBorder radius="md" p="xs" style={{ display: 'flex', flexDirection: 'column', minWidth: 0, minHeight: 0, overflow: 'hidden' }}>
        {problem && (
          <Alert color="red" withCloseButton onClose={() => setProblem(null)} mb="xs" data-testid="workspace-problem">
            {problem}
          </Alert>
        )}
        {tabs.length === 0 ? (
          <Text c="dimmed" p="md">
            Open a conversation from the inbox. Press <Kbd>?</Kbd> for the keyboard shortcuts.
          </Text>
        ) : (
          <Tabs value={active} onChange={setActive} keepMounted={false} style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
            <Tabs.List style={{ flexWrap: 'wrap' }}>
              {tabs.map((conversationId, index) => (
                <TabLabel key={conversationId} conversationId={conversationId} index={index} onClose={() => closeTab(conversationId)} />
              ))}
            </Tabs.List>
            {tabs.map((conversationId) => (
              <Tabs.Panel key={conversationId} value={conversationId} pt="xs" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
                <ConversationPanel conversationId={conversationId} active={conversationId === active} onError={onError} onDone={() => closeTab(conversationId)} />
              </Tabs.Panel>
            ))}
          </Tabs>
        )}
      </Paper>
      <ShortcutsOverlay opened={help} onClose={() => setHelp(false)} />
    </div>
  );
}

function TabLabel({ conversationId, index, onClose }: { conversationId: string; index: number; onClose(): void }) {
  const inbox = useInbox();
  const card = [...(inbox.data?.mine ?? []), ...(inbox.data?.queued ?? []), ...(inbox.data?.offeredToMe ?? [])].find((c) => c.conversationId === conversationId);
  const name = card?.customer?.name ?? card?.address ?? conversationId.slice(0, 8);
  return (
    <Tabs.Tab value={conversationId} style={{ maxWidth: 170, padding: '6px 8px' }} rightSection={
        // A span, not a button: the tab itself is a button.
        <Text
          component="span"
          size="sm"
          c="dimmed"
          role="button"
          aria-label={`Close tab ${name}`}
          onClick={(event) => {
            event.stopPropagation();
            onClose();
          }}
        >
          ×
        </Text>
      }>
      <Group gap={4} wrap="nowrap">
        <Text size="xs" c="dimmed">
          {index + 1}
        </Text>
        <Text size="sm" truncate maw={96}>
          {name}
        </Text>
        {card && card.unread > 0 && (
          <Badge size="xs" color="red">
            {card.unread}
          </Badge>
        )}
      </Group>
    </Tabs.Tab>
  );
}

export function ShortcutsOverlay({ opened, onClose }: { opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="lg">
      <Table striped data-testid="shortcuts">
        <Table.Tbody>
          {SHORTCUTS.map((shortcut) => (
            <Table.Tr key={shortcut.what}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {shortcut.keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 && ' + '}
                    <Kbd>{key}</Kbd>
                  </span>
                ))}
              </Table.Td>
              <Table.Td>{shortcut.what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
