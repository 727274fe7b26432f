/** How each component is built. */
import { analyticsComponent } from '../analytics/component.js';
import { keyManagerComponent } from '../key-manager/component.js';
import { publisherComponent } from '../publisher/component.js';
import { devportalComponent } from '../devportal/component.js';
import { gatewayComponent } from '../gateway/component.js';
import { trafficManagerComponent } from '../traffic-manager/component.js';
import type { ComponentDefinition } from './component.js';
import type { ComponentName } from './profiles.js';

export const COMPONENTS: Record<ComponentName, ComponentDefinition> = {
  'key-manager': keyManagerComponent,
  publisher: publisherComponent,
  devportal: devportalComponent,
  analytics: analyticsComponent,
  'traffic-manager': trafficManagerComponent,
  gateway: gatewayComponent,
};
