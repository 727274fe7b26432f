/**
 * The API's operations (verb, target, auth type, throttling tier, scopes) and the scopes it declares; rows are
 * added, edited and removed here and saved with the whole API.
 */
import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { AUTH_TYPES, HTTP_VERBS, type Api, type Operation } from '../../../../src/publisher/apis/api-schemas';
import { usePermissions } from '../../permissions';
import { messageOf } from '../../../shared/api';
import { optionsOf, useAdvancedTiers } from '../use-policies';
import type { ApiTabProps } from './tab-props';
import { useSaveApi } from './use-save-api';
import { FormError } from '../../../shared/states';
import { DataTable } from '../../../shared/data-table';

const SCOPE_NAME = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

interface Row {
  key: string;
  id?: string;
  verb: Operation['verb'];
  target: string;
  authType: NonNullable<Operation['authType']>;
  throttlingPolicy: string | null;
  scopes: string[];
}

interface Values {
  operations: Row[];
  scopes: string[];
}

let nextKey = 0;
const rowOf = (operation: Operation): Row => ({
  key: `row-${nextKey++}`,
  id: operation.id,
  verb: operation.verb,
  target: operation.target,
  authType: operation.authType ?? 'Any',
  throttlingPolicy: operation.throttlingPolicy ?? null,
  scopes: operation.scopes ?? [],
});

const operationOf = ({ key: _key, throttlingPolicy, id, ...row }: Row): Operation => ({
  ...row,
  ...(id ? { id } : {}),
  ...(throttlingPolicy ? { throttlingPolicy } : {}),
});

/** Declared scopes keep what they had (display name, role bindings); new ones are named only. */
function scopesOf(names: string[], before: Api['scopes']): NonNullable<Api['scopes']> {
  const known = new Map((before ?? []).map((s) => [s.scope.name, s]));
  return names.map((name) => known.get(name) ?? { scope: { name, displayName: name }, shared: false });
}

export function OperationsTab(props: ApiTabProps) {
  const { api } = props;
  const { save, saving } = useSaveApi(props);
  const readOnly = !usePermissions().edit;
  const tiers = useAdvancedTiers();
  const [error, setError] = useState<string>();
  const form = useForm<Values>({
    initialValues: {
      operations: (api.operations ?? []).map(rowOf),
      scopes: (api.scopes ?? []).map((s) => s.scope.name),
    },
    validate: {
      scopes: (names) =>
        names.find((name) => !SCOPE_NAME.test(name)) && 'Scope names have no spaces or quotes',
      operations: {
        target: (target, values, path) => {
          if (!target.startsWith('/')) return 'Starts with /';
          const index = Number(path.split('.')[1]);
          const row = values.operations[index];
          const twice =
            values.operations.findIndex((o) => o.verb === row?.verb && o.target === target) !== index;
          return twice ? `${row?.verb} ${target} is listed twice` : null;
        },
        scopes: (scopes, values) => {
          const missing = scopes.find((scope) => !values.scopes.includes(scope));
          return missing ? `${missing} is not declared above` : null;
        },
      },
    },
  });
  const tierOptions = optionsOf(
    tiers.data,
    form.values.operations.map((o) => o.throttlingPolicy ?? undefined),
  );

  const submit = async (values: Values) => {
    setError(undefined);
    try {
      await save(
        { operations: values.operations.map(operationOf), scopes: scopesOf(values.scopes, api.scopes) },
        'Operations',
      );
    } catch (err) {
      // `operations[2].throttlingPolicy: …` or `operations[2]: GET /x is defined twice.` marks that row too.
      const message = messageOf(err);
      const row = /^operations\[(\d+)\](?:\.(\w+))?/.exec(message);
      if (row) form.setFieldError(`operations.${row[1]}.${row[2] ?? 'target'}`, message);
      setError(message);
    }
  };

  const add = () =>
    form.insertListItem('operations', rowOf({ verb: 'GET', target: '/', authType: 'Any', scopes: [] }));

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate>
      <Stack>
        <FormError error={error} />
        <TagsInput
          label="API scopes"
          description="Scopes the API declares; an operation that names one needs a token granted it. Press Enter after each."
          placeholder={readOnly ? undefined : 'pets:write'}
          readOnly={readOnly}
          maw={860}
          {...form.getInputProps('scopes')}
        />
        {form.values.operations.length === 0 ? (
          <Text c="dimmed" size="sm">
            No operations: the gateway will answer 404 for every path until you add one.
          </Text>
        ) : (
          <DataTable
            minWidth={1000}
            columns={[
              { header: 'Verb', w: 130 },
              'Target',
              { header: 'Auth type', w: 270 },
              { header: 'Throttling tier', w: 160 },
              { header: 'Scopes', w: 220 },
              !readOnly && { header: null, w: 50 },
            ]}
            verticalSpacing="xs"
            aria-label="Operations"
          >
            {form.values.operations.map((row, i) => {
              const n = i + 1;
              return (
                <Table.Tr key={row.key}>
                  <Table.Td>
                    <Select
                      aria-label={`Verb of operation ${n}`}
                      data={HTTP_VERBS}
                      allowDeselect={false}
                      readOnly={readOnly}
                      {...form.getInputProps(`operations.${i}.verb`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={`Target of operation ${n}`}
                      ff="monospace"
                      readOnly={readOnly}
                      {...form.getInputProps(`operations.${i}.target`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Auth type of operation ${n}`}
                      data={AUTH_TYPES}
                      allowDeselect={false}
                      readOnly={readOnly}
                      {...form.getInputProps(`operations.${i}.authType`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Throttling tier of operation ${n}`}
                      placeholder="API default"
                      data={tierOptions}
                      clearable
                      readOnly={readOnly}
                      {...form.getInputProps(`operations.${i}.throttlingPolicy`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <MultiSelect
                      aria-label={`Scopes of operation ${n}`}
                      data={optionsOf(form.values.scopes, row.scopes)}
                      placeholder={row.scopes.length ? undefined : 'None'}
                      readOnly={readOnly}
                      {...form.getInputProps(`operations.${i}.scopes`)}
                    />
                  </Table.Td>
                  {!readOnly && (
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove operation ${n} (${row.verb} ${row.target})`}
                        onClick={() => form.removeListItem('operations', i)}
                      >
                        <IconTrash size={16} aria-hidden="true" />
                      </ActionIcon>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </DataTable>
        )}
        {!readOnly && (
          <Group justify="space-between">
            <Button variant="default" leftSection={<IconPlus size={16} aria-hidden="true" />} onClick={add}>
              Add operation
            </Button>
            <Button type="submit" loading={saving}>
              Save operations
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
