/** One operation in the console: its parameters and body, "Try it", and what came back. */
import { Button, Code, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { CallResult, type CallOutcome } from './call-result';
import { callUrl, type ConsoleOperation } from './operations';

export interface OperationPanelProps {
  operation: ConsoleOperation;
  /** The gateway URL of the API (context and version included). */
  baseUrl: string | undefined;
  token: string;
  authorizationHeader: string;
}

const LABEL = { path: 'path', query: 'query', header: 'header' } as const;

function initialValues(operation: ConsoleOperation): Record<string, string> {
  return Object.fromEntries(operation.parameters.map((p) => [`${p.in}:${p.name}`, p.example ?? '']));
}

/** A shell command doing the same call, for when the browser may not (or to share). */
function curlOf(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
): string {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const parts = [`curl -k -X ${method} ${quote(url)}`];
  for (const [name, value] of Object.entries(headers)) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (body !== undefined) parts.push(`-d ${quote(body)}`);
  return parts.join(' \\\n  ');
}

export function OperationPanel({ operation, baseUrl, token, authorizationHeader }: OperationPanelProps) {
  const [values, setValues] = useState(() => initialValues(operation));
  const [body, setBody] = useState(operation.body?.example ?? '');
  const [outcome, setOutcome] = useState<CallOutcome>();
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState<Record<string, string>>({});

  const url = baseUrl ? callUrl(baseUrl, operation, values) : undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const p of operation.parameters) {
    const value = values[`header:${p.name}`];
    if (p.in === 'header' && value) headers[p.name] = value;
  }
  if (operation.body) headers['content-type'] = operation.body.contentType;
  if (token) headers[authorizationHeader] = `Bearer ${token}`;
  const sentBody = operation.body && body !== '' ? body : undefined;

  const tryIt = async () => {
    const absent = Object.fromEntries(
      operation.parameters
        .filter((p) => p.required && !values[`${p.in}:${p.name}`])
        .map((p) => [`${p.in}:${p.name}`, `${p.name} is required.`]),
    );
    setMissing(absent);
    if (!url || Object.keys(absent).length > 0) return;
    setBusy(true);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: operation.verb,
        headers,
        body: sentBody,
        cache: 'no-store',
      });
      const text = await response.text();
      setOutcome({
        url,
        status: response.status,
        statusText: response.statusText,
        millis: performance.now() - started,
        headers: [...response.headers.entries()],
        body: text,
      });
    } catch (err) {
      setOutcome({
        url,
        millis: performance.now() - started,
        headers: [],
        body: '',
        failure:
          `The browser got no answer it may read (${err instanceof Error ? err.message : String(err)}). ` +
          `Either the gateway cannot be reached (or its certificate is not trusted: open ${new URL(url).origin} once ` +
          `in this browser), or the API's CORS configuration does not allow this portal's origin ` +
          `(${location.origin}). The same call can be made with curl (above).`,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="sm">
      {operation.description && (
        <Text size="sm" c="dimmed">
          {operation.description}
        </Text>
      )}
      {!operation.secured && (
        <Text size="sm" c="dimmed">
          This operation needs no token.
        </Text>
      )}
      {operation.parameters.length > 0 && (
        <Stack gap="xs">
          {operation.parameters.map((p) => {
            const id = `${p.in}:${p.name}`;
            return (
              <TextInput
                key={id}
                label={`${p.name === '*' ? 'Rest of the path' : p.name} (${LABEL[p.in]})`}
                description={p.description}
                required={p.required}
                value={values[id] ?? ''}
                error={missing[id]}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setValues((v) => ({ ...v, [id]: value }));
                }}
                maw={520}
              />
            );
          })}
        </Stack>
      )}
      {operation.body && (
        <Textarea
          label={`Request body (${operation.body.contentType})`}
          autosize
          minRows={4}
          maxRows={16}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
      )}
      <Group>
        <Button onClick={() => void tryIt()} loading={busy} disabled={!url}>
          Try it
        </Button>
        {!token && operation.secured && (
          <Text size="sm" c="dimmed">
            No token yet: the gateway will answer 401.
          </Text>
        )}
      </Group>
      {url && (
        <details>
          <summary>
            <Text span size="sm">
              curl
            </Text>
          </summary>
          <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {curlOf(operation.verb, url, headers, sentBody)}
          </Code>
        </details>
      )}
      {outcome && <CallResult outcome={outcome} />}
    </Stack>
  );
}
