import { Alert, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArcElement, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ReactNode } from 'react';
import { Bar, Doughnut } from 'react-chartjs-2';
import type { CampaignDetail, CampaignProgress as Progression, CampaignResultsView } from '../../../marketing-api-schemas.ts';
import { useRouteParams } from '../router.tsx';
import { useStaff } from '../staff.tsx';
import { CampaignProgress } from './campaign-progress.tsx';
import { HELD_REASON_LABELS, isActive, marketingApi, marketingKeys, STATUS_COLORS } from './marketing-api.ts';

// One campaign: its state and the actions it allows (launch, pause, resume, cancel), its progress
// while sending, and its results: per variant and the holdout, sends, deliveries, replies,
// conversions and opt-outs, gate refusals by reason, and the uplift over the holdout with its
// interval; charts first, the table under them, and the per-message evidence as CSV.

Chart.register(CategoryScale, LinearScale, BarElement, ArcElement, Tooltip, Legend);

// Charts are drawn without animation: they are redrawn on every poll while a campaign sends.
const REASON_COLORS = ['#fd7e14', '#fa5252', '#be4bdb', '#fab005', '#228be6', '#868e96'];

export function CampaignScreen() {
  const { id = '' } = useRouteParams();
  const detail = useQuery({
    queryKey: marketingKeys.campaign(id),
    queryFn: ({ signal }) => marketingApi.campaign(id, signal),
    refetchInterval: (query) => (query.state.data && isActive(query.state.data.campaign.status) ? 1500 : 20_000),
  });
  if (detail.isPending) return <Text c="dimmed">Loading the campaign…</Text>;
  if (detail.isError) return <Alert color="red">The campaign cannot be shown: {detail.error.message}</Alert>;
  const { campaign, results } = detail.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2}>{campaign.name}</Title>
            <Badge size="lg" color={STATUS_COLORS[campaign.status]} data-testid="campaign-status">
              {campaign.status}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            Program {campaign.program} · offer {campaign.offerCode ?? 'none'} · holdout {campaign.holdoutPercent} % · {describeTimes(campaign)}
          </Text>
        </div>
        <Actions campaign={campaign} />
      </Group>
      {results && campaign.status !== 'draft' && (
        <Paper withBorder p="md" radius="md">
          <Title order={5} mb="xs">
            Progress {isActive(campaign.status) && <Text span size="sm" c="dimmed">(live)</Text>}
          </Title>
          <CampaignProgress progress={progressOf(results)} label="Campaign progress" />
        </Paper>
      )}
      {results && results.groups.length > 0 && <Results results={results} />}
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">
          Messages
        </Title>
        {campaign.variants.map((variant) => (
          <Text key={variant.key} size="sm">
            <Badge size="xs" variant="light" mr={6}>
              {variant.key} · {variant.weight}
            </Badge>
            {variant.template}
          </Text>
        ))}
      </Paper>
    </Stack>
  );
}

function Actions({ campaign }: { campaign: CampaignDetail }) {
  const staff = useStaff();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: (action: 'launch' | 'pause' | 'resume' | 'cancel') => marketingApi[action](campaign.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: marketingKeys.all }),
  });
  if (!staff.can('marketer', 'admin')) return null;
  const button = (action: 'launch' | 'pause' | 'resume' | 'cancel', label: string, color?: string) => (
    <Button color={color} variant={action === 'cancel' ? 'light' : 'filled'} loading={act.isPending && act.variables === action} disabled={act.isPending} onClick={() => act.mutate(action)}>
      {label}
    </Button>
  );
  const { status } = campaign;
  return (
    <Stack gap={4} align="flex-end">
      <Group gap="xs">
        {status === 'draft' && button('launch', 'Launch now')}
        {(status === 'running' || status === 'scheduled') && button('pause', 'Pause', 'orange')}
        {status === 'paused' && button('resume', 'Resume')}
        {(status === 'draft' || status === 'scheduled' || status === 'running' || status === 'paused') && button('cancel', 'Cancel', 'red')}
        <Button component="a" variant="default" href={marketingApi.evidenceUrl(campaign.id)} download>
          Evidence CSV
        </Button>
      </Group>
      {act.error && (
        <Text size="sm" c="red" role="alert">
          {act.error.message}
        </Text>
      )}
    </Stack>
  );
}

function Results({ results }: { results: CampaignResultsView }) {
  const labels = results.groups.map((group) => (group.group === 'holdout' ? 'Holdout' : `Variant ${group.group}`));
  const reasons = Object.entries(results.heldReasons);
  const rate = (converted: number, recipients: number) => (recipients === 0 ? 0 : (converted / recipients) * 100);
  return (
    <>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <ChartCard title="Per group">
          <Bar
            aria-label="Sends, replies and conversions per group"
            data={{
              labels,
              datasets: [
                { label: 'sent', data: results.groups.map((group) => group.sent), backgroundColor: '#228be6' },
                { label: 'delivered', data: results.groups.map((group) => group.delivered), backgroundColor: '#15aabf' },
                { label: 'replied', data: results.groups.map((group) => group.replied), backgroundColor: '#fab005' },
                { label: 'converted', data: results.groups.map((group) => group.converted), backgroundColor: '#40c057' },
              ],
            }}
            options={{ animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
          />
        </ChartCard>
        <ChartCard title="Conversion rate (% of the group)">
          <Bar
            aria-label="Conversion rate per group"
            data={{
              labels,
              datasets: [{ label: 'converted %', data: results.groups.map((group) => rate(group.converted, group.recipients)), backgroundColor: results.groups.map((group) => (group.group === 'holdout' ? '#868e96' : '#40c057')) }],
            }}
            options={{ animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }}
          />
        </ChartCard>
        <ChartCard title="Held by the gate">
          {reasons.length === 0 ? (
            <Text c="dimmed">The gate has held nobody.</Text>
          ) : (
            <Doughnut
              aria-label="Gate refusals by reason"
              data={{ labels: reasons.map(([reason]) => HELD_REASON_LABELS[reason] ?? reason), datasets: [{ data: reasons.map(([, count]) => count), backgroundColor: REASON_COLORS }] }}
              options={{ animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } }}
            />
          )}
        </ChartCard>
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="xs">
          <Title order={5}>Results</Title>
          <Uplift uplift={results.uplift} />
        </Group>
        <Table striped aria-label="Results per group">
          <Table.Thead>
            <Table.Tr>
              {['Group', 'Recipients', 'Sent', 'Delivered', 'Failed', 'Held', 'Waiting', 'Replied', 'Converted', 'Opted out'].map((heading) => (
                <Table.Th key={heading}>{heading}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.groups.map((group, index) => (
              <Table.Tr key={group.group}>
                <Table.Td>{labels[index]}</Table.Td>
                {[group.recipients, group.sent, group.delivered, group.failed, group.held, group.pending, group.replied, group.converted, group.optedOut].map((value, column) => (
                  <Table.Td key={column}>{value}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {reasons.length > 0 && (
          <Text size="sm" c="dimmed" mt="xs" data-testid="held-reasons">
            Held: {reasons.map(([reason, count]) => `${HELD_REASON_LABELS[reason] ?? reason} ${count}`).join(' · ')}
          </Text>
        )}
      </Paper>
    </>
  );
}

function Uplift({ uplift }: { uplift: CampaignResultsView['uplift'] }) {
  if (!uplift) return <Text size="sm" c="dimmed">No holdout to measure uplift against.</Text>;
  const points = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}`;
  return (
    <Text size="sm" data-testid="uplift">
      Uplift <b>{points(uplift.difference)} points</b> (95 % interval {points(uplift.low)} to {points(uplift.high)}): {(uplift.treatedRate * 100).toFixed(1)} % converted against{' '}
      {(uplift.holdoutRate * 100).toFixed(1)} % in the holdout
    </Text>
  );
}

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={5} mb="xs">
        {title}
      </Title>
      <div style={{ position: 'relative', height: 220 }}>{children}</div>
    </Paper>
  );
}

function progressOf(results: CampaignResultsView): Progression {
  const progress: Progression = { pending: 0, sent: 0, held: 0, holdout: 0, cancelled: 0 };
  for (const group of results.groups) {
    if (group.group === 'holdout') {
      progress.holdout += group.recipients;
      continue;
    }
    progress.sent += group.sent;
    progress.held += group.held;
    progress.pending += group.pending;
    progress.cancelled += group.recipients - group.sent - group.held - group.pending;
  }
  return progress;
}

function describeTimes(campaign: CampaignDetail): string {
  const at = (value: string) => new Date(value).toLocaleString();
  if (campaign.completedAt) return `completed ${at(campaign.completedAt)}`;
  if (campaign.cancelledAt) return `cancelled ${at(campaign.cancelledAt)}`;
  if (campaign.pausedAt) return `paused ${at(campaign.pausedAt)}`;
  if (campaign.startedAt) return `started ${at(campaign.startedAt)}`;
  if (campaign.scheduledAt) return `scheduled for ${at(campaign.scheduledAt)}`;
  return `created ${at(campaign.createdAt)}`;
}
