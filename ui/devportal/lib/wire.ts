/** The wire types this portal reads and sends, from the server's own schemas (type-only imports). */
export type { Page } from '../../../src/platform/pagination';
export type {
  EndpointUrls,
  PortalApi,
  PortalApiInfo,
} from '../../../src/devportal/catalogue/catalogue-schemas';
export type { PortalDocument } from '../../../src/devportal/catalogue/document-schemas';
export type { PortalPolicy } from '../../../src/devportal/throttling-policies/policy-schemas';
export type { Application, ApplicationInfo } from '../../../src/devportal/applications/application-schemas';
export type {
  ApplicationKey,
  ApplicationKeyList,
  ApplicationToken,
  KeyGenerateRequest,
  KeyType,
  RevokeTokenRequest,
  SecretResponse,
  TokenRequest,
} from '../../../src/devportal/keys/key-schemas';
export type {
  Subscription,
  SubscriptionStatus,
} from '../../../src/devportal/subscriptions/subscription-schemas';
