/**
 * A GET of something that is not JSON (a document's text or file), with the signed-in user's token when
 * there is one; an error answer becomes the server's message.
 */
import type { ErrorBody } from '../../../src/platform/errors';
import type { Session } from '../../shared/auth';

export async function fetchRaw(session: Session, path: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session.accessToken) headers.authorization = `Bearer ${session.accessToken}`;
  let response = await fetch(new URL(path, location.origin), { headers });
  if (response.status === 401 && (await session.refresh())) {
    headers.authorization = `Bearer ${session.accessToken ?? ''}`;
    response = await fetch(new URL(path, location.origin), { headers });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
    throw new Error(body.description ?? `HTTP ${response.status}`);
  }
  return response;
}
