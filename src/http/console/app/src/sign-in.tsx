import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { signInOptionsResponseSchema } from '../../api-schemas.ts';
import { api } from './api.ts';
import { useSignIn } from './staff.tsx';

// The sign-in page. In development the server also lists the demo staff and their password
// (never in production: the server answers null there).

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSignIn();
  const options = useQuery({ queryKey: ['console', 'sign-in-options'], queryFn: () => api('/console/api/sign-in-options', signInOptionsResponseSchema), staleTime: Infinity });
  const demo = options.data?.demoStaff;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <Center mih="100vh" p="md">
      <Stack w={420}>
        <Paper withBorder shadow="sm" p="xl" radius="md" component="form" onSubmit={submit} aria-label="Sign in">
          <Stack>
            <Title order={2}>Staff sign-in</Title>
            {signIn.error && (
              <Alert color="red" role="alert" title="Not signed in">
                {signIn.error.message}
              </Alert>
            )}
            <TextInput label="Email" type="email" autoComplete="username" required autoFocus value={email} onChange={(event) => setEmail(event.currentTarget.value)} />
            <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.currentTarget.value)} />
            <Button type="submit" loading={signIn.isPending}>
              Sign in
            </Button>
          </Stack>
        </Paper>
        {demo && (
          <Paper withBorder p="md" radius="md" aria-label="Demo staff">
            <Text size="sm" fw={500}>
              Development only: demo staff, password <Code>{demo.password}</Code>
            </Text>
            <Table mt="xs" highlightOnHover>
              <Table.Tbody>
                {demo.accounts.map((account) => (
                  <Table.Tr
                    key={account.email}
                    style={{ cursor: 'pointer' }}
                    onClick={() => {
                      setEmail(account.email);
                      setPassword(demo.password);
                    }}
                  >
                    <Table.Td>{account.role}</Table.Td>
                    <Table.Td>{account.email}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
    </Center>
  );
}
