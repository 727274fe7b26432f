/** Burst control (spike arrest): at most so many requests per second or minute, applied by each gateway. */
import { Fieldset, Group, NativeSelect, NumberInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';

export interface BurstValues {
  rateLimitCount: number | string;
  rateLimitTimeUnit: 'sec' | 'min';
}

const UNITS = [
  { value: 'sec', label: 'Per second' },
  { value: 'min', label: 'Per minute' },
];

export function burstErrors(path: string, values: BurstValues, errors: Record<string, string>): void {
  if (values.rateLimitCount === '') return;
  const n = Number(values.rateLimitCount);
  if (!Number.isInteger(n) || n < 0)
    errors[`${path}rateLimitCount`] = 'Enter a whole number, or leave it empty';
}

/** The wire's burst fields: none when no count is set (0 or empty means no burst control). */
export function burstFromValues(values: BurstValues): {
  rateLimitCount?: number;
  rateLimitTimeUnit?: 'sec' | 'min';
} {
  const count = Number(values.rateLimitCount);
  return values.rateLimitCount === '' || count === 0
    ? {}
    : { rateLimitCount: count, rateLimitTimeUnit: values.rateLimitTimeUnit };
}

/** `path` is the prefix of the two fields: '' for subscription policies, 'burstLimit.' for application ones. */
export function BurstFields<V>({ form, path }: { form: UseFormReturnType<V>; path: string }) {
  return (
    <Fieldset legend="Burst control" p={{ base: 'xs', sm: 'md' }}>
      <Group align="flex-start" gap="sm" grow preventGrowOverflow={false} wrap="wrap">
        <NumberInput
          label="Burst limit"
          description="Requests allowed per unit; empty for no burst control"
          min={0}
          allowDecimal={false}
          miw={180}
          {...form.getInputProps(`${path}rateLimitCount`)}
        />
        <NativeSelect
          label="Burst period"
          description="Second or minute"
          data={UNITS}
          miw={140}
          {...form.getInputProps(`${path}rateLimitTimeUnit`)}
        />
      </Group>
    </Fieldset>
  );
}
