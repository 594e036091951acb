import { Alert, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArcElement, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useState } from 'react';
import { Bar, Doughnut } from 'react-chartjs-2';
import type { WallboardResponse } from '../../../agent-api-schemas.ts';
import { agentApi, agentKeys } from './agent-api.ts';
import { formatDuration, QUEUE_LABELS, REASON_LABELS } from './format.ts';
import { LiveProvider } from './live.tsx';

// The supervisor's wallboard: queue sizes and the longest wait, agents by presence and load, the
// conversations whose SLA is at risk (take over or reassign them), handoff reasons, today's CSAT,
// first-response and handle times. Charts where a glance beats reading; kept current by the live
// socket (supervisors are sent every event) and a slow poll for the clock-driven figures.

Chart.register(CategoryScale, LinearScale, BarElement, ArcElement, Tooltip, Legend);

const PRESENCE_COLORS: Record<string, string> = { available: 'teal', away: 'orange', offline: 'gray' };
const REASON_COLORS = ['#228be6', '#fa5252', '#fab005', '#40c057', '#be4bdb', '#868e96'];

export function WallboardScreen() {
  return (
    <LiveProvider>
      <Wallboard />
    </LiveProvider>
  );
}

function Wallboard() {
  const board = useQuery({ queryKey: agentKeys.wallboard, queryFn: agentApi.wallboard, refetchInterval: 15_000 });
  if (board.isPending) return <Text c="dimmed">Loading the wallboard…</Text>;
  if (board.isError) return <Alert color="red">The wallboard cannot be shown: {board.error.message}</Alert>;
  const data = board.data;
  return (
    <Stack gap="md" data-testid="wallboard">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {data.queues.map((queue) => (
          <Paper key={queue.queue} withBorder p="sm" radius="md" data-testid="queue-tile">
            <Group justify="space-between">
              <Text fw={600}>{QUEUE_LABELS[queue.queue] ?? queue.queue}</Text>
              {!queue.staffedNow && (
                <Badge color="gray" size="xs">
                  closed
                </Badge>
              )}
            </Group>
            <Text size="xl" fw={700}>
              {queue.waiting}
              <Text span size="sm" c="dimmed">
                {' '}
                waiting · {queue.offered} offered
              </Text>
            </Text>
            <Text size="sm" c={queue.longestWaitSeconds !== null && queue.longestWaitSeconds > 300 ? 'red' : 'dimmed'}>
              longest wait {queue.longestWaitSeconds === null ? '—' : formatDuration(queue.longestWaitSeconds)}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <ChartCard title="Waiting per queue">
          <Bar
            data={{
              labels: data.queues.map((q) => QUEUE_LABELS[q.queue] ?? q.queue),
              datasets: [
                { label: 'waiting', data: data.queues.map((q) => q.waiting), backgroundColor: '#228be6' },
                { label: 'offered', data: data.queues.map((q) => q.offered), backgroundColor: '#fab005' },
              ],
            }}
            options={{ responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
          />
        </ChartCard>
        <ChartCard title="Handoff reasons today">
          {data.handoffReasons.length === 0 ? (
            <Text c="dimmed">No handoffs yet today.</Text>
          ) : (
            <Doughnut
              data={{
                labels: data.handoffReasons.map((r) => REASON_LABELS[r.reason] ?? r.reason),
                datasets: [{ data: data.handoffReasons.map((r) => r.count), backgroundColor: REASON_COLORS }],
              }}
              options={{ responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'right' } } }}
            />
          )}
        </ChartCard>
        <ChartCard title={`CSAT today: ${data.csatToday.average === null ? '—' : data.csatToday.average.toFixed(1)} (${data.csatToday.responses} answers)`}>
          <Bar
            data={{
              labels: ['1', '2', '3', '4', '5'],
              datasets: [{ label: 'answers', data: ['1', '2', '3', '4', '5'].map((score) => data.csatToday.distribution[score] ?? 0), backgroundColor: ['#fa5252', '#fd7e14', '#fab005', '#82c91e', '#40c057'] }],
            }}
            options={{ responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
          />
        </ChartCard>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ChartCard title="First response and handle times today (seconds)">
          <Bar
            data={{
              labels: [`First response (${data.firstResponseSeconds.count})`, `Handle (${data.handleSeconds.count})`],
              datasets: [
                { label: 'average', data: [data.firstResponseSeconds.average ?? 0, data.handleSeconds.average ?? 0], backgroundColor: '#228be6' },
                { label: '90th percentile', data: [data.firstResponseSeconds.p90 ?? 0, data.handleSeconds.p90 ?? 0], backgroundColor: '#be4bdb' },
              ],
            }}
            options={{ indexAxis: 'y', responsive: true, maintainAspectRatio: false, scales: { x: { beginAtZero: true } } }}
          />
        </ChartCard>
        <AgentsTable data={data} />
      </SimpleGrid>
      <SlaAtRisk data={data} />
    </Stack>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={5} mb="xs">
        {title}
      </Title>
      <div style={{ position: 'relative', height: 200 }}>{children}</div>
    </Paper>
  );
}

function AgentsTable({ data }: { data: WallboardResponse }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={5} mb="xs">
        Agents
      </Title>
      <Table striped data-testid="agents-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Agent</Table.Th>
            <Table.Th>Presence</Table.Th>
            <Table.Th>Load</Table.Th>
            <Table.Th>Open</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.agents.map((agent) => {
            const load: Record<string, number> = agent.load;
            return (
              <Table.Tr key={agent.staffId}>
                <Table.Td>{agent.displayName}</Table.Td>
                <Table.Td>
                  <Badge color={PRESENCE_COLORS[agent.status] ?? 'gray'}>{agent.status}</Badge>
                </Table.Td>
                <Table.Td>
                  {Object.entries(agent.capacity)
                    .map(([channel, limit]) => `${channel} ${load[channel] ?? 0}/${limit}`)
                    .join(' · ')}
                </Table.Td>
                <Table.Td>{agent.conversations}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function SlaAtRisk({ data }: { data: WallboardResponse }) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const [assignee, setAssignee] = useState<Record<string, string | null>>({});
  const settle = () => queryClient.invalidateQueries({ queryKey: agentKeys.wallboard });
  // The wallboard names the conversation; its version comes from a fresh read (the CAS the API checks).
  const takeOver = useMutation({
    mutationFn: async (conversationId: string) => {
      const { conversation } = await agentApi.conversation(conversationId);
      return agentApi.takeOver(conversationId, conversation.version, 'Taken over from the wallboard (SLA at risk)');
    },
    onError: (error) => setProblem(error.message),
    onSettled: settle,
  });
  const reassign = useMutation({
    mutationFn: async ({ conversationId, staffId }: { conversationId: string; staffId: string }) => {
      const { conversation } = await agentApi.conversation(conversationId);
      return agentApi.reassign(conversationId, conversation.version, staffId, 'Reassigned from the wallboard (SLA at risk)');
    },
    onError: (error) => setProblem(error.message),
    onSettled: settle,
  });
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={5} mb="xs">
        SLA at risk
      </Title>
      {problem && (
        <Alert color="red" withCloseButton onClose={() => setProblem(null)} mb="xs">
          {problem}
        </Alert>
      )}
      {data.slaAtRisk.length === 0 ? (
        <Text c="dimmed">Nothing at risk.</Text>
      ) : (
        <Table data-testid="sla-table">
          <Table.Tbody>
            {data.slaAtRisk.map((row) => (
              <Table.Tr key={row.conversationId}>
                <Table.Td>{QUEUE_LABELS[row.queue] ?? row.queue}</Table.Td>
                <Table.Td>waiting {formatDuration(row.waitingSeconds)}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Button size="xs" onClick={() => takeOver.mutate(row.conversationId)} loading={takeOver.isPending}>
                      Take over
                    </Button>
                    <Select
                      size="xs"
                      placeholder="Reassign to…"
                      data={data.agents.filter((agent) => agent.status === 'available').map((agent) => ({ value: agent.staffId, label: agent.displayName }))}
                      value={assignee[row.conversationId] ?? null}
                      onChange={(staffId) => {
                        setAssignee((current) => ({ ...current, [row.conversationId]: staffId }));
                        if (staffId) reassign.mutate({ conversationId: row.conversationId, staffId });
                      }}
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
