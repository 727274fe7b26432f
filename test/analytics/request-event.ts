/** A request event as a gateway sends it, with the fields a test sets. */
import type { RequestEvent } from '../../src/events/request-event.js';

export function requestEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    timestamp: Date.UTC(2030, 0, 1, 12, 0, 30),
    apiId: 'api-1',
    apiName: 'PizzaShack',
    apiVersion: '1.0.0',
    apiContext: '/pizzashack/1.0.0',
    operation: 'GET /menu',
    applicationId: 'app-1',
    subscriptionPolicy: 'Gold',
    applicationPolicy: 'Unlimited',
    username: 'alice',
    keyType: 'PRODUCTION',
    status: 200,
    latency: 10,
    backendLatency: 8,
    requestBytes: 100,
    responseBytes: 1000,
    clientIp: '127.0.0.1',
    errorCode: null,
    overQuota: false,
    ...overrides,
  };
}
