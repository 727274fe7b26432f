/** This API's request analytics, with the applications that call it most. */
import { AnalyticsView } from '../../../shared/analytics/lazy-analytics-view';
import { apiPath } from '../../rest';
import type { ApiTabProps } from './tab-props';

export function AnalyticsTab({ api }: ApiTabProps) {
  return <AnalyticsView path={`${apiPath(api.id ?? '')}/analytics`} tops={['applications']} />;
}
