/** What every Developer Portal route shares: its base path and who may do what (by scope). */
import { optionalBearer, requireAnyScope, type BearerCheck } from '../platform/auth/bearer.js';

export const DEVPORTAL_BASE = '/api/am/devportal/v3';

export function devportalGuards(check: BearerCheck) {
  return {
    /** The catalogue: anyone; a token, when sent, shows what its user may see. */
    browse: optionalBearer(check),
    applications: requireAnyScope(check, ['apim:subscribe', 'apim:app_manage']),
    subscriptions: requireAnyScope(check, ['apim:subscribe', 'apim:sub_manage']),
  };
}

export type DevportalGuards = ReturnType<typeof devportalGuards>;
