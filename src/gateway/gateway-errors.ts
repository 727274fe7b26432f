/**
 * The gateway's errors: WSO2's codes and JSON body `{code, message, description}` with the status WSO2 gives
 * each (DESIGN.md). A step of the request path throws one; the handler writes it.
 */
import type { ServerResponse } from 'node:http';

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const REALM = 'Bearer realm="portcullis gateway"';

export const errors = {
  noApi: () => new GatewayError(404, 404, 'Not Found', 'No API is deployed at this path.'),
  /** As in WSO2, an API is not there on a transport it does not list (an HTTPS-only API over HTTP). */
  wrongTransport: (transport: string) =>
    new GatewayError(404, 404, 'Not Found', `The API at this path is offered over ${transport} only.`),
  noResource: (verb: string, allowed: string[]) =>
    allowed.length > 0
      ? new GatewayError(
          405,
          900906,
          'No matching resource found for given API Request',
          `${verb} is not allowed on this resource; allowed: ${allowed.join(', ')}.`,
          { allow: allowed.join(', ') },
        )
      : new GatewayError(
          404,
          900906,
          'No matching resource found for given API Request',
          'The API has no resource at this path.',
        ),
  missingCredentials: (header: string) =>
    new GatewayError(
      401,
      900902,
      'Missing Credentials',
      `Invalid Credentials. Make sure your API invocation call has a header: '${header} : Bearer ACCESS_TOKEN'`,
      { 'www-authenticate': REALM },
    ),
  invalidCredentials: (description = 'Access token is invalid, expired or revoked.') =>
    new GatewayError(401, 900901, 'Invalid Credentials', description, {
      'www-authenticate': `${REALM}, error="invalid_token"`,
    }),
  notSubscribed: () =>
    new GatewayError(
      403,
      900908,
      'Resource forbidden',
      'The application of this access token is not subscribed to the API.',
    ),
  subscriptionBlocked: () =>
    new GatewayError(
      403,
      900907,
      'The requested API is temporarily blocked',
      'The subscription of this application to the API is blocked.',
    ),
  scope: (scopes: string[]) =>
    new GatewayError(
      403,
      900910,
      'The access token does not allow you to access the requested resource',
      `The resource needs one of the scopes: ${scopes.join(', ')}.`,
      { 'www-authenticate': `${REALM}, error="insufficient_scope", scope="${scopes.join(' ')}"` },
    ),
  wrongTokenType: (authType: string) =>
    new GatewayError(
      403,
      900905,
      'Incorrect Access Token Type is provided',
      `This resource takes ${authType === 'Application' ? 'application tokens (client credentials)' : "users' tokens"} only.`,
    ),
  denied: (what: string) => new GatewayError(403, 900805, 'Message blocked', `Requests ${what} are blocked.`),
  apiBlocked: () =>
    new GatewayError(503, 700700, 'API blocked', 'This API has been blocked temporarily. Try again later.'),
  noEndpoint: (keyType: string) =>
    new GatewayError(
      401,
      900901,
      'Invalid Credentials',
      `${keyType === 'SANDBOX' ? 'Sandbox' : 'Production'} key offered to an API with no ${keyType.toLowerCase()} endpoint.`,
    ),
  backendUnreachable: () =>
    new GatewayError(
      502,
      101503,
      'Error connecting to the back end',
      'The backend of this API cannot be reached.',
    ),
  backendTimeout: () =>
    new GatewayError(504, 101504, 'Connection timed out', 'The backend of this API did not answer in time.'),
  keyManagerUnreachable: () =>
    new GatewayError(
      503,
      900900,
      'Unclassified Authentication Failure',
      'The Key Manager cannot be reached.',
    ),
  badRequest: (description: string) => new GatewayError(400, 400, 'Bad Request', description),
};

/** Writes the error, unless the response has already started (then it can only be cut). */
export function sendError(
  res: ServerResponse,
  error: GatewayError,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    code: String(error.code),
    message: error.message,
    description: error.description,
  });
  res.writeHead(error.status, {
    ...extraHeaders,
    ...error.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
