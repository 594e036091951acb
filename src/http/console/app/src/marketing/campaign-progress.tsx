import { Group, Progress, Text, Tooltip } from '@mantine/core';
import type { CampaignProgress as Progression } from '../../../marketing-api-schemas.ts';

// How far a campaign has got: of the recipients to message (the audience less the holdout), how
// many were sent, held by the gate, or are still waiting (paced, deferred to their window, paused).

export function CampaignProgress({ progress, label }: { progress: Progression; label: string }) {
  const toMessage = progress.sent + progress.held + progress.pending + progress.cancelled;
  const share = (count: number) => (toMessage === 0 ? 0 : (count / toMessage) * 100);
  const decided = progress.sent + progress.held;
  return (
    <div>
      <Progress.Root size="lg" aria-label={label} role="progressbar" aria-valuenow={Math.round(share(decided))} aria-valuemin={0} aria-valuemax={100}>
        <Tooltip label={`${progress.sent} sent`}>
          <Progress.Section value={share(progress.sent)} color="teal" />
        </Tooltip>
        <Tooltip label={`${progress.held} held by the gate`}>
          <Progress.Section value={share(progress.held)} color="orange" />
        </Tooltip>
        <Tooltip label={`${progress.cancelled} cancelled`}>
          <Progress.Section value={share(progress.cancelled)} color="gray" />
        </Tooltip>
      </Progress.Root>
      <Group gap="xs" mt={2}>
        <Text size="xs" c="dimmed" data-testid="progress-text">
          {decided} of {toMessage} decided · {progress.sent} sent · {progress.held} held · {progress.pending} waiting · {progress.holdout} holdout
        </Text>
      </Group>
    </div>
  );
}
