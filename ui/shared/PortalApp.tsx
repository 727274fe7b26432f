/**
 * The frame of every portal: Mantine, the sign-in gate (a return from the Key Manager is completed first),
 * a header with the user's menu, a navigation that folds into a burger on narrow screens, and the routes.
 */
import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/dropzone/styles.css';
import '@mantine/notifications/styles.css';
import {
  AppShell,
  Burger,
  Button,
  Center,
  Group,
  MantineProvider,
  Menu,
  NavLink,
  Paper,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import { StrictMode, createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { Link, Router, useLocation } from 'wouter';
import { createApi } from './api';
import { Session } from './auth';
import { PortalContext, usePortal, useUser } from './portal-context';
import { loadSettings, type PortalSettings } from './settings';
import { ErrorMessage, Loading } from './states';

export interface NavItem {
  label: string;
  href: string;
  /** Shown only to users granted this scope. */
  scope?: string;
}

export interface PortalDefinition {
  title: string;
  /** Asked of the Key Manager at sign-in; it grants those the user's roles allow. */
  scopes: readonly string[];
  nav: readonly NavItem[];
  /** A wouter <Switch>; pages that need a user wrap themselves in <RequireSignIn>. */
  routes: ReactNode;
  /** What a signed-out visitor sees above the sign-in button. */
  welcome?: ReactNode;
}

const DefinitionContext = createContext<PortalDefinition | undefined>(undefined);

/** Shows its children to a signed-in user, and a sign-in prompt to anyone else. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const user = useUser();
  const definition = useContext(DefinitionContext);
  if (user) return <>{children}</>;
  return definition ? <SignedOut definition={definition} /> : null;
}

function Header({
  definition,
  opened,
  toggle,
}: {
  definition: PortalDefinition;
  opened: boolean;
  toggle: () => void;
}) {
  const { session } = usePortal();
  const user = useUser();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="sm" wrap="nowrap" miw={0}>
        <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
        <Title order={1} size="h4" style={{ whiteSpace: 'nowrap' }}>
          <Text span inherit visibleFrom="sm">
            Portcullis ·{' '}
          </Text>
          {definition.title}
        </Title>
      </Group>
      {user ? (
        <Menu position="bottom-end">
          <Menu.Target>
            <UnstyledButton aria-label={`Account of ${user.username}`}>
              <Text size="sm" fw={500} truncate maw={{ base: 110, sm: 240 }}>
                {user.username}
              </Text>
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => void session.signOut()}>Sign out</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      ) : (
        <Button size="xs" style={{ flexShrink: 0 }} onClick={() => void session.signIn()}>
          Sign in
        </Button>
      )}
    </Group>
  );
}

function Navigation({ items, onNavigate }: { items: readonly NavItem[]; onNavigate: () => void }) {
  const [location] = useLocation();
  const user = useUser();
  return (
    <nav aria-label="Main">
      {items
        .filter((item) => !item.scope || user?.scopes.has(item.scope))
        .map((item) => (
          <NavLink
            key={item.href}
            component={Link}
            href={item.href}
            label={item.label}
            active={item.href === '/' ? location === '/' : location.startsWith(item.href)}
            onClick={onNavigate}
          />
        ))}
    </nav>
  );
}

function SignedOut({ definition }: { definition: PortalDefinition }) {
  const { session } = usePortal();
  return (
    <Center py={64}>
      <Paper withBorder p="xl" maw={480} w="100%">
        <Stack>
          <Title order={2}>Welcome to the {definition.title}</Title>
          {definition.welcome}
          <Button onClick={() => void session.signIn()}>Sign in</Button>
        </Stack>
      </Paper>
    </Center>
  );
}

function Shell({ definition }: { definition: PortalDefinition }) {
  const [opened, { toggle, close }] = useDisclosure();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Header definition={definition} opened={opened} toggle={toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Navigation items={definition.nav} onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main>{definition.routes}</AppShell.Main>
    </AppShell>
  );
}

function Start({ definition }: { definition: PortalDefinition }) {
  const [settings, setSettings] = useState<PortalSettings>();
  const [error, setError] = useState<string>();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    loadSettings().then(setSettings, (err: unknown) => setError(String(err)));
  }, []);
  const portal = useMemo(() => {
    if (!settings) return undefined;
    const session = new Session(settings, definition.scopes);
    return { session, api: createApi(session), settings };
  }, [settings, definition.scopes]);
  useEffect(() => {
    if (!portal) return;
    portal.session
      .completeSignIn()
      .then(async (returned) => !returned && (await portal.session.trySilentSignIn()))
      .then((leaving) => !leaving && setReady(true))
      .catch((err: unknown) => {
        setError(err instanceof Error ? err.message : String(err));
        setReady(true);
      });
  }, [portal]);
  if (!portal || !ready)
    return error ? <ErrorMessage title="Sign-in failed" error={error} /> : <Loading label="Starting…" />;
  return (
    <PortalContext.Provider value={portal}>
      {error && <ErrorMessage title="Sign-in failed" error={error} />}
      <DefinitionContext.Provider value={definition}>
        <Shell definition={definition} />
      </DefinitionContext.Provider>
    </PortalContext.Provider>
  );
}

/** Mounts a portal on #root. */
export function startPortal(definition: PortalDefinition): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <MantineProvider>
        <Notifications />
        <Router base={import.meta.env.BASE_URL.replace(/\/$/, '')}>
          <Start definition={definition} />
        </Router>
      </MantineProvider>
    </StrictMode>,
  );
}
