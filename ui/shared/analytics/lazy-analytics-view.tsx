/**
 * The analytics view, loaded when first shown: its charts (recharts) are most of a portal's script, and most
 * visits never open them.
 */
import { lazy, Suspense, type ComponentProps } from 'react';
import { Loading } from '../states';

const View = lazy(() => import('./analytics-view').then((m) => ({ default: m.AnalyticsView })));

export function AnalyticsView(props: ComponentProps<typeof View>) {
  return (
    <Suspense fallback={<Loading label="Loading charts…" />}>
      <View {...props} />
    </Suspense>
  );
}
