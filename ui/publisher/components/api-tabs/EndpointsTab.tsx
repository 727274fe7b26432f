/**
 * The backend: one endpoint, several load-balanced ones, or a primary with failovers, for production and
 * sandbox (endpointConfig). Saved with the whole API.
 */
import {
  ActionIcon,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { usePermissions } from '../../permissions';
import {
  checkEndpointUrl,
  endpointConfigOf,
  endpointFormOf,
  type EndpointForm,
  type EndpointType,
} from '../endpoint-config';
import { placeServerError } from '../server-error';
import type { ApiTabProps } from './tab-props';
import { useSaveApi } from './use-save-api';
import { FormError } from '../../../shared/states';

type ListField = 'production' | 'sandbox' | 'productionFailovers' | 'sandboxFailovers';

const TYPES: { value: EndpointType; label: string }[] = [
  { value: 'http', label: 'Single endpoint' },
  { value: 'load_balance', label: 'Load balanced' },
  { value: 'failover', label: 'Failover' },
];

function UrlList({
  form,
  field,
  label,
  several,
  readOnly,
}: {
  form: UseFormReturnType<EndpointForm>;
  field: ListField;
  /** "Production endpoint URL", "Sandbox failover URL" … */
  label: string;
  several: boolean;
  readOnly: boolean;
}) {
  const list = form.values[field];
  const noun = label.replace(/ URL$/, '').toLowerCase();
  return (
    <Stack gap="xs">
      {list.map((_, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={several ? `${label} ${i + 1}` : label}
            placeholder="https://backend.example.com/v1"
            readOnly={readOnly}
            {...form.getInputProps(`${field}.${i}`)}
          />
          {several && !readOnly && (
            <ActionIcon
              mt={25}
              variant="subtle"
              color="red"
              aria-label={`Remove ${noun} ${i + 1}`}
              onClick={() => form.removeListItem(field, i)}
            >
              <IconTrash size={16} aria-hidden="true" />
            </ActionIcon>
          )}
        </Group>
      ))}
      {several && !readOnly && (
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} aria-hidden="true" />}
            onClick={() => form.insertListItem(field, '')}
          >
            Add {noun}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function EndpointsTab(props: ApiTabProps) {
  const { api } = props;
  const { save, saving } = useSaveApi(props);
  const readOnly = !usePermissions().edit;
  const [error, setError] = useState<string>();
  const form = useForm<EndpointForm>({ initialValues: endpointFormOf(api.endpointConfig) });

  const validateUrls = (values: EndpointForm): boolean => {
    let ok = true;
    for (const field of ['production', 'sandbox', 'productionFailovers', 'sandboxFailovers'] as const)
      values[field].forEach((url, i) => {
        const message = checkEndpointUrl(url);
        if (message) {
          form.setFieldError(`${field}.${i}`, message);
          ok = false;
        }
      });
    return ok;
  };

  const submit = async (values: EndpointForm) => {
    setError(undefined);
    if (!validateUrls(values)) return;
    try {
      await save({ endpointConfig: endpointConfigOf(values, api.endpointConfig) }, 'Endpoints');
    } catch (err) {
      setError(
        placeServerError(err, form.setFieldError, {
          'endpointConfig.production_endpoints': 'production.0',
          'endpointConfig.sandbox_endpoints': 'sandbox.0',
          'endpointConfig.production_failovers': 'productionFailovers.0',
          'endpointConfig.sandbox_failovers': 'sandboxFailovers.0',
        }),
      );
    }
  };

  const type = form.values.type;
  const setType = (next: string) => {
    form.setFieldValue('type', next as EndpointType);
    if (next === 'http' || next === 'failover') {
      form.setFieldValue('production', form.values.production.slice(0, 1));
      form.setFieldValue('sandbox', form.values.sandbox.slice(0, 1));
    }
  };

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack maw={860}>
        <FormError error={error} />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="endpoint-type-label">
            Endpoint type
          </Text>
          <SegmentedControl
            aria-labelledby="endpoint-type-label"
            data={TYPES}
            value={type}
            onChange={setType}
            disabled={readOnly}
            fullWidth
            style={{ maxWidth: 520 }}
          />
        </Stack>
        {(['production', 'sandbox'] as const).map((environment) => {
          const title = environment === 'production' ? 'Production' : 'Sandbox';
          return (
            <Paper withBorder p="md" key={environment} component="section" aria-label={`${title} endpoints`}>
              <Stack>
                <Title order={3} size="h5">
                  {title}
                </Title>
                <UrlList
                  form={form}
                  field={environment}
                  label={`${title} endpoint URL`}
                  several={type === 'load_balance'}
                  readOnly={readOnly}
                />
                {type === 'failover' && (
                  <UrlList
                    form={form}
                    field={environment === 'production' ? 'productionFailovers' : 'sandboxFailovers'}
                    label={`${title} failover URL`}
                    several
                    readOnly={readOnly}
                  />
                )}
              </Stack>
            </Paper>
          );
        })}
        <Text size="sm" c="dimmed">
          Leave both empty to remove the backend; publishing needs at least one endpoint.
        </Text>
        {!readOnly && (
          <Group justify="flex-end">
            <Button type="submit" loading={saving}>
              Save endpoints
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
