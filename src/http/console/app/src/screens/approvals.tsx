import { Alert, Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { adjustmentDecisionResponseSchema, pendingAdjustmentsResponseSchema, type AdjustmentRow } from '../../../api-schemas.ts';
import { api } from '../api.ts';
import { linkClick } from '../router.tsx';

/** Approve or reject one pending credit, with a reason. Used by the approvals screen and the customer 360. */
export function AdjustmentDecision({ adjustment }: { adjustment: AdjustmentRow }) {
  const [reason, setReason] = useState('');
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      api(`/console/api/adjustments/${adjustment.id}/decision`, adjustmentDecisionResponseSchema, { method: 'POST', body: { decision, reason } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['console', 'data'] }),
  });
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        <TextInput size="xs" placeholder="Reason" aria-label={`Reason for ${adjustment.reference}`} value={reason} onChange={(event) => setReason(event.currentTarget.value)} />
        <Button size="xs" color="green" disabled={reason.trim().length < 3} loading={decide.isPending && decide.variables === 'approve'} onClick={() => decide.mutate('approve')}>
          Approve
        </Button>
        <Button size="xs" color="red" variant="light" disabled={reason.trim().length < 3} loading={decide.isPending && decide.variables === 'reject'} onClick={() => decide.mutate('reject')}>
          Reject
        </Button>
      </Group>
      {decide.isSuccess && (
        <Text size="xs" c="green" role="status">
          {decide.data.adjustment.reference} {decide.data.adjustment.status}.
        </Text>
      )}
      {decide.error && (
        <Text size="xs" c="red" role="alert">
          {decide.error.message}
        </Text>
      )}
    </Stack>
  );
}

export function ApprovalsScreen() {
  const pending = useQuery({ queryKey: ['console', 'data', 'adjustments', 'pending'], queryFn: ({ signal }) => api('/console/api/adjustments/pending', pendingAdjustmentsResponseSchema, { signal }) });
  return (
    <Stack>
      <Title order={2}>Credits awaiting approval</Title>
      {pending.data && <Text c="dimmed">You may approve up to {pending.data.approvalLimit}; larger credits wait for a supervisor. Anyone may reject with a reason.</Text>}
      {pending.error && <Alert color="red">{pending.error.message}</Alert>}
      {pending.data?.adjustments.length === 0 && <Text>Nothing is waiting.</Text>}
      {pending.data && pending.data.adjustments.length > 0 && (
        <Table striped aria-label="Pending credits">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Credit</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Charge</Table.Th>
              <Table.Th>Amount</Table.Th>
              <Table.Th>Customer's reason</Table.Th>
              <Table.Th>Decision</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pending.data.adjustments.map((adjustment) => (
              <Table.Tr key={adjustment.id}>
                <Table.Td>{adjustment.reference}</Table.Td>
                <Table.Td>
                  <Anchor href={`/console/customers/${adjustment.customerId}`} onClick={linkClick(`/console/customers/${adjustment.customerId}`)}>
                    {adjustment.customerName}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {adjustment.chargeDescription ?? '—'} ({adjustment.billReference})
                </Table.Td>
                <Table.Td>
                  {adjustment.amount} {adjustment.currency}
                </Table.Td>
                <Table.Td>{adjustment.reason}</Table.Td>
                <Table.Td>
                  <AdjustmentDecision adjustment={adjustment} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
