import { Alert, Anchor, Badge, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { customerSearchResponseSchema } from '../../../api-schemas.ts';
import { api } from '../api.ts';
import { linkClick, navigate } from '../router.tsx';

/** Search by name, phone, email, account number or a reference (ORD-, TT-, INV-, ADJ-). */
export function CustomerSearchScreen() {
  const [text, setText] = useState(() => new URLSearchParams(window.location.search).get('q') ?? '');
  const [query, setQuery] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(text.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [text]);
  const results = useQuery({
    queryKey: ['console', 'data', 'customers', query],
    queryFn: ({ signal }) => api(`/console/api/customers?q=${encodeURIComponent(query)}`, customerSearchResponseSchema, { signal }),
    enabled: query.length >= 2,
  });
  const customers = results.data?.customers ?? [];
  return (
    <Stack>
      <Title order={2}>Customers</Title>
      <TextInput
        label="Find a customer"
        placeholder="Name, phone, email, account number, or ORD-/TT-/INV-/ADJ- reference"
        value={text}
        autoFocus
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          const first = customers[0];
          if (event.key === 'Enter' && first) navigate(`/console/customers/${first.id}`);
        }}
        rightSection={results.isFetching ? <Loader size="xs" /> : null}
      />
      {results.error && <Alert color="red">{results.error.message}</Alert>}
      {results.isSuccess && customers.length === 0 && <Text c="dimmed">No customer matches “{query}”.</Text>}
      {customers.length > 0 && (
        <Table striped highlightOnHover aria-label="Search results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Account</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {customers.map((customer) => (
              <Table.Tr key={customer.id}>
                <Table.Td>
                  <Anchor href={`/console/customers/${customer.id}`} onClick={linkClick(`/console/customers/${customer.id}`)}>
                    {customer.name}
                  </Anchor>
                  {customer.matchedReference && (
                    <Badge ml="xs" variant="outline">
                      {customer.matchedReference}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{customer.phone ?? '—'}</Table.Td>
                <Table.Td>{customer.email ?? '—'}</Table.Td>
                <Table.Td>{customer.accountNumbers.join(', ') || '—'}</Table.Td>
                <Table.Td>{customer.status}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
