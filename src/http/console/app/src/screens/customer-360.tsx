import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ActionsPanel } from '../agent/actions-panel.tsx';
import { agentApi, agentKeys } from '../agent/agent-api.ts';
import { customer360Schema } from '../../../api-schemas.ts';
import { api } from '../api.ts';
import { useRouteParams } from '../router.tsx';
import { AdjustmentDecision } from './approvals.tsx';

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' }) : '—');
/** "2 h 5 min", "40 min", "3 d 4 h". */
function duration(totalSeconds: number): string {
  const minutes = Math.floor(Math.abs(totalSeconds) / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}
const STEP_COLORS = { done: 'teal', failed: 'red', waiting: 'gray' } as const;
const BAND_COLORS: Record<string, string> = { high: 'red', medium: 'orange', low: 'gray' };

const time = (iso: string) => new Date(iso).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** One customer's whole story: profile, products, orders, tickets, bills, credits awaiting approval, contacts. */
export function Customer360Screen() {
  const { id = '' } = useRouteParams();
  const customer = useQuery({ queryKey: ['console', 'data', 'customer', id], queryFn: ({ signal }) => api(`/console/api/customers/${encodeURIComponent(id)}`, customer360Schema, { signal }) });
  // Actions go through a conversation with the customer that this staff member holds (the server checks it too).
  const inbox = useQuery({ queryKey: agentKeys.inbox, queryFn: agentApi.inbox });
  const held = inbox.data?.mine.find((card) => card.customer?.id === id);
  const [actionsOpen, setActionsOpen] = useState(false);
  if (customer.isPending) return <Loader />;
  if (customer.error) return <Alert color="red">{customer.error.message}</Alert>;
  const { profile, products, orders, tickets, bills, balance, pendingAdjustments, interactions, churnRisk } = customer.data;
  return (
    <Stack>
      {held && <ActionsPanel conversationId={held.conversationId} customerId={id} opened={actionsOpen} onClose={() => setActionsOpen(false)} />}
      <Group justify="space-between">
        <Title order={2}>
          {profile.givenName} {profile.familyName}
        </Title>
        <Group gap="xs">
          {churnRisk && (
            <Badge color={BAND_COLORS[churnRisk.band] ?? 'gray'} data-testid="churn-band">
              churn risk {churnRisk.band} ({churnRisk.score}%)
            </Badge>
          )}
          <Badge color={profile.status === 'active' ? 'green' : 'orange'}>{profile.status}</Badge>
          {held && (
            <Button size="xs" variant="default" onClick={() => setActionsOpen(true)}>
              Actions
            </Button>
          )}
          <Text size="sm">
            Owes {balance.owed} {balance.currency} · next bill {date(balance.nextBillDate)}
          </Text>
        </Group>
      </Group>
      <SimpleGrid cols={2}>
        <Card withBorder aria-label="Profile">
          <Title order={4}>Profile</Title>
          <Text size="sm">Phone: {profile.phone ?? '—'}</Text>
          <Text size="sm">Email: {profile.email ?? '—'}</Text>
          <Text size="sm">Address: {profile.postalAddress ?? '—'}</Text>
          <Text size="sm">
            Account {profile.accountNumbers.join(', ') || '—'} · prefers {profile.preferredChannel} · paperless {profile.paperlessBill ? 'yes' : 'no'} · marketing texts{' '}
            {profile.marketingTexts ? 'yes' : 'no'}
          </Text>
        </Card>
        <Card withBorder aria-label="Products">
          <Title order={4}>Products</Title>
          {products.length === 0 && <Text size="sm">None.</Text>}
          {products.map((product) => (
            <Text size="sm" key={product.id}>
              {product.offeringName} ({product.serviceType}
              {product.isAddOn ? ', add-on' : ''}) · {product.status}
              {product.recurringPrice ? ` · ${product.recurringPrice}/month` : ''}
            </Text>
          ))}
        </Card>
      </SimpleGrid>
      {churnRisk && churnRisk.reasons.length > 0 && (
        <Card withBorder aria-label="Churn risk">
          <Title order={4}>Churn risk: {churnRisk.band}</Title>
          {churnRisk.reasons.map((reason) => (
            <Text size="sm" key={reason}>
              · {reason}
            </Text>
          ))}
        </Card>
      )}
      {pendingAdjustments.length > 0 && (
        <Card withBorder aria-label="Credits awaiting approval">
          <Title order={4}>Credits awaiting approval</Title>
          {pendingAdjustments.map((adjustment) => (
            <Group key={adjustment.id} justify="space-between" py={4}>
              <Text size="sm">
                {adjustment.reference}: {adjustment.amount} {adjustment.currency} on {adjustment.chargeDescription ?? 'a charge'} ({adjustment.billReference}) — “{adjustment.reason}”
              </Text>
              <AdjustmentDecision adjustment={adjustment} />
            </Group>
          ))}
        </Card>
      )}
      <SimpleGrid cols={2}>
        <Card withBorder aria-label="Orders">
          <Title order={4}>Orders</Title>
          {orders.length === 0 && <Text size="sm">None.</Text>}
          {orders.map((order) => (
            <Stack gap={2} key={order.id} py={2}>
              <Text size="sm">
                <b>{order.reference}</b> {order.items.map((item) => `${item.action} ${item.offeringName}`).join(', ')} — {order.stateText}
                {order.expectedCompletionDate ? ` (expected ${date(order.expectedCompletionDate)})` : ''}
              </Text>
              {order.progress && (
                <Group gap={4} data-testid="order-progress">
                  <Badge size="xs" variant="light" color={STEP_COLORS[order.progress.validate.status]}>
                    validate
                  </Badge>
                  {order.progress.items.map((item) =>
                    item.steps.map((step) => (
                      <Badge key={`${item.offeringName}-${step.step}`} size="xs" variant="light" color={STEP_COLORS[step.status]} title={`${item.offeringName}: ${step.step} ${step.status}`}>
                        {order.progress && order.progress.items.length > 1 ? `${item.offeringName} ` : ''}
                        {step.step}
                      </Badge>
                    )),
                  )}
                </Group>
              )}
            </Stack>
          ))}
        </Card>
        <Card withBorder aria-label="Tickets">
          <Title order={4}>Trouble tickets</Title>
          {tickets.length === 0 && <Text size="sm">None.</Text>}
          {tickets.map((ticket) => (
            <Text size="sm" key={ticket.id}>
              <b>{ticket.reference}</b> {ticket.serviceType}, {ticket.severity}: {ticket.status} — SLA due {date(ticket.expectedResolutionDate)}
              {ticket.sla && (
                <span data-testid="ticket-sla">
                  {' '}
                  · {duration(ticket.sla.elapsedSeconds)} of {duration(ticket.sla.budgetSeconds)} used,{' '}
                  {ticket.sla.remainingSeconds >= 0 ? `${duration(ticket.sla.remainingSeconds)} left` : `${duration(ticket.sla.remainingSeconds)} over`}
                  {ticket.sla.running ? '' : ' (paused)'}
                </span>
              )}{' '}
              {ticket.slaBreached && (
                <Badge color="red" size="xs">
                  SLA breached
                </Badge>
              )}
            </Text>
          ))}
        </Card>
      </SimpleGrid>
      <Card withBorder aria-label="Bills">
        <Title order={4}>Bills</Title>
        {bills.map((bill) => (
          <Stack gap={0} key={bill.id} py={4}>
            <Text size="sm" fw={500}>
              {bill.reference} · {date(bill.billDate)} · {bill.amountDue} {bill.currency} due {date(bill.dueDate)} · {bill.state}
            </Text>
            <Text size="xs" c="dimmed">
              {bill.charges.map((charge) => `${charge.description} ${charge.amount}`).join(' · ')}
            </Text>
          </Stack>
        ))}
      </Card>
      <Card withBorder aria-label="Contact log">
        <Title order={4}>Contact log</Title>
        <Table>
          <Table.Tbody>
            {interactions.map((interaction) => (
              <Table.Tr key={interaction.id}>
                <Table.Td w={140}>{time(interaction.at)}</Table.Td>
                <Table.Td w={90}>{interaction.channel}</Table.Td>
                <Table.Td w={40}>{interaction.direction === 'inbound' ? '→' : '←'}</Table.Td>
                <Table.Td>{interaction.text}</Table.Td>
                <Table.Td w={90}>{interaction.deliveryStatus ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
