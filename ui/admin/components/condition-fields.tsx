/** One condition of a conditional group: its kind, the fields that kind needs, and the invert flag. */
import { Button, Checkbox, Fieldset, Group, NativeSelect, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconTrash } from '@tabler/icons-react';
import { CONDITION_TYPES, type ConditionValues } from '../lib/conditions';

const IP_MATCH = [
  { value: 'IPSPECIFIC', label: 'Specific IP' },
  { value: 'IPRANGE', label: 'IP range' },
];

interface Props<V> {
  form: UseFormReturnType<V>;
  path: string;
  value: ConditionValues;
  /** e.g. `condition 2 of group 1`, for the remove button's name. */
  name: string;
  legend: string;
  onRemove?: () => void;
}

function KindFields<V>({ form, path, value }: Pick<Props<V>, 'form' | 'path' | 'value'>) {
  const field = (name: string) => form.getInputProps(`${path}.${name}`);
  switch (value.type) {
    case 'IPCONDITION':
      return (
        <>
          <NativeSelect
            label="IP match"
            data={IP_MATCH}
            miw={140}
            {...field('ipCondition.ipConditionType')}
          />
          {value.ipCondition.ipConditionType === 'IPSPECIFIC' ? (
            <TextInput
              label="IP address"
              placeholder="192.168.1.10"
              miw={180}

              {...field('ipCondition.specificIP')}
            />
          ) : (
            <>
              <TextInput
                label="Starting IP"
                placeholder="10.0.0.1"
                miw={160}

                {...field('ipCondition.startingIP')}
              />
              <TextInput
                label="Ending IP"
                placeholder="10.0.0.255"
                miw={160}

                {...field('ipCondition.endingIP')}
              />
            </>
          )}
        </>
      );
    case 'HEADERCONDITION':
      return (
        <>
          <TextInput
            label="Header name"
            placeholder="X-Tier"
            miw={160}

            {...field('headerCondition.headerName')}
          />
          <TextInput
            label="Header value"
            description="Regular expression found in the value"
            miw={180}
            {...field('headerCondition.headerValue')}
          />
        </>
      );
    case 'QUERYPARAMETERCONDITION':
      return (
        <>
          <TextInput
            label="Parameter name"
            miw={160}

            {...field('queryParameterCondition.parameterName')}
          />
          <TextInput
            label="Parameter value"
            description="Exact value"
            miw={160}
            {...field('queryParameterCondition.parameterValue')}
          />
        </>
      );
    case 'JWTCLAIMSCONDITION':
      return (
        <>
          <TextInput
            label="Claim URI"
            placeholder="http://wso2.org/claims/applicationtier"
            miw={220}

            {...field('jwtClaimsCondition.claimUrl')}
          />
          <TextInput
            label="Claim value"
            description="Regular expression found in the value"
            miw={160}
            {...field('jwtClaimsCondition.attribute')}
          />
        </>
      );
  }
}

export function ConditionFields<V>({ form, path, value, name, legend, onRemove }: Props<V>) {
  return (
    <Fieldset legend={legend} variant="filled" p={{ base: 'xs', sm: 'sm' }}>
      <Group align="flex-start" gap="sm" grow preventGrowOverflow={false} wrap="wrap">
        <NativeSelect
          label="Condition type"
          data={CONDITION_TYPES}
          miw={150}
          {...form.getInputProps(`${path}.type`)}
        />
        <KindFields form={form} path={path} value={value} />
      </Group>
      <Group justify="space-between" mt="sm" gap="xs">
        <Checkbox
          label="Invert: match requests for which this does not hold"
          {...form.getInputProps(`${path}.invertCondition`, { type: 'checkbox' })}
        />
        {onRemove && (
          <Button
            variant="subtle"
            color="red"
            size="xs"
            leftSection={<IconTrash size={14} />}
            onClick={onRemove}
            aria-label={`Remove ${name}`}
          >
            Remove condition
          </Button>
        )}
      </Group>
    </Fieldset>
  );
}
