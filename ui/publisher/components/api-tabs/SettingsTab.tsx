/** Description and tags, subscription tiers, API-level throttling, visibility and CORS; saved with the whole API. */
import {
  Button,
  Fieldset,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { HTTP_VERBS, type Api, type Operation } from '../../../../src/publisher/apis/api-schemas';
import { usePermissions } from '../../permissions';
import { placeServerError } from '../server-error';
import { TiersSelect } from '../TiersSelect';
import { optionsOf, useAdvancedTiers } from '../use-policies';
import type { ApiTabProps } from './tab-props';
import { useSaveApi } from './use-save-api';
import { FormError } from '../../../shared/states';

type Visibility = NonNullable<Api['visibility']>;
type Method = Operation['verb'];

const VISIBILITY: { value: Visibility; label: string }[] = [
  { value: 'PUBLIC', label: 'Public: everyone, signed in or not' },
  { value: 'RESTRICTED', label: 'Restricted: users with the roles below' },
  { value: 'PRIVATE', label: 'Private: signed-in users of the Developer Portal' },
];

interface Values {
  description: string;
  tags: string[];
  isDefaultVersion: boolean;
  policies: string[];
  apiThrottlingPolicy: string | null;
  visibility: Visibility;
  visibleRoles: string[];
  corsEnabled: boolean;
  allowOrigins: string[];
  allowHeaders: string[];
  allowMethods: Method[];
  allowCredentials: boolean;
}

function valuesOf(api: Api): Values {
  const cors = api.corsConfiguration ?? {};
  return {
    description: api.description ?? '',
    tags: api.tags ?? [],
    isDefaultVersion: api.isDefaultVersion ?? false,
    policies: api.policies ?? [],
    apiThrottlingPolicy: api.apiThrottlingPolicy ?? null,
    visibility: api.visibility ?? 'PUBLIC',
    visibleRoles: api.visibleRoles ?? [],
    corsEnabled: cors.corsConfigurationEnabled ?? false,
    allowOrigins: cors.accessControlAllowOrigins ?? ['*'],
    allowHeaders: cors.accessControlAllowHeaders ?? [
      'authorization',
      'Access-Control-Allow-Origin',
      'Content-Type',
    ],
    allowMethods: cors.accessControlAllowMethods ?? ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
    allowCredentials: cors.accessControlAllowCredentials ?? false,
  };
}

function changesOf(values: Values): Partial<Api> {
  return {
    description: values.description.trim() || undefined,
    tags: values.tags,
    isDefaultVersion: values.isDefaultVersion,
    policies: values.policies,
    apiThrottlingPolicy: values.apiThrottlingPolicy ?? undefined,
    visibility: values.visibility,
    visibleRoles: values.visibility === 'RESTRICTED' ? values.visibleRoles : [],
    corsConfiguration: {
      corsConfigurationEnabled: values.corsEnabled,
      accessControlAllowOrigins: values.allowOrigins,
      accessControlAllowHeaders: values.allowHeaders,
      accessControlAllowMethods: values.allowMethods,
      accessControlAllowCredentials: values.allowCredentials,
    },
  };
}

const SERVER_FIELDS = {
  description: 'description',
  tags: 'tags',
  policies: 'policies',
  apiThrottlingPolicy: 'apiThrottlingPolicy',
  visibleRoles: 'visibleRoles',
  visibility: 'visibility',
  'corsConfiguration.accessControlAllowOrigins': 'allowOrigins',
  'corsConfiguration.accessControlAllowHeaders': 'allowHeaders',
  'corsConfiguration.accessControlAllowMethods': 'allowMethods',
};

export function SettingsTab(props: ApiTabProps) {
  const { api } = props;
  const { save, saving } = useSaveApi(props);
  const readOnly = !usePermissions().edit;
  const advanced = useAdvancedTiers();
  const [error, setError] = useState<string>();
  const form = useForm<Values>({
    initialValues: valuesOf(api),
    validate: {
      description: (value) => (value.length > 32_000 ? 'At most 32,000 characters' : null),
      visibleRoles: (roles, values) =>
        values.visibility === 'RESTRICTED' && roles.length === 0 ? 'Name at least one role' : null,
      allowOrigins: (origins, values) =>
        values.corsEnabled && origins.length === 0 ? 'Allow at least one origin (or *)' : null,
    },
  });

  const submit = async (values: Values) => {
    setError(undefined);
    try {
      await save(changesOf(values), 'Settings');
    } catch (err) {
      setError(placeServerError(err, form.setFieldError, SERVER_FIELDS));
    }
  };

  const cors = form.values.corsEnabled;
  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack maw={860}>
        <FormError error={error} />
        <Fieldset legend="General" disabled={readOnly}>
          <Stack>
            <Textarea
              label="Description"
              autosize
              minRows={2}
              maxRows={8}
              {...form.getInputProps('description')}
            />
            <TagsInput
              label="Tags"
              description="Press Enter after each tag."
              {...form.getInputProps('tags')}
            />
            <Switch
              label="Default version"
              description="The gateway also serves this version without the version in the path."
              {...form.getInputProps('isDefaultVersion', { type: 'checkbox' })}
            />
          </Stack>
        </Fieldset>
        <Fieldset legend="Business plans and throttling" disabled={readOnly}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TiersSelect {...form.getInputProps('policies')} />
            <Select
              label="API throttling policy"
              description="A limit for the API as a whole, over all its subscribers."
              placeholder="None"
              data={optionsOf(advanced.data, [form.values.apiThrottlingPolicy ?? undefined])}
              clearable
              {...form.getInputProps('apiThrottlingPolicy')}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Visibility in the Developer Portal" disabled={readOnly}>
          <Stack>
            <Select
              label="Visibility"
              data={VISIBILITY}
              allowDeselect={false}
              {...form.getInputProps('visibility')}
            />
            {form.values.visibility === 'RESTRICTED' && (
              <TagsInput
                label="Visible roles"
                description="Users with any of these roles see the API. Press Enter after each."
                placeholder="subscriber"
                {...form.getInputProps('visibleRoles')}
              />
            )}
          </Stack>
        </Fieldset>
        <Fieldset legend="CORS" disabled={readOnly}>
          <Stack>
            <Switch label="Enable CORS" {...form.getInputProps('corsEnabled', { type: 'checkbox' })} />
            {cors && (
              <>
                <TagsInput
                  label="Allowed origins"
                  description="Origins browsers may call the API from; * for any. Press Enter after each."
                  {...form.getInputProps('allowOrigins')}
                />
                <TagsInput
                  label="Allowed headers"
                  description="Press Enter after each."
                  {...form.getInputProps('allowHeaders')}
                />
                <MultiSelect
                  label="Allowed methods"
                  data={HTTP_VERBS}
                  {...form.getInputProps('allowMethods')}
                />
                <Switch
                  label="Allow credentials"
                  {...form.getInputProps('allowCredentials', { type: 'checkbox' })}
                />
              </>
            )}
          </Stack>
        </Fieldset>
        {!readOnly && (
          <Group justify="flex-end">
            <Button type="submit" loading={saving}>
              Save settings
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
