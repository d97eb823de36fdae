// mq-dashboard's page: a Preact app routed on location.pathname, reading only the JSON API under /api/.
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { render } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { getJson, setCsrfToken, type Session } from './api';
import { Failure, K } from './components';
import { LiveContext, SessionContext, useLiveSource } from './live';
import { onLinkClick, parseRoute, useLocation, type Route } from './router';
import { BrokersView, ClusterView } from './views/cluster';
import { GroupView } from './views/group';
import { GroupsView } from './views/groups';
import { MessagesView } from './views/messages';
import { TopicView } from './views/topic';
import { TopicsView } from './views/topics';

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'cluster': return <ClusterView />;
    case 'brokers': return <BrokersView />;
    case 'topics': return <TopicsView />;
    case 'topic': return <TopicView key={route.name} name={route.name} />;
    case 'messages': return <MessagesView key={route.name} name={route.name} />;
    case 'groups': return <GroupsView />;
    case 'group': return <GroupView key={route.name} name={route.name} />;
    case 'notFound': return <section><h1>Not found</h1><p>Nothing lives at <K s={route.path} />. <a href="/">Back to the cluster</a>.</p></section>;
  }
}

function Banner() {
  const live = useContext(LiveContext);
  if (!live.serverReachable) return <div class="banner" role="alert">The dashboard server does not answer. Retrying…</div>;
  if (!live.connected) return <div class="banner" role="alert">Lost the connection to the cluster: <K s={live.error} />. Retrying…</div>;
  return null;
}

const nav: [string, string, Route['view'][]][] = [
  ['/', 'Cluster', ['cluster']],
  ['/brokers', 'Brokers', ['brokers']],
  ['/topics', 'Topics', ['topics', 'topic', 'messages']],
  ['/groups', 'Groups', ['groups', 'group']],
];

function App() {
  const path = useLocation();
  const route = parseRoute(path);
  const live = useLiveSource();
  const [session, setSession] = useState<Session | null>(null);
  const [sessionError, setSessionError] = useState<Error | undefined>(undefined);
  useEffect(() => {
    getJson<Session>('/api/session').then((s) => {
      setCsrfToken(s.csrfToken);
      setSession(s);
    }, (e: unknown) => setSessionError(e instanceof Error ? e : new Error(String(e))));
  }, []);
  useEffect(() => {
    const title = route.view === 'topic' || route.view === 'messages' || route.view === 'group' ? `${route.name} · ` : '';
    document.title = `${title}mq-dashboard`;
  }, [path]);
  return (
    <SessionContext.Provider value={session}>
      <LiveContext.Provider value={live}>
        <div onClick={onLinkClick}>
          <a class="skip" href="#main">Skip to content</a>
          <header>
            <a class="brand" href="/">mq-dashboard</a>
            <nav aria-label="Views">
              {nav.map(([href, label, views]) => (
                <a key={href} href={href} aria-current={views.includes(route.view) ? 'page' : undefined}>{label}</a>
              ))}
            </nav>
            <span class="target muted">
              {session !== null && <><K s={session.target.bootstrap} />{session.readOnly && <span class="tag">read-only</span>}</>}
            </span>
          </header>
          <Banner />
          <Failure error={sessionError} />
          <main id="main" tabIndex={-1}><View route={route} /></main>
        </div>
      </LiveContext.Provider>
    </SessionContext.Provider>
  );
}

// A token in the URL (`?token=...`) has set the session cookie on this load; keep it out of bookmarks and history.
if (new URLSearchParams(location.search).has('token')) {
  const p = new URLSearchParams(location.search);
  p.delete('token');
  const q = p.toString();
  history.replaceState(null, '', location.pathname + (q === '' ? '' : `?${q}`) + location.hash);
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App />, root);
}
