/**
 * The page frame the create and import pages share: the way back, the title, the form with its error, the
 * API's fields (after `children`, e.g. the definition file), Cancel and the submit button. Users who may not
 * create APIs are told so instead.
 */
import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { FormEventHandler, ReactNode } from 'react';
import { Link } from 'wouter';
import { usePermissions } from '../permissions';
import { NewApiFields, type NewApiValues } from './NewApiFields';
import { FormError } from '../../shared/states';

export interface NewApiFormProps {
  title: string;
  submitLabel: string;
  form: UseFormReturnType<NewApiValues>;
  /** An import: name and version may come from the definition. */
  fromFile: boolean;
  onSubmit: FormEventHandler<HTMLFormElement>;
  saving: boolean;
  error: string | undefined;
  errorTitle?: string;
  children?: ReactNode;
}

export function NewApiForm(props: NewApiFormProps) {
  const { title, submitLabel, form, fromFile, onSubmit, saving, error, errorTitle, children } = props;
  if (!usePermissions().create)
    return <Text>Your account may not create APIs (it needs the apim:api_create scope).</Text>;
  return (
    <Stack maw={860}>
      <Anchor component={Link} href="/" size="sm">
        ← APIs
      </Anchor>
      <Title order={2}>{title}</Title>
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }}>
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <FormError error={error} title={errorTitle} />
            {children}
            <NewApiFields form={form} fromFile={fromFile} />
            <Group justify="flex-end">
              <Button variant="default" component={Link} href="/">
                Cancel
              </Button>
              <Button type="submit" loading={saving}>
                {submitLabel}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
