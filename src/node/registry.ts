/** Which components each profile runs, and how each is built. */
import type { Profile } from '../config/schema.js';
import { keyManagerComponent } from '../key-manager/component.js';
import { publisherComponent } from '../publisher/component.js';
import { devportalComponent } from '../devportal/component.js';
import { gatewayComponent } from '../gateway/component.js';
import { trafficManagerComponent } from '../traffic-manager/component.js';
import type { ComponentDefinition } from './component.js';

export const COMPONENTS = {
  'key-manager': keyManagerComponent,
  publisher: publisherComponent,
  devportal: devportalComponent,
  'traffic-manager': trafficManagerComponent,
  gateway: gatewayComponent,
} satisfies Record<string, ComponentDefinition>;

export type ComponentName = keyof typeof COMPONENTS;

const PROFILE_COMPONENTS: Record<Profile, ComponentName[]> = {
  all: ['key-manager', 'publisher', 'devportal', 'traffic-manager', 'gateway'],
  'key-manager': ['key-manager'],
  publisher: ['publisher'],
  devportal: ['devportal'],
  'traffic-manager': ['traffic-manager'],
  gateway: ['gateway'],
};

export function componentsOf(profile: Profile): ComponentName[] {
  return PROFILE_COMPONENTS[profile];
}
