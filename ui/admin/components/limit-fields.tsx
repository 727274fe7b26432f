/** A throttle limit's inputs: request count or bandwidth, per so many time units. */
import { Group, NativeSelect, NumberInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { DATA_UNITS, TIME_UNIT_OPTIONS, type LimitValues } from '../lib/limits';

const LIMIT_TYPES = [
  { value: 'REQUESTCOUNTLIMIT', label: 'Request count' },
  { value: 'BANDWIDTHLIMIT', label: 'Bandwidth' },
];

export function LimitFields<V>({
  form,
  path,
  value,
}: {
  form: UseFormReturnType<V>;
  path: string;
  value: LimitValues;
}) {
  const field = (name: keyof LimitValues) => form.getInputProps(`${path}.${name}`);
  return (
    <Group align="flex-start" gap="sm" grow preventGrowOverflow={false} wrap="wrap">
      <NativeSelect label="Limit type" data={LIMIT_TYPES} {...field('type')} miw={140} />
      {value.type === 'REQUESTCOUNTLIMIT' ? (
        <NumberInput
          label="Request count"
          min={1}
          allowDecimal={false}
          thousandSeparator=","
          {...field('requestCount')}
          miw={140}
        />
      ) : (
        <>
          <NumberInput label="Data amount" min={1} allowDecimal={false} {...field('dataAmount')} miw={120} />
          <NativeSelect label="Data unit" data={DATA_UNITS} {...field('dataUnit')} miw={90} />
        </>
      )}
      <NumberInput label="Unit time" min={1} allowDecimal={false} {...field('unitTime')} miw={100} />
      <NativeSelect label="Time unit" data={TIME_UNIT_OPTIONS} {...field('timeUnit')} miw={110} />
    </Group>
  );
}
