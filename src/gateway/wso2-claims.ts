/**
 * What the gateway knows of a call in WSO2's claim dialect (`http://wso2.org/claims/…`): the claims of the
 * backend JWT, and what JWT claim conditions of advanced throttling policies test.
 */
import type { ApplicationEvent } from '../events/application-events.js';

export const WSO2_CLAIM = 'http://wso2.org/claims/';

export interface ClaimedCall {
  /** The end user; undefined for an application acting for itself. */
  username: string | undefined;
  clientId: string;
  application: Pick<ApplicationEvent, 'applicationId' | 'name' | 'owner' | 'throttlingPolicy'> | undefined;
  subscriptionPolicy: string | null;
  keyType: 'PRODUCTION' | 'SANDBOX';
  api: { name: string; version: string; context: string };
}

export function wso2Claims(call: ClaimedCall): Record<string, string> {
  const { application } = call;
  const claims: Record<string, string> = {
    [`${WSO2_CLAIM}apiname`]: call.api.name,
    [`${WSO2_CLAIM}version`]: call.api.version,
    [`${WSO2_CLAIM}apicontext`]: call.api.context,
    [`${WSO2_CLAIM}keytype`]: call.keyType,
    [`${WSO2_CLAIM}usertype`]: call.username === undefined ? 'APPLICATION' : 'APPLICATION_USER',
    [`${WSO2_CLAIM}enduser`]: call.username ?? application?.owner ?? call.clientId,
    [`${WSO2_CLAIM}client_id`]: call.clientId,
  };
  if (call.subscriptionPolicy !== null) claims[`${WSO2_CLAIM}tier`] = call.subscriptionPolicy;
  if (application) {
    claims[`${WSO2_CLAIM}subscriber`] = application.owner;
    claims[`${WSO2_CLAIM}applicationid`] = application.applicationId;
    claims[`${WSO2_CLAIM}applicationUUId`] = application.applicationId;
    claims[`${WSO2_CLAIM}applicationname`] = application.name;
    claims[`${WSO2_CLAIM}applicationtier`] = application.throttlingPolicy;
  }
  return claims;
}
