/**
 * A document's content as GET …/documents/{documentId}/content answers it, the same in the Publisher and the
 * Developer Portal: text as text/plain or text/markdown, a file as an attachment, a URL document as a 303 to
 * where it lives.
 */
import type { FastifyReply } from 'fastify';

/** What GET …/content answers: text, a file, or where to find the document. */
export type DocumentContent =
  | { kind: 'text'; text: string; markdown: boolean }
  | { kind: 'file'; bytes: Buffer; fileName: string }
  | { kind: 'url'; url: string };

/** RFC 6266: an ASCII fallback name, and the real one in UTF-8 (RFC 8187) for names beyond ASCII. */
export function attachment(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7E]|["\\]/g, '_');
  const plain = `attachment; filename="${fallback}"`;
  return fallback === fileName ? plain : `${plain}; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function sendDocumentContent(reply: FastifyReply, content: DocumentContent): FastifyReply {
  if (content.kind === 'url') return reply.redirect(content.url, 303);
  if (content.kind === 'file') {
    return reply
      .type('application/octet-stream')
      .header('content-disposition', attachment(content.fileName))
      .send(content.bytes);
  }
  return reply
    .type(content.markdown ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8')
    .send(content.text);
}
