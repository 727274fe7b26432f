/** What every /apis route shares: its base path, the apiId parameter, and who may do what (by scope). */
import { Type } from 'typebox';
import { requireAnyScope, type BearerCheck } from '../../platform/auth/bearer.js';

export const PUBLISHER_BASE = '/api/am/publisher/v4';
export const APIS = `${PUBLISHER_BASE}/apis`;
export const ApiParams = Type.Object({ apiId: Type.String({ maxLength: 64 }) });

export function apiGuards(check: BearerCheck) {
  return {
    view: requireAnyScope(check, ['apim:api_view', 'apim:api_create', 'apim:api_publish']),
    create: requireAnyScope(check, ['apim:api_create']),
    edit: requireAnyScope(check, ['apim:api_create', 'apim:api_publish']),
    remove: requireAnyScope(check, ['apim:api_delete']),
    publish: requireAnyScope(check, ['apim:api_publish']),
  };
}
