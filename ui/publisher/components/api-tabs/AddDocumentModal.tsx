/** A new document: inline text, Markdown, or a link (POST /apis/{id}/documents with its content). */
import {
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Document } from '../../../../src/publisher/apis/document-schemas';
import { useApi } from '../../../shared/portal-context';
import { apiPath } from '../../rest';
import { checkEndpointUrl } from '../endpoint-config';
import { notifySuccess } from '../notify';
import { placeServerError } from '../server-error';
import { FormError } from '../../../shared/states';

type Source = Exclude<Document['sourceType'], 'FILE'>;

export const DOCUMENT_TYPES: { value: Document['type']; label: string }[] = [
  { value: 'HOWTO', label: 'How to' },
  { value: 'SAMPLES', label: 'Samples and SDK' },
  { value: 'PUBLIC_FORUM', label: 'Public forum' },
  { value: 'SUPPORT_FORUM', label: 'Support forum' },
  { value: 'API_MESSAGE_FORMAT', label: 'API message format' },
  { value: 'OTHER', label: 'Other' },
];

export const DOCUMENT_VISIBILITY: { value: Document['visibility']; label: string }[] = [
  { value: 'API_LEVEL', label: 'Same as the API' },
  { value: 'PRIVATE', label: 'Signed-in users only' },
  { value: 'OWNER_ONLY', label: 'Publishers only (not in the Developer Portal)' },
];

interface Values {
  name: string;
  type: Document['type'];
  otherTypeName: string;
  summary: string;
  source: Source;
  content: string;
  url: string;
  visibility: Document['visibility'];
}

const FIELDS = {
  name: 'name',
  type: 'type',
  otherTypeName: 'otherTypeName',
  summary: 'summary',
  sourceUrl: 'url',
  inlineContent: 'content',
};

export function AddDocumentModal({
  apiId,
  opened,
  onClose,
  onAdded,
}: {
  apiId: string;
  opened: boolean;
  onClose: () => void;
  onAdded: () => void;
}) {
  const call = useApi();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useForm<Values>({
    initialValues: {
      name: '',
      type: 'HOWTO',
      otherTypeName: '',
      summary: '',
      source: 'MARKDOWN',
      content: '',
      url: '',
      visibility: 'API_LEVEL',
    },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter a name'),
      otherTypeName: (value, values) =>
        values.type === 'OTHER' && !value.trim() ? 'Say what kind of document it is' : null,
      url: (value, values) =>
        values.source !== 'URL' ? null : value.trim() ? checkEndpointUrl(value) : 'Enter the document’s URL',
    },
  });

  const close = () => {
    form.reset();
    setError(undefined);
    onClose();
  };

  const submit = async (values: Values) => {
    setSaving(true);
    setError(undefined);
    const document: Document = {
      name: values.name.trim(),
      type: values.type,
      sourceType: values.source,
      visibility: values.visibility,
      ...(values.summary.trim() ? { summary: values.summary.trim() } : {}),
      ...(values.type === 'OTHER' ? { otherTypeName: values.otherTypeName.trim() } : {}),
      ...(values.source === 'URL' ? { sourceUrl: values.url.trim() } : { inlineContent: values.content }),
    };
    try {
      await call<Document>('POST', `${apiPath(apiId)}/documents`, { body: document });
      notifySuccess(`Document ${document.name} added.`);
      onAdded();
      close();
    } catch (err) {
      setError(placeServerError(err, form.setFieldError, FIELDS));
    } finally {
      setSaving(false);
    }
  };

  const source = form.values.source;
  return (
    <Modal opened={opened} onClose={close} title="Add a document" size="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <FormError error={error} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <Group grow align="flex-start" wrap="wrap">
            <Select
              label="Type"
              data={DOCUMENT_TYPES}
              allowDeselect={false}
              miw={200}
              {...form.getInputProps('type')}
            />
            <Select
              label="Document visibility"
              data={DOCUMENT_VISIBILITY}
              allowDeselect={false}
              miw={200}
              {...form.getInputProps('visibility')}
            />
          </Group>
          {form.values.type === 'OTHER' && (
            <TextInput label="Kind of document" required {...form.getInputProps('otherTypeName')} />
          )}
          <Textarea label="Summary" autosize minRows={1} maxRows={4} {...form.getInputProps('summary')} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="document-source-label">
              Source
            </Text>
            <SegmentedControl
              aria-labelledby="document-source-label"
              data={[
                { value: 'MARKDOWN', label: 'Markdown' },
                { value: 'INLINE', label: 'Inline text' },
                { value: 'URL', label: 'URL' },
              ]}
              {...form.getInputProps('source')}
            />
          </Stack>
          {source === 'URL' ? (
            <TextInput
              label="Document URL"
              required
              placeholder="https://docs.example.com/pets"
              {...form.getInputProps('url')}
            />
          ) : (
            <Textarea
              label="Content"
              autosize
              minRows={6}
              maxRows={16}
              styles={
                source === 'MARKDOWN'
                  ? { input: { fontFamily: 'var(--mantine-font-family-monospace)' } }
                  : undefined
              }
              {...form.getInputProps('content')}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Save document
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
