/** "Create API": from scratch, or by importing an OpenAPI definition (shown to users who may create APIs). */
import { Button, Menu } from '@mantine/core';
import { IconChevronDown, IconFileImport, IconPencilPlus } from '@tabler/icons-react';
import { useLocation } from 'wouter';
import { usePermissions } from '../permissions';

export function CreateApiMenu() {
  const [, navigate] = useLocation();
  if (!usePermissions().create) return null;
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button rightSection={<IconChevronDown size={16} aria-hidden="true" />}>Create API</Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          leftSection={<IconPencilPlus size={16} aria-hidden="true" />}
          onClick={() => navigate('/apis/new')}
        >
          Start from scratch
        </Menu.Item>
        <Menu.Item
          leftSection={<IconFileImport size={16} aria-hidden="true" />}
          onClick={() => navigate('/apis/import')}
        >
          Import OpenAPI
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
