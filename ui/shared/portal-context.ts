/** What every page of a portal reaches through React context: the session, the API caller, the settings. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Api } from './api';
import type { Session, SignedIn } from './auth';
import type { PortalSettings } from './settings';

export interface Portal {
  session: Session;
  api: Api;
  settings: PortalSettings;
}

export const PortalContext = createContext<Portal | undefined>(undefined);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside a PortalApp');
  return portal;
}

export function useApi(): Api {
  return usePortal().api;
}

/** The signed-in user, re-rendering on sign-in and sign-out. */
export function useUser(): SignedIn | undefined {
  const { session } = usePortal();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.user,
  );
}
