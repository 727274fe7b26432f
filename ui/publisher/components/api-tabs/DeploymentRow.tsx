/** One gateway environment: the revision it runs, and deploying another there or undeploying it. */
import { Badge, Button, Group, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { Revision } from '../../../../src/publisher/apis/revision-schemas';
import type { PublisherEnvironment } from '../use-settings';
import { revisionName } from './RevisionTable';

export function DeploymentRow({
  environment,
  revisions,
  canEdit,
  busy,
  onDeploy,
  onUndeploy,
}: {
  environment: PublisherEnvironment;
  revisions: Revision[];
  canEdit: boolean;
  busy: string | undefined;
  onDeploy: (revision: Revision, environment: PublisherEnvironment) => void;
  onUndeploy: (revision: Revision, environment: PublisherEnvironment) => void;
}) {
  const label = environment.displayName ?? environment.name;
  const current = revisions.find((r) => r.deploymentInfo?.some((d) => d.name === environment.name));
  const [chosen, setChosen] = useState<string | null>(null);
  const newest = revisions.reduce<Revision | undefined>(
    (best, r) => (!best || String(r.createdTime) > String(best.createdTime) ? r : best),
    undefined,
  );
  const selected = chosen && revisions.some((r) => r.id === chosen) ? chosen : (newest?.id ?? null);
  const revision = revisions.find((r) => r.id === selected);
  return (
    <Table.Tr>
      <Table.Td>
        <Text fw={500}>{label}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {environment.serverUrl}
        </Text>
      </Table.Td>
      <Table.Td>
        {current ? (
          <Badge color="green" variant="light">
            {revisionName(current)}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            Not deployed
          </Text>
        )}
      </Table.Td>
      {canEdit && (
        <Table.Td>
          <Group gap="xs" wrap="nowrap">
            <Select
              aria-label={`Revision to deploy to ${label}`}
              data={revisions.map((r) => ({ value: r.id ?? '', label: revisionName(r) }))}
              value={selected}
              onChange={setChosen}
              allowDeselect={false}
              w={150}
              disabled={revisions.length === 0}
            />
            <Button
              size="xs"
              disabled={
                !revision ||
                revision.id === current?.id ||
                (busy !== undefined && busy !== `deploy ${environment.name}`)
              }
              loading={busy === `deploy ${environment.name}`}
              onClick={() => revision && onDeploy(revision, environment)}
            >
              Deploy to {label}
            </Button>
            {current && (
              <Button
                size="xs"
                variant="default"
                color="red"
                loading={busy === `undeploy ${environment.name}`}
                disabled={busy !== undefined && busy !== `undeploy ${environment.name}`}
                onClick={() => onUndeploy(current, environment)}
              >
                Undeploy from {label}
              </Button>
            )}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}
