/** The Key Manager's roles as checkboxes, each with what it allows. */
import { Checkbox, Stack } from '@mantine/core';
import type { Role } from '../../../src/key-manager/scopes';
import { ROLE_DESCRIPTIONS, ROLES } from '../lib/roles';

interface Props {
  value: Role[];
  onChange: (roles: Role[]) => void;
  error?: React.ReactNode;
}

export function RoleCheckboxes({ value, onChange, error }: Props) {
  return (
    <Checkbox.Group label="Roles" value={value} onChange={(roles) => onChange(roles as Role[])} error={error}>
      <Stack gap="xs" mt="xs">
        {ROLES.map((role) => (
          <Checkbox key={role} value={role} label={role} description={ROLE_DESCRIPTIONS[role]} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
