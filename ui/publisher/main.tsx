/** The Publisher portal: APIs (create, import, edit, lifecycle, deploy, documents, subscriptions) and analytics. */
import { Route, Switch } from 'wouter';
import { RequireSignIn, startPortal } from '../shared/PortalApp';
import { Empty } from '../shared/states';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { ApiListPage } from './pages/ApiListPage';
import { ApiPage } from './pages/ApiPage';
import { CreateApiPage } from './pages/CreateApiPage';
import { ImportApiPage } from './pages/ImportApiPage';
import { PUBLISHER_SCOPES } from './rest';

startPortal({
  title: 'Publisher',
  scopes: PUBLISHER_SCOPES,
  nav: [
    { label: 'APIs', href: '/' },
    { label: 'Analytics', href: '/analytics', scope: 'apim:api_view' },
  ],
  welcome: 'Design, publish and manage APIs: sign in with an account that may create or publish APIs.',
  routes: (
    <RequireSignIn>
      <Switch>
        <Route path="/" component={ApiListPage} />
        <Route path="/apis/new" component={CreateApiPage} />
        <Route path="/apis/import" component={ImportApiPage} />
        <Route path="/apis/:apiId/:tab?">
          {(params) => <ApiPage apiId={params.apiId} tab={params.tab} />}
        </Route>
        <Route path="/analytics" component={AnalyticsPage} />
        <Route>
          <Empty title="Page not found">There is nothing at this address in the Publisher.</Empty>
        </Route>
      </Switch>
    </RequireSignIn>
  ),
});
