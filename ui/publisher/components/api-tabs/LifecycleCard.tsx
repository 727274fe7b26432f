/**
 * The API's lifecycle state and, as buttons, only the actions allowed from it (lifecycle-state's
 * availableTransitions); shown to users who may publish.
 */
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { Api, LifecycleState, WorkflowResponse } from '../../../../src/publisher/apis/api-schemas';
import type { LifecycleAction } from '../../../../src/publisher/apis/lifecycle';
import { messageOf } from '../../../shared/api';
import { useApi } from '../../../shared/portal-context';
import { ErrorMessage, FormError, Loading } from '../../../shared/states';
import { useQuery } from '../../../shared/use-query';
import { usePermissions } from '../../permissions';
import { PUBLISHER, apiPath } from '../../rest';
import { notifySuccess } from '../notify';
import { StatusBadge } from '../StatusBadge';
import type { ApiTabProps } from './tab-props';

const DANGER = new Set<string>([
  'Block',
  'Deprecate',
  'Retire',
  'Demote to Created',
] satisfies LifecycleAction[]);

export function LifecycleCard({ api, onChange }: ApiTabProps) {
  const call = useApi();
  const { publish } = usePermissions();
  const id = api.id ?? '';
  const state = useQuery(
    () => call<LifecycleState>('GET', `${apiPath(id)}/lifecycle-state`),
    [call, id, api.lifeCycleStatus],
  );
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const change = async (action: string) => {
    setBusy(action);
    setError(undefined);
    try {
      const result = await call<WorkflowResponse>('POST', `${PUBLISHER}/apis/change-lifecycle`, {
        query: { apiId: id, action },
      });
      notifySuccess(`${api.name} is now ${result.lifecycleState.state}.`);
      onChange(await call<Api>('GET', apiPath(id)));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="lifecycle-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id="lifecycle-title">
            Lifecycle
          </Title>
          <StatusBadge status={api.lifeCycleStatus} />
        </Group>
        <FormError title="The lifecycle did not change" error={error} />
        {state.error ? (
          <ErrorMessage error={state.error} />
        ) : !state.data ? (
          <Loading />
        ) : !publish ? (
          <Text size="sm" c="dimmed">
            Your account may not change the lifecycle (it needs the apim:api_publish scope).
          </Text>
        ) : state.data.availableTransitions.length === 0 ? (
          <Text size="sm" c="dimmed">
            No lifecycle action is possible from {state.data.state}.
          </Text>
        ) : (
          <Group gap="xs">
            {state.data.availableTransitions.map(({ event, targetState }) => (
              <Button
                key={event}
                size="sm"
                variant={event === 'Publish' || event === 'Re-Publish' ? 'filled' : 'default'}
                color={DANGER.has(event) ? 'red' : undefined}
                loading={busy === event}
                disabled={busy !== undefined && busy !== event}
                onClick={() => void change(event)}
                title={`Moves the API to ${targetState}`}
              >
                {event}
              </Button>
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
