/**
 * An API's documents: text ones read in place (Markdown rendered, safely), URL ones linked, files downloaded.
 */
import { Accordion, Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { lazy, useState } from 'react';
import { messageOf } from '../../shared/api';
import { LazyBoundary } from '../../shared/lazy-boundary';
import { usePortal, useUser } from '../../shared/portal-context';
import { Empty, ErrorMessage, Loading, QueryView } from '../../shared/states';
import { useQuery } from '../../shared/use-query';
import { DEVPORTAL, enc } from '../lib/paths';
import { fetchRaw } from '../lib/raw-fetch';
import type { Page, PortalDocument } from '../lib/wire';

const TYPE_NAMES: Record<string, string> = {
  HOWTO: 'How to',
  SAMPLES: 'Samples',
  PUBLIC_FORUM: 'Public forum',
  SUPPORT_FORUM: 'Support forum',
  API_MESSAGE_FORMAT: 'Message format',
  SWAGGER_DOC: 'Definition',
  OTHER: 'Other',
};

// The Markdown renderer is loaded with the first Markdown document, not with the portal.
const Markdown = lazy(() => import('../../shared/markdown').then((m) => ({ default: m.Markdown })));

const contentPath = (apiId: string, documentId: string) =>
  `${DEVPORTAL}/apis/${enc(apiId)}/documents/${enc(documentId)}/content`;

function TextContent({ apiId, document }: { apiId: string; document: PortalDocument }) {
  const { session } = usePortal();
  const query = useQuery(
    async () => (await fetchRaw(session, contentPath(apiId, document.documentId))).text(),
    [session, apiId, document.documentId],
  );
  if (query.error) return <ErrorMessage error={query.error} />;
  if (query.data === undefined) return <Loading />;
  if (document.sourceType === 'MARKDOWN' && query.data)
    return (
      <LazyBoundary>
        <Markdown source={query.data} />
      </LazyBoundary>
    );
  return (
    <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {query.data || 'This document is empty.'}
    </Text>
  );
}

function FileContent({ apiId, document }: { apiId: string; document: PortalDocument }) {
  const { session } = usePortal();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetchRaw(session, contentPath(apiId, document.documentId));
      const name =
        /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? document.name;
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(window.document.createElement('a'), { href: url, download: name });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs" align="flex-start">
      <Button variant="light" onClick={() => void download()} loading={busy}>
        Download {document.name}
      </Button>
      {error && <ErrorMessage error={error} />}
    </Stack>
  );
}

function DocumentBody({ apiId, document }: { apiId: string; document: PortalDocument }) {
  if (document.sourceType === 'URL')
    return document.sourceUrl ? (
      <Anchor href={document.sourceUrl} target="_blank" rel="noopener noreferrer">
        Open {document.sourceUrl}
      </Anchor>
    ) : null;
  if (document.sourceType === 'FILE') return <FileContent apiId={apiId} document={document} />;
  return <TextContent apiId={apiId} document={document} />;
}

export function ApiDocuments({ apiId }: { apiId: string }) {
  const { api } = usePortal();
  const user = useUser();
  const query = useQuery(
    () =>
      api<Page<PortalDocument>>('GET', `${DEVPORTAL}/apis/${enc(apiId)}/documents`, {
        query: { limit: 1000 },
      }),
    [api, apiId, user?.username],
  );
  const [open, setOpen] = useState<string | null>(null);
  return (
    <QueryView query={query}>
      {(page) =>
        page.list.length === 0 ? (
          <Empty title="No documents">The publisher has not added documents to this API.</Empty>
        ) : (
          <Accordion variant="separated" value={open} onChange={setOpen}>
            {page.list.map((d) => (
              <Accordion.Item key={d.documentId} value={d.documentId}>
                <Accordion.Control>
                  <Group gap="xs" wrap="wrap">
                    <Text fw={500}>{d.name}</Text>
                    <Badge size="sm" variant="light" color="gray">
                      {d.type === 'OTHER' && d.otherTypeName
                        ? d.otherTypeName
                        : (TYPE_NAMES[d.type] ?? d.type)}
                    </Badge>
                  </Group>
                  {d.summary && (
                    <Text size="sm" c="dimmed">
                      {d.summary}
                    </Text>
                  )}
                </Accordion.Control>
                <Accordion.Panel>
                  {open === d.documentId && <DocumentBody apiId={apiId} document={d} />}
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )
      }
    </QueryView>
  );
}
