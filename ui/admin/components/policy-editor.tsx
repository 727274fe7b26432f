/**
 * The frame of a throttling policy's create and edit pages: loads the policy being edited, validates,
 * sends (POST or PUT), shows the server's words next to the fields or above the form, and returns to the
 * list. The fields of each kind come from the page.
 */
import { Anchor, Button, Fieldset, Group, Paper, Stack, Text } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import type { Policy, PolicyKind } from '../../../src/publisher/admin/policy-schemas';
import { usePortal } from '../../shared/portal-context';
import { FormError, QueryView } from '../../shared/states';
import { useQuery } from '../../shared/use-query';
import { TIER_MANAGE, useCan } from '../lib/can';
import { limitFieldPath } from '../lib/limits';
import { policyPath } from '../lib/paths';
import { showServerError } from '../lib/server-errors';
import { PageHeader } from './page-header';

export interface PolicyFormSpec<P extends Policy, V extends object> {
  kind: PolicyKind;
  /** `Subscription policy`, … */
  noun: string;
  /** `Subscription policies`, … */
  plural: string;
  toValues: (policy: P | undefined) => V;
  /** The body to send; `original` keeps what this form does not edit. */
  fromValues: (values: V, original: P | undefined) => P;
  validate: (values: V) => Record<string, string>;
  fields: (form: UseFormReturnType<V>) => ReactNode;
}

function PolicyForm<P extends Policy, V extends object>({
  spec,
  original,
}: {
  spec: PolicyFormSpec<P, V>;
  original: P | undefined;
}) {
  const { api } = usePortal();
  const [, navigate] = useLocation();
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const canManage = useCan(...TIER_MANAGE);
  const form = useForm<V>({ initialValues: spec.toValues(original), validate: spec.validate });
  const listPath = `/policies/${spec.kind}`;

  const save = async (values: V) => {
    setSaving(true);
    setFormError(undefined);
    try {
      const body = spec.fromValues(values, original);
      const saved = original?.policyId
        ? await api<P>('PUT', policyPath(spec.kind, original.policyId), { body })
        : await api<P>('POST', policyPath(spec.kind), { body });
      notifications.show({ color: 'green', message: `${spec.noun} ${saved.policyName} saved.` });
      navigate(listPath);
    } catch (err) {
      setFormError(showServerError(form, err, limitFieldPath));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      noValidate
      onSubmit={form.onSubmit(
        (values) => void save(values),
        () => setFormError('Some fields need attention: see the messages next to them.'),
      )}
      aria-label={original ? `Edit ${spec.noun.toLowerCase()}` : `New ${spec.noun.toLowerCase()}`}
    >
      <Stack gap="lg">
        <FormError title="Not saved" error={formError} />
        {!canManage && (
          <Text size="sm" c="dimmed">
            You may view throttling policies but not change them (that takes apim:tier_manage).
          </Text>
        )}
        <Fieldset variant="unstyled" disabled={!canManage} p={0}>
          {spec.fields(form)}
        </Fieldset>
        <Group justify="flex-end">
          <Button variant="default" component={Link} href={listPath}>
            {canManage ? 'Cancel' : 'Back'}
          </Button>
          {canManage && (
            <Button type="submit" loading={saving}>
              {original ? 'Save policy' : 'Create policy'}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

export function PolicyEditor<P extends Policy, V extends object>({
  spec,
  policyId,
}: {
  spec: PolicyFormSpec<P, V>;
  policyId?: string;
}) {
  const { api } = usePortal();
  const query = useQuery<P | null>(
    () => (policyId ? api<P>('GET', policyPath(spec.kind, policyId)) : Promise.resolve(null)),
    [api, spec.kind, policyId],
  );
  return (
    <Stack>
      <Anchor component={Link} href={`/policies/${spec.kind}`} size="sm">
        ← All {spec.plural.toLowerCase()}
      </Anchor>
      <QueryView query={query}>
        {(policy) => (
          <>
            <PageHeader
              title={policy ? `${spec.noun} ${policy.policyName}` : `New ${spec.noun.toLowerCase()}`}
            />
            <Paper withBorder p={{ base: 'sm', sm: 'lg' }}>
              <PolicyForm spec={spec} original={policy ?? undefined} />
            </Paper>
          </>
        )}
      </QueryView>
    </Stack>
  );
}
