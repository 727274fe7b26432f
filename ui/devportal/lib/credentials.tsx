/**
 * Secrets and tokens this tab has seen, in memory only: the server keeps an application's consumer secret as
 * a hash and shows it once, so the API console can get a token without the developer pasting the secret they
 * were just shown. Forgotten on reload and on sign-out.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useUser } from '../../shared/portal-context';

export interface Credentials {
  /** The consumer secret of these keys (by consumer key), if this tab has seen it. */
  secretOf(consumerKey: string): string | undefined;
  rememberSecret(consumerKey: string, secret: string): void;
  /** The last access token generated for these keys in this tab. */
  tokenOf(consumerKey: string): string | undefined;
  rememberToken(consumerKey: string, token: string | undefined): void;
}

const CredentialsContext = createContext<Credentials | undefined>(undefined);

function Store({ children }: { children: ReactNode }) {
  const [secrets] = useState(() => new Map<string, string>());
  const [tokens] = useState(() => new Map<string, string>());
  // A new value on every change, so that pages showing what is remembered re-render.
  const [version, setVersion] = useState(0);
  const credentials = useMemo<Credentials>(
    () => ({
      secretOf: (key) => secrets.get(key),
      rememberSecret: (key, secret) => {
        secrets.set(key, secret);
        setVersion((v) => v + 1);
      },
      tokenOf: (key) => tokens.get(key),
      rememberToken: (key, token) => {
        if (token) tokens.set(key, token);
        else tokens.delete(key);
        setVersion((v) => v + 1);
      },
    }),
    [secrets, tokens, version],
  );
  return <CredentialsContext.Provider value={credentials}>{children}</CredentialsContext.Provider>;
}

/** One store per signed-in user: signing out (or in as someone else) starts an empty one. */
export function CredentialsProvider({ children }: { children: ReactNode }) {
  const user = useUser();
  return <Store key={user?.username ?? ''}>{children}</Store>;
}

export function useCredentials(): Credentials {
  const credentials = useContext(CredentialsContext);
  if (!credentials) throw new Error('useCredentials outside a CredentialsProvider');
  return credentials;
}
