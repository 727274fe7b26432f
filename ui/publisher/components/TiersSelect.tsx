/** The subscription tiers (WSO2's business plans) an API offers: a multi-select over the subscription policies. */
import { MultiSelect } from '@mantine/core';
import { optionsOf, useSubscriptionTiers } from './use-policies';

interface Props {
  value?: string[];
  onChange: (value: string[]) => void;
  error?: React.ReactNode;
  onBlur?: () => void;
  onFocus?: () => void;
}

export function TiersSelect({ value = [], onChange, error, onBlur, onFocus }: Props) {
  const tiers = useSubscriptionTiers();
  return (
    <MultiSelect
      label="Subscription tiers"
      description="The business plans subscribers choose from; publishing needs at least one."
      placeholder={value.length ? undefined : 'Pick tiers'}
      data={optionsOf(tiers.data, value)}
      value={value}
      onChange={onChange}
      onBlur={onBlur}
      onFocus={onFocus}
      error={error ?? (tiers.error ? `Tiers could not be listed: ${tiers.error}` : undefined)}
      searchable
      clearable
    />
  );
}
