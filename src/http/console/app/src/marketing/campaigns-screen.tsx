import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useStaff } from '../staff.tsx';
import { linkClick, navigate } from '../router.tsx';
import { CampaignProgress } from './campaign-progress.tsx';
import { isActive, marketingApi, marketingKeys, STATUS_COLORS } from './marketing-api.ts';

// The marketer's home: every campaign with its state and progress, polled while any is sending.

export function CampaignsScreen() {
  const staff = useStaff();
  const campaigns = useQuery({
    queryKey: marketingKeys.campaigns,
    queryFn: ({ signal }) => marketingApi.campaigns(signal),
    refetchInterval: (query) => (query.state.data?.campaigns.some((campaign) => isActive(campaign.status)) ? 2000 : 15_000),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Campaigns</Title>
        {staff.can('marketer', 'admin') && <Button onClick={() => navigate('/console/marketing/new')}>New campaign</Button>}
      </Group>
      {campaigns.isPending && <Text c="dimmed">Loading campaigns…</Text>}
      {campaigns.error && <Alert color="red">The campaigns cannot be shown: {campaigns.error.message}</Alert>}
      {campaigns.data?.campaigns.length === 0 && <Text>No campaigns yet. Build one with “New campaign”.</Text>}
      {campaigns.data && campaigns.data.campaigns.length > 0 && (
        <Table striped highlightOnHover aria-label="Campaigns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th miw={130}>State</Table.Th>
              <Table.Th>Program</Table.Th>
              <Table.Th>Offer</Table.Th>
              <Table.Th>Audience</Table.Th>
              <Table.Th w="35%">Progress</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.campaigns.map((campaign) => {
              const href = `/console/marketing/campaigns/${campaign.id}`;
              return (
                <Table.Tr key={campaign.id}>
                  <Table.Td>
                    <Anchor href={href} onClick={linkClick(href)}>
                      {campaign.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[campaign.status]}>{campaign.status}</Badge>
                    {campaign.status === 'scheduled' && campaign.scheduledAt && (
                      <Text size="xs" c="dimmed">
                        {new Date(campaign.scheduledAt).toLocaleString()}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{campaign.program}</Table.Td>
                  <Table.Td>{campaign.offerCode ?? '—'}</Table.Td>
                  <Table.Td>{campaign.status === 'draft' || campaign.status === 'scheduled' ? '—' : campaign.audienceSize}</Table.Td>
                  <Table.Td>{campaign.status === 'draft' ? <Text size="sm" c="dimmed">not launched</Text> : <CampaignProgress progress={campaign.progress} label={`Progress of ${campaign.name}`} />}</Table.Td>
                  <Table.Td>{new Date(campaign.createdAt).toLocaleDateString()}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
