/** What a console call came back with: status, time, the headers the browser may read, and the body. */
import { Alert, Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import { DataTable } from '../../../shared/data-table';

export interface CallOutcome {
  url: string;
  status?: number;
  statusText?: string;
  millis: number;
  headers: [string, string][];
  body: string;
  /** The call never got an answer the browser could read (network, TLS, CORS). */
  failure?: string;
}

interface Wso2Error {
  code: number | string;
  message?: string;
  description?: string;
}

/** The gateway's WSO2 error body ({code, message, description}), if the answer is one. */
function wso2ErrorOf(body: string): Wso2Error | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<Wso2Error>;
    if (
      parsed &&
      typeof parsed === 'object' &&
      parsed.code !== undefined &&
      (parsed.message || parsed.description)
    )
      return parsed as Wso2Error;
  } catch {
    // not JSON
  }
  return undefined;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function CallResult({ outcome }: { outcome: CallOutcome }) {
  if (outcome.failure)
    return (
      <Alert color="red" title="No answer" role="alert">
        <Text size="sm">{outcome.failure}</Text>
      </Alert>
    );
  const status = outcome.status ?? 0;
  const ok = status >= 200 && status < 300;
  const error = ok ? undefined : wso2ErrorOf(outcome.body);
  return (
    <Stack gap="xs" aria-label="Response" role="region">
      <Group gap="xs">
        <Badge
          color={ok ? 'green' : status >= 500 ? 'red' : 'orange'}
          size="lg"
          aria-label={`Status ${status}`}
        >
          {status} {outcome.statusText}
        </Badge>
        <Text size="xs" c="dimmed">
          {Math.round(outcome.millis)} ms
        </Text>
      </Group>
      {error && (
        <Alert
          color={status >= 500 ? 'red' : 'orange'}
          title={`${error.code}: ${error.message ?? 'Error'}`}
          role="alert"
        >
          {error.description}
        </Alert>
      )}
      <Text size="sm" fw={500}>
        Headers
      </Text>
      <DataTable minWidth={320} fz="xs" withTableBorder aria-label="Response headers">
        {outcome.headers.map(([name, value]) => (
          <Table.Tr key={name}>
            <Table.Td fw={500}>{name}</Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <Text size="sm" fw={500}>
        Body
      </Text>
      <Code
        block
        aria-label="Response body"
        style={{ maxHeight: 360, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
      >
        {outcome.body ? pretty(outcome.body) : '(empty)'}
      </Code>
    </Stack>
  );
}
