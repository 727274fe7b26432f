/** Where the Publisher portal's REST resources are (publisher API v4, and the admin API for throttling tiers). */
export const PUBLISHER = '/api/am/publisher/v4';
export const ADMIN = '/api/am/admin/v4';

export const apiPath = (apiId: string) => `${PUBLISHER}/apis/${encodeURIComponent(apiId)}`;

/** The scopes the Publisher asks for at sign-in (src/key-manager/scopes.ts binds them to roles). */
export const PUBLISHER_SCOPES = [
  'apim:api_view',
  'apim:api_create',
  'apim:api_publish',
  'apim:api_delete',
  'apim:subscription_view',
  'apim:subscription_block',
  'apim:subscription_manage',
  'apim:tier_view',
] as const;
