/** Which components each profile runs. */
import type { Profile } from '../config/schema.js';

export const COMPONENT_NAMES = [
  'key-manager',
  'publisher',
  'devportal',
  // Before the gateway: components close in reverse order, so the gateway's last events are still counted.
  'analytics',
  'traffic-manager',
  'gateway',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

const PROFILE_COMPONENTS: Record<Profile, readonly ComponentName[]> = {
  all: COMPONENT_NAMES,
  'key-manager': ['key-manager'],
  publisher: ['publisher'],
  devportal: ['devportal'],
  analytics: ['analytics'],
  'traffic-manager': ['traffic-manager'],
  gateway: ['gateway'],
};

export function componentsOf(profile: Profile): readonly ComponentName[] {
  return PROFILE_COMPONENTS[profile];
}
