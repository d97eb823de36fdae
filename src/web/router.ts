// History API routing: every view has its own URL (`/topics/NAME`, names URL-encoded), reload answers the same
// index.html from the server, and back/forward re-render from location.pathname.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'cluster' }
  | { view: 'brokers' }
  | { view: 'topics' }
  | { view: 'topic'; name: string }
  | { view: 'messages'; name: string }
  | { view: 'groups' }
  | { view: 'group'; name: string }
  | { view: 'notFound'; path: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '');
  const [first, second, third] = parts;
  const name = second === undefined ? null : decode(second);
  if (parts.length === 0) return { view: 'cluster' };
  if (first === 'brokers' && parts.length === 1) return { view: 'brokers' };
  if (first === 'topics' && parts.length === 1) return { view: 'topics' };
  if (first === 'topics' && name !== null && parts.length === 2) return { view: 'topic', name };
  if (first === 'topics' && name !== null && third === 'messages' && parts.length === 3) return { view: 'messages', name };
  if (first === 'groups' && parts.length === 1) return { view: 'groups' };
  if (first === 'groups' && name !== null && parts.length === 2) return { view: 'group', name };
  return { view: 'notFound', path: pathname };
}

export const topicPath = (name: string): string => `/topics/${encodeURIComponent(name)}`;
export const messagesPath = (name: string): string => `/topics/${encodeURIComponent(name)}/messages`;
export const groupPath = (name: string): string => `/groups/${encodeURIComponent(name)}`;

const listeners = new Set<() => void>();

export function navigate(href: string): void {
  if (href === location.pathname + location.search) return;
  history.pushState(null, '', href);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

export function useLocation(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = (): void => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** A click on a same-origin link (no modifier keys, no new tab) navigates in the page instead of reloading. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest('a');
  if (a === null || a === undefined || a.target !== '' || a.origin !== location.origin || a.hasAttribute('download')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
