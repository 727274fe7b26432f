/**
 * Around a part loaded on first use (charts, Markdown): a loader while it comes, and a message instead of a
 * blank portal if it cannot (the portal was upgraded since the page was opened, or the network dropped).
 */
import { Component, Suspense, type ReactNode } from 'react';
import { ErrorMessage, Loading } from './states';

class LoadError extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (this.state.failed)
      return (
        <ErrorMessage
          title="This part did not load"
          error="The portal may have been updated since this page was opened: reload the page."
        />
      );
    return this.props.children;
  }
}

export function LazyBoundary({ label, children }: { label?: string; children: ReactNode }) {
  return (
    <LoadError>
      <Suspense fallback={<Loading label={label} />}>{children}</Suspense>
    </LoadError>
  );
}
