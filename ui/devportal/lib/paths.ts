/** Where the Developer Portal's REST API and the Key Manager's sign-up live. */
export const DEVPORTAL = '/api/am/devportal/v3';
export const SELF_SIGNUP = '/keymanager/v1/self-signup';

/** The scopes a developer's token needs here (src/key-manager/scopes.ts: the subscriber role's). */
export const DEVELOPER_SCOPES = ['apim:subscribe', 'apim:app_manage', 'apim:sub_manage'] as const;

export const enc = encodeURIComponent;
