import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CampaignOffering } from '../../../marketing-api-schemas.ts';
import { navigate } from '../router.tsx';
import { marketingApi, marketingKeys, PROGRAMS, type CampaignDraft, type ChurnBand, type SegmentDraft, type VariantDraft } from './marketing-api.ts';

// Build a campaign: the segment (products held / not held, churn band, region, tenure, contract
// end, last contact, channel), the program whose consent it needs, an offer from the catalog, A/B
// variants of the message and the holdout share; a live preview shows the audience, how many have
// consent and messages as they will read. Then save it as a draft, launch it, or schedule it.

const PLACEHOLDER_HELP = 'Personalise with {firstName}, {offerName}, {offerPrice}, {operatorName}. “Reply STOP to opt out.” is added to every message.';
const VARIANT_KEYS = ['A', 'B', 'C', 'D'];

export function CampaignBuilderScreen() {
  const [name, setName] = useState('');
  const [program, setProgram] = useState('offers');
  const [segment, setSegment] = useState<SegmentDraft>({ productsHeld: [], productsNotHeld: [], churnBands: [], regions: [] });
  const [offerCode, setOfferCode] = useState<string | null>(null);
  const [variants, setVariants] = useState<VariantDraft[]>([{ key: 'A', template: 'Hi {firstName}, {offerName} is ready for you. Reply YES to order.', weight: 50 }]);
  const [holdoutPercent, setHoldoutPercent] = useState(10);
  const [sendAt, setSendAt] = useState('');
  const queryClient = useQueryClient();

  const offerings = useQuery({ queryKey: marketingKeys.offerings, queryFn: ({ signal }) => marketingApi.offerings(signal), staleTime: 300_000 });
  const draft: Omit<CampaignDraft, 'name'> = { program, segment, variants, holdoutPercent, ...(offerCode ? { offerCode } : {}) };
  const [debounced] = useDebouncedValue(draft, 400);
  const preview = useQuery({
    queryKey: marketingKeys.preview(debounced),
    queryFn: () => marketingApi.preview(debounced),
    placeholderData: keepPreviousData,
    retry: false,
    enabled: debounced.variants.every((variant) => variant.template.trim().length > 0),
  });

  const save = useMutation({
    mutationFn: async (launch: boolean) => {
      const { campaign } = await marketingApi.create({ name: name.trim(), ...draft });
      if (launch) await marketingApi.launch(campaign.id, sendAt ? new Date(sendAt).toISOString() : undefined);
      return campaign.id;
    },
    onSuccess: async (id) => {
      await queryClient.invalidateQueries({ queryKey: marketingKeys.all });
      navigate(`/console/marketing/campaigns/${id}`);
    },
  });

  const offeringOptions = (offerings.data?.offerings ?? []).map((offering) => ({ value: offering.code, label: offeringLabel(offering) }));
  const setSegmentField = <K extends keyof SegmentDraft>(key: K, value: SegmentDraft[K]) => setSegment((current) => ({ ...current, [key]: value }));
  const setNumber = (key: 'minTenureMonths' | 'maxTenureMonths' | 'contractEndsWithinDays' | 'contactedWithinDays' | 'noContactForDays') => (value: string | number) =>
    setSegment((current) => {
      const next = { ...current };
      if (typeof value === 'number') next[key] = value;
      else delete next[key];
      return next;
    });
  const missing = name.trim().length === 0 ? 'Give the campaign a name.' : variants.some((variant) => variant.template.trim().length === 0) ? 'Every variant needs a message.' : null;

  return (
    <Stack>
      <Title order={2}>New campaign</Title>
      {offerings.error && <Alert color="red">The catalog cannot be loaded: {offerings.error.message}</Alert>}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack>
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <TextInput label="Campaign name" required value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={120} />
              <Select label="Program" description="Only customers who agreed to this program's texts are messaged." data={PROGRAMS} value={program} onChange={(value) => setProgram(value ?? 'offers')} allowDeselect={false} />
              <Select label="Offer" description="The catalog offer a “YES” orders." placeholder="No offer" data={offeringOptions} value={offerCode} onChange={setOfferCode} clearable searchable />
            </Stack>
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Title order={4} mb="xs">
              Who
            </Title>
            <Stack gap="sm">
              <SimpleGrid cols={2}>
                <MultiSelect label="Holds all of" data={offeringOptions} value={segment.productsHeld} onChange={(value) => setSegmentField('productsHeld', value)} searchable clearable />
                <MultiSelect label="Holds none of" data={offeringOptions} value={segment.productsNotHeld} onChange={(value) => setSegmentField('productsNotHeld', value)} searchable clearable />
              </SimpleGrid>
              <Checkbox.Group label="Churn risk" description="Any band when none is ticked." value={segment.churnBands} onChange={(value) => setSegmentField('churnBands', value.filter(isChurnBand))}>
                <Group mt={4}>
                  <Checkbox value="low" label="Low" />
                  <Checkbox value="medium" label="Medium" />
                  <Checkbox value="high" label="High" />
                </Group>
              </Checkbox.Group>
              <TagsInput label="Regions" description="Postcodes or their first digits; Enter after each." value={segment.regions} onChange={(value) => setSegmentField('regions', value)} />
              <SimpleGrid cols={2}>
                <NumberInput label="Customer for at least (months)" min={0} max={600} value={segment.minTenureMonths ?? ''} onChange={setNumber('minTenureMonths')} />
                <NumberInput label="Customer for less than (months)" min={0} max={600} value={segment.maxTenureMonths ?? ''} onChange={setNumber('maxTenureMonths')} />
                <NumberInput label="Contract ends within (days)" min={1} max={365} value={segment.contractEndsWithinDays ?? ''} onChange={setNumber('contractEndsWithinDays')} />
                <Select
                  label="Preferred channel"
                  placeholder="Any"
                  data={[
                    { value: 'sms', label: 'SMS' },
                    { value: 'webchat', label: 'Web chat' },
                    { value: 'voice', label: 'Voice' },
                  ]}
                  value={segment.channel ?? null}
                  onChange={(value) =>
                    setSegment((current) => {
                      const next = { ...current };
                      if (value === 'sms' || value === 'webchat' || value === 'voice') next.channel = value;
                      else delete next.channel;
                      return next;
                    })
                  }
                  clearable
                />
                <NumberInput label="Wrote to us within (days)" min={1} max={365} value={segment.contactedWithinDays ?? ''} onChange={setNumber('contactedWithinDays')} />
                <NumberInput label="No contact for (days)" min={1} max={365} value={segment.noContactForDays ?? ''} onChange={setNumber('noContactForDays')} />
              </SimpleGrid>
            </Stack>
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={4}>What</Title>
              <Button
                size="xs"
                variant="light"
                disabled={variants.length >= VARIANT_KEYS.length}
                onClick={() => setVariants((current) => [...current, { key: VARIANT_KEYS[current.length] ?? 'D', template: current[0]?.template ?? '', weight: 50 }])}
              >
                Add variant
              </Button>
            </Group>
            <Text size="xs" c="dimmed" mb="xs">
              {PLACEHOLDER_HELP}
            </Text>
            <Stack gap="sm">
              {variants.map((variant, index) => (
                <Group key={variant.key} align="flex-start" wrap="nowrap">
                  <Textarea
                    style={{ flex: 1 }}
                    label={`Message ${variant.key}`}
                    autosize
                    minRows={2}
                    maxLength={300}
                    value={variant.template}
                    onChange={(event) => {
                      const template = event.currentTarget.value;
                      setVariants((current) => current.map((candidate, at) => (at === index ? { ...candidate, template } : candidate)));
                    }}
                  />
                  <NumberInput
                    w={90}
                    label="Weight"
                    aria-label={`Weight of ${variant.key}`}
                    min={1}
                    max={100}
                    value={variant.weight}
                    onChange={(value) => setVariants((current) => current.map((candidate, at) => (at === index ? { ...candidate, weight: typeof value === 'number' ? value : 1 } : candidate)))}
                  />
                  {variants.length > 1 && (
                    <ActionIcon
                      mt={28}
                      variant="subtle"
                      color="red"
                      aria-label={`Remove variant ${variant.key}`}
                      onClick={() => setVariants((current) => current.filter((_, at) => at !== index).map((candidate, at) => ({ ...candidate, key: VARIANT_KEYS[at] ?? candidate.key })))}
                    >
                      ✕
                    </ActionIcon>
                  )}
                </Group>
              ))}
              <NumberInput
                label="Holdout (%)"
                description="A seeded random control group never messaged, to measure uplift."
                min={0}
                max={50}
                value={holdoutPercent}
                onChange={(value) => setHoldoutPercent(typeof value === 'number' ? value : 0)}
                w={220}
              />
            </Stack>
          </Paper>
        </Stack>
        <Stack>
          <PreviewPanel preview={preview} />
          <Paper withBorder p="md" radius="md">
            <Title order={4} mb="xs">
              When
            </Title>
            <Stack gap="sm">
              <TextInput
                type="datetime-local"
                label="Send at (optional)"
                description="Empty: launch now. Each message still waits for the recipient's local window."
                value={sendAt}
                onChange={(event) => setSendAt(event.currentTarget.value)}
                w={300}
              />
              {save.error && (
                <Alert color="red" title="Not saved" role="alert">
                  {save.error.message}
                </Alert>
              )}
              {missing && (
                <Text size="sm" c="dimmed">
                  {missing}
                </Text>
              )}
              <Group>
                <Button variant="default" disabled={missing !== null} loading={save.isPending && save.variables === false} onClick={() => save.mutate(false)}>
                  Save draft
                </Button>
                <Button disabled={missing !== null} loading={save.isPending && save.variables === true} onClick={() => save.mutate(true)}>
                  {sendAt ? 'Schedule' : 'Launch now'}
                </Button>
              </Group>
            </Stack>
          </Paper>
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}

function PreviewPanel({ preview }: { preview: ReturnType<typeof useQuery<Awaited<ReturnType<typeof marketingApi.preview>>>> }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid="preview">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Preview</Title>
        {preview.isFetching && <Loader size="xs" />}
      </Group>
      {preview.error && (
        <Alert color="red" role="alert">
          {preview.error.message}
        </Alert>
      )}
      {preview.data && (
        <Stack gap="sm">
          <SimpleGrid cols={3}>
            <Figure label="Audience" value={preview.data.audience} />
            <Figure label="With consent" value={preview.data.withMarketingConsent} />
            <Figure label="Holdout (about)" value={preview.data.expectedHoldout} />
          </SimpleGrid>
          {preview.data.samples.length === 0 ? (
            <Text c="dimmed">Nobody matches this segment.</Text>
          ) : (
            preview.data.samples.map((sample) => (
              <Paper key={sample.customerId} bg="gray.0" p="xs" radius="sm" data-testid="sample-message">
                <Group gap={6} mb={4}>
                  <Badge size="xs" variant="light">
                    {sample.variant}
                  </Badge>
                  {sample.holdout && (
                    <Badge size="xs" color="gray">
                      holdout: not sent
                    </Badge>
                  )}
                </Group>
                <Text size="sm">{sample.text}</Text>
              </Paper>
            ))
          )}
        </Stack>
      )}
    </Paper>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} aria-label={label}>
        {value.toLocaleString()}
      </Text>
    </div>
  );
}

function offeringLabel(offering: CampaignOffering): string {
  return `${offering.name} · $${offering.recurringPrice}/mo${offering.isAddOn ? ' (add-on)' : ''}`;
}

function isChurnBand(value: string): value is ChurnBand {
  return value === 'low' || value === 'medium' || value === 'high';
}
