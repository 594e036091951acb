import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { customer360Schema } from '../../../api-schemas.ts';
import type { StaffActionResponse } from '../../../agent-api-schemas.ts';
import { api, ApiError } from '../api.ts';
import { agentApi, agentKeys, type StaffActionRequest } from './agent-api.ts';
import { newClientMessageId } from './format.ts';

// The "Actions" panel of a conversation: what staff do for the customer (open a ticket, place or
// cancel an order, ask for a credit, update the profile, resend a one-time code). Each is filled
// in, then read back for a confirm step, then sent once (one action id per confirmed action); the
// server decides whether this staff member may, and says why not in the bot's words.

type Kind = StaffActionRequest['kind'];

const KINDS: Array<{ value: Kind; label: string }> = [
  { value: 'ticket', label: 'Open a trouble ticket' },
  { value: 'order', label: 'Place an order' },
  { value: 'order-cancel', label: 'Cancel an order not yet started' },
  { value: 'credit', label: 'Ask for a bill credit' },
  { value: 'profile', label: 'Update the profile' },
  { value: 'resend-code', label: 'Resend a one-time code' },
];

const PROFILE_FIELDS = [
  { value: 'email', label: 'Email' },
  { value: 'postalAddress', label: 'Postal address' },
  { value: 'preferredChannel', label: 'Contact preference' },
];
const CHANNELS = [
  { value: 'sms', label: 'Text (SMS)' },
  { value: 'webchat', label: 'Web chat' },
  { value: 'voice', label: 'Phone call' },
];
const CANCELLABLE = ['acknowledged', 'pending', 'held'];

export interface ActionsPanelProps {
  conversationId: string;
  customerId: string;
  opened: boolean;
  onClose(): void;
}

/** One filled-in action and the sentence the confirm step reads back. */
interface Draft {
  request: StaffActionRequest;
  readBack: string;
}

export function ActionsPanel({ conversationId, customerId, opened, onClose }: ActionsPanelProps) {
  const queryClient = useQueryClient();
  const customer = useQuery({
    queryKey: ['console', 'data', 'customer', customerId],
    queryFn: ({ signal }) => api(`/console/api/customers/${encodeURIComponent(customerId)}`, customer360Schema, { signal }),
    enabled: opened,
  });
  const offerings = useQuery({ queryKey: ['agent', 'offerings'], queryFn: agentApi.offerings, enabled: opened });
  const [kind, setKind] = useState<Kind>('ticket');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [result, setResult] = useState<StaffActionResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const field = (name: string) => fields[name] ?? '';
  const set = (name: string) => (value: string | null) => setFields((current) => ({ ...current, [name]: value ?? '' }));

  const send = useMutation({
    mutationFn: (request: StaffActionRequest) => agentApi.act(conversationId, request),
    onSuccess: (answer) => {
      setResult(answer);
      setDraft(null);
      setFields({});
    },
    onError: (error) => {
      setProblem(error instanceof ApiError || error instanceof Error ? error.message : String(error));
      setDraft(null);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: agentKeys.conversation(conversationId) });
      void queryClient.invalidateQueries({ queryKey: ['console', 'data', 'customer', customerId] });
    },
  });

  const data = customer.data;
  const products = (data?.products ?? []).filter((product) => product.status !== 'terminated').map((product) => ({ value: product.id, label: `${product.offeringName} (${product.serviceType})` }));
  const orders = (data?.orders ?? []).filter((order) => CANCELLABLE.includes(order.state)).map((order) => ({ value: order.id, label: `${order.reference} — ${order.items.map((item) => item.offeringName).join(', ')} (${order.stateText})` }));
  const charges = (data?.bills ?? []).flatMap((bill) => bill.charges.filter((charge) => Number(charge.amount) > 0).map((charge) => ({ value: `${bill.id}/${charge.id}`, label: `${bill.reference}: ${charge.description} ${charge.amount}` })));
  const offers = (offerings.data?.offerings ?? []).map((offering) => ({ value: offering.code, label: `${offering.name} — ${offering.recurringPrice} ${offering.currency}/month` }));
  const labelOf = (options: Array<{ value: string; label: string }>, value: string) => options.find((option) => option.value === value)?.label ?? value;

  /** The filled-in action, or null while something is missing. */
  function prepare(): Draft | null {
    const actionId = newClientMessageId();
    switch (kind) {
      case 'ticket':
        if (!field('productId') || field('description').trim().length < 3) return null;
        return { request: { kind, body: { actionId, productId: field('productId'), description: field('description').trim() } }, readBack: `Open a trouble ticket on ${labelOf(products, field('productId'))}: “${field('description').trim()}”.` };
      case 'order':
        if (!field('offeringCode')) return null;
        return { request: { kind, body: { actionId, offeringCode: field('offeringCode') } }, readBack: `Place an order for ${labelOf(offers, field('offeringCode'))}.` };
      case 'order-cancel':
        if (!field('orderId') || field('reason').trim().length < 3) return null;
        return { request: { kind, body: { actionId, orderId: field('orderId'), reason: field('reason').trim() } }, readBack: `Cancel ${labelOf(orders, field('orderId'))}, because: “${field('reason').trim()}”.` };
      case 'credit': {
        const [billId, chargeId] = field('charge').split('/');
        if (!billId || !chargeId || !field('amount') || field('reason').trim().length < 3) return null;
        return {
          request: { kind, body: { actionId, billId, chargeId, amount: field('amount').trim(), reason: field('reason').trim() } },
          readBack: `Ask for a ${field('amount').trim()} credit on ${labelOf(charges, field('charge'))}, because: “${field('reason').trim()}”.`,
        };
      }
      case 'profile': {
        const which = field('field');
        const value = field('value').trim();
        if (which === 'preferredChannel' && (value === 'sms' || value === 'webchat' || value === 'voice')) {
          return { request: { kind, body: { actionId, change: { field: 'preferredChannel', value } } }, readBack: `Set the contact preference to ${labelOf(CHANNELS, value)}.` };
        }
        if ((which === 'email' || which === 'postalAddress') && value.length > 0) {
          return { request: { kind, body: { actionId, change: { field: which, value } } }, readBack: `Change the ${which === 'email' ? 'email' : 'postal address'} to “${value}”.` };
        }
        return null;
      }
      case 'resend-code':
        return { request: { kind, body: { actionId } }, readBack: `Text a new one-time code to ${data?.profile.phone ?? 'the number on file'}.` };
    }
  }
  const prepared = prepare();

  return (
    <Modal opened={opened} onClose={onClose} title="Act for the customer" size="lg">
      <Stack data-testid="actions-panel">
        {customer.isError && <Alert color="red">The customer's record cannot be shown: {customer.error.message}</Alert>}
        {result && (
          <Alert color={result.outcome === 'pending' ? 'orange' : 'teal'} title={result.summary} data-testid="action-result" withCloseButton onClose={() => setResult(null)}>
            {result.toldCustomer ? `The customer was told: “${result.toldCustomer}”` : 'Nothing was sent to the customer.'}
          </Alert>
        )}
        {problem && (
          <Alert color="red" data-testid="action-problem" withCloseButton onClose={() => setProblem(null)}>
            {problem}
          </Alert>
        )}
        {draft ? (
          <Stack data-testid="action-confirm">
            <Text fw={600}>Confirm</Text>
            <Text>{draft.readBack}</Text>
            <Text size="sm" c="dimmed">
              The customer is told in this conversation where they would expect it.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDraft(null)}>
                Back
              </Button>
              <Button loading={send.isPending} onClick={() => send.mutate(draft.request)}>
                Confirm
              </Button>
            </Group>
          </Stack>
        ) : (
          <>
            <Select
              label="Action"
              data={KINDS}
              value={kind}
              allowDeselect={false}
              onChange={(value) => {
                const chosen = KINDS.find((entry) => entry.value === value);
                if (chosen) setKind(chosen.value);
                setFields({});
                setProblem(null);
              }}
            />
            {kind === 'ticket' && (
              <>
                <Select label="Product with the fault" data={products} value={field('productId') || null} onChange={set('productId')} />
                <Textarea label="What is wrong" autosize minRows={2} value={field('description')} onChange={(event) => set('description')(event.currentTarget.value)} />
              </>
            )}
            {kind === 'order' && <Select label="Offering" searchable data={offers} value={field('offeringCode') || null} onChange={set('offeringCode')} />}
            {kind === 'order-cancel' && (
              <>
                <Select label="Order" data={orders} value={field('orderId') || null} onChange={set('orderId')} nothingFoundMessage="No order waiting to start" placeholder={orders.length === 0 ? 'No order waiting to start' : undefined} />
                <TextInput label="Why" value={field('reason')} onChange={(event) => set('reason')(event.currentTarget.value)} />
              </>
            )}
            {kind === 'credit' && (
              <>
                <Select label="Charge" searchable data={charges} value={field('charge') || null} onChange={set('charge')} />
                <TextInput label="Amount" placeholder="12.50" value={field('amount')} onChange={(event) => set('amount')(event.currentTarget.value)} />
                <TextInput label="Why" value={field('reason')} onChange={(event) => set('reason')(event.currentTarget.value)} />
              </>
            )}
            {kind === 'profile' && (
              <>
                <Select label="What to change" data={PROFILE_FIELDS} value={field('field') || null} onChange={(value) => setFields({ field: value ?? '' })} />
                {field('field') === 'preferredChannel' ? (
                  <Select label="Contact by" data={CHANNELS} value={field('value') || null} onChange={set('value')} />
                ) : (
                  field('field') && (
                    <TextInput
                      label={field('field') === 'email' ? 'New email' : 'New address'}
                      placeholder={field('field') === 'email' ? 'name@example.com' : '12 Main Street, Oakland 94612'}
                      value={field('value')}
                      onChange={(event) => set('value')(event.currentTarget.value)}
                    />
                  )
                )}
              </>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Done
              </Button>
              <Button
                disabled={!prepared}
                onClick={() => {
                  setProblem(null);
                  setResult(null);
                  setDraft(prepared);
                }}
              >
                Review…
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
