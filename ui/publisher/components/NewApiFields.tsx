/**
 * The fields the create and import pages share: name, version, context, endpoints (production and sandbox)
 * and tiers. The form values they edit are NewApiValues; apiFieldsOf turns them into the API's fields.
 */
import { SimpleGrid, TextInput } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import type { Api } from '../../../src/publisher/apis/api-schemas';
import { checkContext, checkName, checkVersion } from './api-validation';
import { checkEndpointUrl } from './endpoint-config';
import { TiersSelect } from './TiersSelect';

export interface NewApiValues {
  name: string;
  version: string;
  context: string;
  production: string;
  sandbox: string;
  policies: string[];
}

const NEW_API_VALUES: NewApiValues = {
  name: '',
  version: '',
  context: '',
  production: '',
  sandbox: '',
  policies: ['Unlimited'],
};

/** The API fields these values set (name and version only when given: an import takes them from the file). */
export function apiFieldsOf(values: NewApiValues): Partial<Api> {
  const production = values.production.trim();
  const sandbox = values.sandbox.trim();
  return {
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    ...(values.version.trim() ? { version: values.version.trim() } : {}),
    context: values.context.trim(),
    policies: values.policies,
    ...(production || sandbox
      ? {
          endpointConfig: {
            endpoint_type: 'http' as const,
            ...(production ? { production_endpoints: { url: production } } : {}),
            ...(sandbox ? { sandbox_endpoints: { url: sandbox } } : {}),
          },
        }
      : {}),
  };
}

/** `fromFile`: an import, whose name and version may be left out (the definition's are taken). */
export function useNewApiForm(fromFile: boolean): UseFormReturnType<NewApiValues> {
  return useForm<NewApiValues>({
    initialValues: fromFile ? NEW_API_VALUES : { ...NEW_API_VALUES, version: '1.0.0' },
    validate: {
      name: fromFile ? (value) => (value.trim() ? checkName(value) : null) : checkName,
      version: (value) => checkVersion(value, fromFile),
      context: checkContext,
      production: checkEndpointUrl,
      sandbox: checkEndpointUrl,
    },
  });
}

export function NewApiFields({
  form,
  fromFile,
}: {
  form: UseFormReturnType<NewApiValues>;
  fromFile: boolean;
}) {
  const example = fromFile ? '/petstore' : '/pizzashack';
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Name"
          required={!fromFile}
          placeholder={fromFile ? "From the definition's title" : 'PizzaShackAPI'}
          {...form.getInputProps('name')}
        />
        <TextInput
          label="Version"
          required={!fromFile}
          placeholder={fromFile ? "From the definition's version" : '1.0.0'}
          {...form.getInputProps('version')}
        />
      </SimpleGrid>
      <TextInput
        label="Context"
        required
        description={`The path the gateway serves the API under, before its version: ${example}`}
        placeholder={example}
        {...form.getInputProps('context')}
      />
      <EndpointAndTierFields form={form} />
    </>
  );
}

function EndpointAndTierFields({ form }: { form: UseFormReturnType<NewApiValues> }) {
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Production endpoint URL"
          placeholder="https://backend.example.com/v1"
          {...form.getInputProps('production')}
        />
        <TextInput
          label="Sandbox endpoint URL"
          placeholder="https://sandbox.example.com/v1"
          {...form.getInputProps('sandbox')}
        />
      </SimpleGrid>
      <TiersSelect {...form.getInputProps('policies')} />
    </>
  );
}
