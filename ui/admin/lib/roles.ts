/** The Key Manager's roles, with what each lets a user do (see src/key-manager/scopes.ts for the scopes). */
import type { Role } from '../../../src/key-manager/scopes';

/** Every role must be described here: the type makes a new server role fail the UI's typecheck. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Everything, including this Admin portal',
  creator: 'Creates and edits APIs in the Publisher',
  publisher: 'Publishes APIs and manages their subscriptions',
  subscriber: 'Uses the Developer Portal: applications, keys, subscriptions',
};

export const ROLES = Object.keys(ROLE_DESCRIPTIONS) as Role[];
