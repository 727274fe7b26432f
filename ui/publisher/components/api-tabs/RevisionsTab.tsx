/**
 * Revisions (snapshots of the API, at most five) and deployments: which revision each gateway environment
 * runs; deploy a revision there, or undeploy it.
 */
import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { Revision, RevisionList, Deployment } from '../../../../src/publisher/apis/revision-schemas';
import { useApi } from '../../../shared/portal-context';
import { Empty, QueryView } from '../../../shared/states';
import { DataTable } from '../../../shared/data-table';
import { useQuery } from '../../../shared/use-query';
import { usePermissions } from '../../permissions';
import { apiPath } from '../../rest';
import { notifyFailure, notifySuccess } from '../notify';
import { usePublisherSettings, type PublisherEnvironment } from '../use-settings';
import { DeploymentRow } from './DeploymentRow';
import { RevisionTable, revisionName } from './RevisionTable';
import type { ApiTabProps } from './tab-props';

const MAX_REVISIONS = 5;

export function RevisionsTab({ api }: ApiTabProps) {
  const call = useApi();
  const canEdit = usePermissions().edit;
  const id = api.id ?? '';
  const revisions = useQuery(() => call<RevisionList>('GET', `${apiPath(id)}/revisions`), [call, id]);
  const settings = usePublisherSettings();
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState<string>();

  const run = async (key: string, action: () => Promise<string>, failure: string) => {
    setBusy(key);
    try {
      notifySuccess(await action());
      revisions.reload();
    } catch (err) {
      notifyFailure(failure, err);
    } finally {
      setBusy(undefined);
    }
  };

  const create = () =>
    run(
      'create',
      async () => {
        const created = await call<Revision>('POST', `${apiPath(id)}/revisions`, {
          body: description.trim() ? { description: description.trim() } : {},
        });
        setDescription('');
        return `${revisionName(created)} created.`;
      },
      'The revision was not created',
    );

  const target = (environment: PublisherEnvironment): Deployment[] => [
    { name: environment.name, vhost: environment.vhosts[0]?.host, displayOnDevportal: true },
  ];

  const deploy = (revision: Revision, environment: PublisherEnvironment) =>
    run(
      `deploy ${environment.name}`,
      async () => {
        await call('POST', `${apiPath(id)}/deploy-revision`, {
          query: { revisionId: revision.id },
          body: target(environment),
        });
        return `${revisionName(revision)} deployed to ${environment.displayName ?? environment.name}.`;
      },
      'Not deployed',
    );

  const undeploy = (revision: Revision, environment: PublisherEnvironment) =>
    run(
      `undeploy ${environment.name}`,
      async () => {
        await call('POST', `${apiPath(id)}/undeploy-revision`, {
          query: { revisionId: revision.id },
          body: target(environment),
        });
        return `${revisionName(revision)} undeployed from ${environment.displayName ?? environment.name}.`;
      },
      'Not undeployed',
    );

  const remove = (revision: Revision) =>
    run(
      `delete ${revision.id}`,
      async () => {
        await call('DELETE', `${apiPath(id)}/revisions/${revision.id}`);
        return `${revisionName(revision)} deleted.`;
      },
      'The revision was not deleted',
    );

  return (
    <QueryView query={revisions}>
      {({ list }) => (
        <Stack>
          <Paper withBorder p="md" component="section" aria-labelledby="revisions-title">
            <Stack>
              <Title order={3} size="h4" id="revisions-title">
                Revisions
              </Title>
              <Text size="sm" c="dimmed">
                A revision is a snapshot of the API as it is now; gateways run revisions, not the API being
                edited. An API keeps at most {MAX_REVISIONS}.
              </Text>
              {canEdit && (
                <Group align="flex-end" gap="xs">
                  <TextInput
                    label="Revision description"
                    placeholder="Optional"
                    value={description}
                    onChange={(event) => setDescription(event.currentTarget.value)}
                    maxLength={255}
                    style={{ flex: '1 1 220px' }}
                  />
                  <Button
                    onClick={() => void create()}
                    loading={busy === 'create'}
                    disabled={list.length >= MAX_REVISIONS || (busy !== undefined && busy !== 'create')}
                  >
                    Create revision
                  </Button>
                </Group>
              )}
              {list.length >= MAX_REVISIONS && canEdit && (
                <Text size="sm" c="orange">
                  This API has {MAX_REVISIONS} revisions: delete one that is not deployed to create another.
                </Text>
              )}
              {list.length === 0 ? (
                <Empty title="No revisions yet">Create one to deploy the API to a gateway.</Empty>
              ) : (
                <RevisionTable
                  revisions={list}
                  canEdit={canEdit}
                  onDelete={(r) => void remove(r)}
                  busy={busy}
                />
              )}
            </Stack>
          </Paper>
          <Paper withBorder p="md" component="section" aria-labelledby="deployments-title">
            <Stack>
              <Title order={3} size="h4" id="deployments-title">
                Deployments
              </Title>
              <QueryView query={settings}>
                {({ environment }) => (
                  <DataTable
                    minWidth={860}
                    columns={['Gateway environment', 'Deployed revision', canEdit && 'Change']}
                    aria-label="Deployments"
                  >
                    {environment.map((env) => (
                      <DeploymentRow
                        key={env.name}
                        environment={env}
                        revisions={list}
                        canEdit={canEdit}
                        busy={busy}
                        onDeploy={(r, e) => void deploy(r, e)}
                        onUndeploy={(r, e) => void undeploy(r, e)}
                      />
                    ))}
                  </DataTable>
                )}
              </QueryView>
            </Stack>
          </Paper>
        </Stack>
      )}
    </QueryView>
  );
}
