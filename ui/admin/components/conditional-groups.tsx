/**
 * The condition editor of an advanced policy: groups, each with conditions that must all hold and a limit
 * that then applies instead of the default one.
 */
import { Button, Fieldset, Group, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { newCondition, newGroup, type GroupValues } from '../lib/conditions';
import { ConditionFields } from './condition-fields';
import { LimitFields } from './limit-fields';

export function ConditionalGroups({
  form,
}: {
  form: UseFormReturnType<{ conditionalGroups: GroupValues[] }>;
}) {
  const groups = form.values.conditionalGroups;
  return (
    <Stack gap="md">
      {groups.length === 0 && (
        <Text size="sm" c="dimmed">
          No conditional groups: the default limit applies to every request.
        </Text>
      )}
      {groups.map((group, g) => {
        const path = `conditionalGroups.${g}`;
        const conditionsError = form.errors[`${path}.conditions`];
        return (
          <Fieldset key={group.key} legend={`Condition group ${g + 1}`} p={{ base: 'xs', sm: 'md' }}>
            <Stack gap="sm">
              <TextInput label="Group description" {...form.getInputProps(`${path}.description`)} />
              <Text size="sm" fw={500}>
                Applies when all these conditions hold
              </Text>
              {group.conditions.map((condition, c) => (
                <ConditionFields
                  key={condition.key}
                  form={form}
                  path={`${path}.conditions.${c}`}
                  value={condition}
                  legend={`Condition ${c + 1}`}
                  name={`condition ${c + 1} of group ${g + 1}`}
                  onRemove={
                    group.conditions.length > 1
                      ? () => form.removeListItem(`${path}.conditions`, c)
                      : undefined
                  }
                />
              ))}
              {conditionsError && (
                <Text size="sm" c="red" role="alert">
                  {conditionsError}
                </Text>
              )}
              <Group>
                <Button
                  variant="light"
                  size="xs"
                  leftSection={<IconPlus size={14} />}
                  aria-label={`Add condition to group ${g + 1}`}
                  disabled={group.conditions.length >= 20}
                  onClick={() => form.insertListItem(`${path}.conditions`, newCondition())}
                >
                  Add condition
                </Button>
              </Group>
              <Fieldset legend={`Limit of group ${g + 1}`} variant="unstyled">
                <LimitFields form={form} path={`${path}.limit`} value={group.limit} />
              </Fieldset>
              <Group justify="flex-end">
                <Button
                  variant="subtle"
                  color="red"
                  size="xs"
                  leftSection={<IconTrash size={14} />}
                  onClick={() => form.removeListItem('conditionalGroups', g)}
                  aria-label={`Remove condition group ${g + 1}`}
                >
                  Remove group
                </Button>
              </Group>
            </Stack>
          </Fieldset>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          disabled={groups.length >= 50}
          onClick={() => form.insertListItem('conditionalGroups', newGroup())}
        >
          Add condition group
        </Button>
      </Group>
    </Stack>
  );
}
