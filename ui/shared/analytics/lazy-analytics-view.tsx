/**
 * The analytics view, loaded when first shown: its charts (recharts) are most of a portal's script, and most
 * visits never open them.
 */
import { lazy, type ComponentProps } from 'react';
import { LazyBoundary } from '../lazy-boundary';

const View = lazy(() => import('./analytics-view').then((m) => ({ default: m.AnalyticsView })));

export function AnalyticsView(props: ComponentProps<typeof View>) {
  return (
    <LazyBoundary label="Loading charts…">
      <View {...props} />
    </LazyBoundary>
  );
}
