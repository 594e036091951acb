import { Alert, Button, Paper, PasswordInput, Stack, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { passwordChangeResponseSchema } from '../../../api-schemas.ts';
import { api } from '../api.ts';

export function PasswordScreen() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const change = useMutation({
    mutationFn: () => api('/console/api/session/password', passwordChangeResponseSchema, { method: 'POST', body: { currentPassword, newPassword } }),
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
      setRepeated('');
    },
  });
  const mismatch = repeated.length > 0 && repeated !== newPassword;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <Paper withBorder p="lg" maw={480} component="form" onSubmit={submit} aria-label="Change password">
      <Stack>
        <Title order={3}>Change password</Title>
        {change.isSuccess && (
          <Alert color="green" role="status">
            Password changed. {change.data.otherSessionsEnded > 0 ? `You were signed out on ${change.data.otherSessionsEnded} other device(s).` : ''}
          </Alert>
        )}
        {change.error && (
          <Alert color="red" role="alert">
            {change.error.message}
          </Alert>
        )}
        <PasswordInput label="Current password" autoComplete="current-password" required value={currentPassword} onChange={(event) => setCurrentPassword(event.currentTarget.value)} />
        <PasswordInput label="New password" description="At least 10 characters" autoComplete="new-password" required value={newPassword} onChange={(event) => setNewPassword(event.currentTarget.value)} />
        <PasswordInput
          label="New password again"
          autoComplete="new-password"
          required
          value={repeated}
          error={mismatch ? 'The two new passwords differ.' : undefined}
          onChange={(event) => setRepeated(event.currentTarget.value)}
        />
        <Button type="submit" loading={change.isPending} disabled={mismatch}>
          Change password
        </Button>
      </Stack>
    </Paper>
  );
}
