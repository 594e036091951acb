import { Alert, Badge, Button, Loader, MultiSelect, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { agentQueue, type AgentQueue } from '../../../agent-api-schemas.ts';
import { agentApi, agentKeys, type RoutingProfile } from './agent-api.ts';
import { QUEUE_LABELS } from './format.ts';

// The supervisors' "Agents" screen: what each staff member who takes conversations serves (their
// queues; none chosen means every queue) and how many conversations they hold at once per channel
// (empty means the AGENT_CAPACITY_* default). Saved per row; routing follows at once.

type ProfileRow = Awaited<ReturnType<typeof agentApi.routingProfiles>>['profiles'][number];
const CHANNELS = ['sms', 'webchat', 'voice'] as const;
const CHANNEL_NAMES = { sms: 'SMS', webchat: 'Web chat', voice: 'Voice' } as const;
const PRESENCE_COLORS = { available: 'teal', away: 'orange', offline: 'gray' } as const;

export function AgentsScreen() {
  const profiles = useQuery({ queryKey: agentKeys.routingProfiles, queryFn: agentApi.routingProfiles });
  if (profiles.isPending) return <Loader />;
  if (profiles.isError) return <Alert color="red">{profiles.error.message}</Alert>;
  const { defaults } = profiles.data;
  return (
    <Stack>
      <Title order={2}>Agents</Title>
      <Text size="sm" c="dimmed">
        Queues: none chosen means every queue. Capacity: conversations held at once per channel; empty means the default ({defaults.sms} SMS, {defaults.webchat} web chat,{' '}
        {defaults.voice} voice).
      </Text>
      <Table data-testid="routing-profiles">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Staff</Table.Th>
            <Table.Th>Presence</Table.Th>
            <Table.Th>Queues</Table.Th>
            {CHANNELS.map((channel) => (
              <Table.Th key={channel}>{CHANNEL_NAMES[channel]}</Table.Th>
            ))}
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.data.profiles.map((profile) => (
            <ProfileEditor key={profile.staffId} profile={profile} defaults={defaults} />
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function ProfileEditor({ profile, defaults }: { profile: ProfileRow; defaults: Record<(typeof CHANNELS)[number], number> }) {
  const queryClient = useQueryClient();
  const [skills, setSkills] = useState<AgentQueue[]>(profile.skills);
  const [capacity, setCapacity] = useState<RoutingProfile['capacity']>(profile.capacity);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => agentApi.setRoutingProfile(profile.staffId, { skills, capacity }),
    onSuccess: () => setSaved(true),
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentKeys.routingProfiles }),
  });
  return (
    <Table.Tr data-testid={`profile-${profile.displayName}`}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {profile.displayName}
        </Text>
        <Text size="xs" c="dimmed">
          {profile.role}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={PRESENCE_COLORS[profile.status]} variant="light">
          {profile.status}
        </Badge>
      </Table.Td>
      <Table.Td miw={260}>
        <MultiSelect
          aria-label={`Queues of ${profile.displayName}`}
          placeholder={skills.length === 0 ? 'Every queue' : undefined}
          data={agentQueue.options.map((queue) => ({ value: queue, label: QUEUE_LABELS[queue] ?? queue }))}
          value={skills}
          onChange={(values) => {
            setSaved(false);
            setSkills(values.flatMap((value) => {
              const parsed = agentQueue.safeParse(value);
              return parsed.success ? [parsed.data] : [];
            }));
          }}
        />
      </Table.Td>
      {CHANNELS.map((channel) => (
        <Table.Td key={channel} w={110}>
          <NumberInput
            aria-label={`${CHANNEL_NAMES[channel]} capacity of ${profile.displayName}`}
            min={0}
            max={50}
            allowDecimal={false}
            placeholder={String(defaults[channel])}
            value={capacity[channel] ?? ''}
            onChange={(value) => {
              setSaved(false);
              setCapacity((current) => ({ ...current, [channel]: typeof value === 'number' ? value : null }));
            }}
          />
        </Table.Td>
      ))}
      <Table.Td>
        <Button size="xs" loading={save.isPending} onClick={() => save.mutate()} color={saved ? 'teal' : undefined}>
          {saved ? 'Saved' : 'Save'}
        </Button>
        {save.isError && (
          <Text size="xs" c="red">
            {save.error.message}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
