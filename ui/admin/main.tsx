/** The Admin portal: throttling and deny policies, gateway environments, users and roles. */
import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Route, Switch } from 'wouter';
import { RequireSignIn, startPortal } from '../shared/PortalApp';
import { Empty } from '../shared/states';
import { AdvancedPoliciesPage } from './pages/advanced-policies';
import { AdvancedPolicyPage } from './pages/advanced-policy';
import { ApplicationPoliciesPage } from './pages/application-policies';
import { ApplicationPolicyPage } from './pages/application-policy';
import { DenyPoliciesPage } from './pages/deny-policies';
import { EnvironmentsPage } from './pages/environments';
import { OverviewPage } from './pages/overview';
import { SubscriptionPoliciesPage } from './pages/subscription-policies';
import { SubscriptionPolicyPage } from './pages/subscription-policy';
import { UsersPage } from './pages/users';

const signedIn = (page: ReactNode) => <RequireSignIn>{page}</RequireSignIn>;

startPortal({
  title: 'Admin',
  // Policies (policy-routes.ts, deny-policy-routes.ts), environments (environment-routes.ts) and the Key
  // Manager's users (users-routes.ts: apim:admin).
  scopes: ['apim:admin', 'apim:tier_view', 'apim:tier_manage', 'apim:bl_view', 'apim:bl_manage'],
  nav: [
    { label: 'Overview', href: '/' },
    { label: 'Subscription policies', href: '/policies/subscription', scope: 'apim:tier_view' },
    { label: 'Application policies', href: '/policies/application', scope: 'apim:tier_view' },
    { label: 'Advanced policies', href: '/policies/advanced', scope: 'apim:tier_view' },
    { label: 'Deny policies', href: '/deny-policies', scope: 'apim:bl_view' },
    { label: 'Gateway environments', href: '/environments', scope: 'apim:admin' },
    { label: 'Users', href: '/users', scope: 'apim:admin' },
  ],
  welcome: (
    <Text size="sm" c="dimmed">
      Throttling and deny policies, gateway environments, users and roles. Sign in as an administrator.
    </Text>
  ),
  routes: (
    <Switch>
      <Route path="/">{signedIn(<OverviewPage />)}</Route>
      <Route path="/policies/subscription">{signedIn(<SubscriptionPoliciesPage />)}</Route>
      <Route path="/policies/subscription/new">{signedIn(<SubscriptionPolicyPage />)}</Route>
      <Route path="/policies/subscription/:policyId">
        {(params) => signedIn(<SubscriptionPolicyPage policyId={params.policyId} />)}
      </Route>
      <Route path="/policies/application">{signedIn(<ApplicationPoliciesPage />)}</Route>
      <Route path="/policies/application/new">{signedIn(<ApplicationPolicyPage />)}</Route>
      <Route path="/policies/application/:policyId">
        {(params) => signedIn(<ApplicationPolicyPage policyId={params.policyId} />)}
      </Route>
      <Route path="/policies/advanced">{signedIn(<AdvancedPoliciesPage />)}</Route>
      <Route path="/policies/advanced/new">{signedIn(<AdvancedPolicyPage />)}</Route>
      <Route path="/policies/advanced/:policyId">
        {(params) => signedIn(<AdvancedPolicyPage policyId={params.policyId} />)}
      </Route>
      <Route path="/deny-policies">{signedIn(<DenyPoliciesPage />)}</Route>
      <Route path="/environments">{signedIn(<EnvironmentsPage />)}</Route>
      <Route path="/users">{signedIn(<UsersPage />)}</Route>
      <Route>
        <Empty title="No such page">Pick a section from the navigation.</Empty>
      </Route>
    </Switch>
  ),
});
