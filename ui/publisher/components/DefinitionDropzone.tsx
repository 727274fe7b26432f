/** Drop an OpenAPI definition (.json, .yaml, .yml) here, or click (Enter) to choose one. */
import { Group, Input, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { IconFileCode, IconUpload, IconX } from '@tabler/icons-react';

const ACCEPT = {
  'application/json': ['.json'],
  'application/yaml': ['.yaml', '.yml'],
  'application/x-yaml': ['.yaml', '.yml'],
  'text/yaml': ['.yaml', '.yml'],
  'text/x-yaml': ['.yaml', '.yml'],
};
const MAX_BYTES = 5 * 1024 * 1024;

interface Props {
  file: File | undefined;
  onFile: (file: File) => void;
  onRejected: (message: string) => void;
  error?: React.ReactNode;
}

export function DefinitionDropzone({ file, onFile, onRejected, error }: Props) {
  return (
    <Input.Wrapper label="OpenAPI definition" required error={error} id="definition-file">
      <Dropzone
        mt={4}
        accept={ACCEPT}
        maxFiles={1}
        multiple={false}
        maxSize={MAX_BYTES}
        onDrop={(files) => files[0] && onFile(files[0])}
        onReject={(rejections) =>
          onRejected(
            rejections[0]?.errors[0]?.code === 'file-too-large'
              ? 'The file is larger than 5 MB.'
              : 'Choose one .json, .yaml or .yml file.',
          )
        }
        inputProps={{ 'aria-label': 'OpenAPI file', name: 'file' }}
        aria-describedby="definition-file-hint"
        styles={error ? { root: { borderColor: 'var(--mantine-color-error)' } } : undefined}
      >
        <Group justify="center" gap="md" mih={110} style={{ pointerEvents: 'none' }} wrap="nowrap">
          <Dropzone.Accept>
            <IconUpload size={40} aria-hidden="true" />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={40} aria-hidden="true" />
          </Dropzone.Reject>
          <Dropzone.Idle>
            <IconFileCode size={40} aria-hidden="true" />
          </Dropzone.Idle>
          <Stack gap={4}>
            <Text fw={500}>{file ? file.name : 'Drag an OpenAPI file here or click to choose one'}</Text>
            <Text size="sm" c="dimmed" id="definition-file-hint">
              {file
                ? `${(file.size / 1024).toFixed(1)} KB · drop or click to choose another`
                : 'OpenAPI 3 or Swagger 2, as .json, .yaml or .yml (up to 5 MB)'}
            </Text>
          </Stack>
        </Group>
      </Dropzone>
    </Input.Wrapper>
  );
}
