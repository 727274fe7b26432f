/** The Developer Portal: the catalogue, API pages with their console, applications with keys and analytics. */
import { Anchor, Text } from '@mantine/core';
import { Link, Route, Switch } from 'wouter';
import { RequireSignIn, startPortal } from '../shared/PortalApp';
import { Empty } from '../shared/states';
import { CredentialsProvider } from './lib/credentials';
import { DEVELOPER_SCOPES } from './lib/paths';
import { ApiPage } from './pages/api-page';
import { ApplicationPage } from './pages/application';
import { ApplicationsPage } from './pages/applications';
import { CataloguePage } from './pages/catalogue';
import { SignUpPage } from './pages/sign-up';

startPortal({
  title: 'Developer Portal',
  scopes: DEVELOPER_SCOPES,
  nav: [
    { label: 'APIs', href: '/' },
    { label: 'Applications', href: '/applications', scope: 'apim:app_manage' },
  ],
  welcome: (
    <Text size="sm">
      Sign in to create applications, subscribe to APIs and get keys. New here?{' '}
      <Anchor component={Link} href="/sign-up">
        Create an account
      </Anchor>
    </Text>
  ),
  routes: (
    <CredentialsProvider>
      <Switch>
        <Route path="/">
          <CataloguePage />
        </Route>
        <Route path="/sign-up">
          <SignUpPage />
        </Route>
        <Route path="/apis/:apiId">
          <ApiPage />
        </Route>
        <Route path="/applications">
          <RequireSignIn>
            <ApplicationsPage />
          </RequireSignIn>
        </Route>
        <Route path="/applications/:applicationId">
          <RequireSignIn>
            <ApplicationPage />
          </RequireSignIn>
        </Route>
        <Route>
          <Empty title="Page not found">
            <Anchor component={Link} href="/">
              Back to the APIs
            </Anchor>
          </Empty>
        </Route>
      </Switch>
    </CredentialsProvider>
  ),
});
