import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Curves, type EpisodeMessage, type RunMessage, type RunStatus, type WorkflowInfo } from './api.ts';
import { AuditBrowser } from './AuditBrowser.tsx';
import { BatonView } from './BatonView.tsx';
import { PanelBoundary } from './Boundary.tsx';
import { ExtraCurves, LearningCurves } from './LearningCurves.tsx';
import { RouteBench } from './RouteView.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { EMPTY_TALLY, tally, type Tally } from './tally.ts';

/** The page's views, by the address's hash: training (the default) or the route bench's curves (`#route`). */
type View = 'train' | 'route';
const viewOf = (hash: string): View => (hash === '#route' ? 'route' : 'train');

export function App() {
  const [view, setView] = useState<View>(() => viewOf(window.location.hash));
  const [workflows, setWorkflows] = useState<readonly WorkflowInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<RunStatus | null>(null);
  const [curves, setCurves] = useState<Curves>({});
  const [episode, setEpisode] = useState<EpisodeMessage | null>(null);
  const [seen, setSeen] = useState<Tally>(EMPTY_TALLY);
  const [auditTick, setAuditTick] = useState(0);
  const source = useRef<EventSource | null>(null);

  useEffect(() => {
    api.workflows().then(setWorkflows, (e: unknown) => setError((e as Error).message));
    const onHash = () => setView(viewOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => {
      source.current?.close();
      window.removeEventListener('hashchange', onHash);
    };
  }, []);

  const follow = useCallback((run: RunStatus) => {
    source.current?.close();
    setStatus(run);
    setCurves({});
    setEpisode(null);
    setSeen(EMPTY_TALLY);
    const es = api.events(run.id);
    source.current = es;
    // Every message's data is one RunMessage (the server's union), named by its type as the SSE event.
    const onMessage = (e: Event) => {
      const m = JSON.parse((e as MessageEvent<string>).data) as RunMessage;
      switch (m.type) {
        case 'status':
          setStatus(m.status);
          if (m.status.state === 'done' || m.status.state === 'stopped' || m.status.state === 'failed') {
            es.close();
            setAuditTick((t) => t + 1);
          }
          break;
        case 'curves':
          setCurves(m.curves);
          break;
        case 'episode':
          setEpisode(m);
          setSeen((t) => tally(t, m));
          break;
      }
    };
    for (const type of ['status', 'curves', 'episode'] satisfies RunMessage['type'][]) es.addEventListener(type, onMessage);
  }, []);

  const workflow = workflows.find((w) => w.id === status?.settings.workflow) ?? workflows[0];

  return (
    <div className="page">
      <header>
        <h1>Baton playground</h1>
        <span className="sub">learned handoffs (IC-Q): train, watch the baton, compare, audit</span>
        <nav>
          <a href="#" aria-current={view === 'train' ? 'page' : undefined}>
            Train
          </a>
          <a href="#route" aria-current={view === 'route' ? 'page' : undefined}>
            Route
          </a>
        </nav>
      </header>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {view === 'route' && (
        <section className="card route-card">
          <h2>
            Route: accuracy against cost <span className="hint">one prompt routed across N models (baton bench route)</span>
          </h2>
          <PanelBoundary name="route">
            <RouteBench />
          </PanelBoundary>
        </section>
      )}
      <div className="grid" hidden={view !== 'train'}>
        <section className="card settings">
          {workflows.length > 0 && (
            <SettingsPanel
              workflows={workflows}
              status={status}
              onStart={(settings) =>
                void (async () => {
                  try {
                    setError(null);
                    follow(await api.start(settings));
                  } catch (e) {
                    setError((e as Error).message);
                  }
                })()
              }
              onControl={(action) =>
                void (async () => {
                  if (!status) return;
                  try {
                    setStatus(await api.control(status.id, action));
                  } catch (e) {
                    setError((e as Error).message);
                  }
                })()
              }
            />
          )}
        </section>
        <section className="card live">
          <h2>Live handoffs</h2>
          <PanelBoundary name="live">
            {workflow && <BatonView agents={status?.agents ?? workflow.agents} episode={episode} seen={seen} />}
          </PanelBoundary>
        </section>
        <section className="card curves">
          <h2>
            Learning curves{' '}
            <span className="hint">
              {workflow?.scoreLabel ?? 'normalized return'}: random = 0, optimum = 1; bands are 95% CIs across seeds
            </span>
          </h2>
          <PanelBoundary name="curves">
            <LearningCurves curves={curves} />
            <ExtraCurves curves={curves} />
          </PanelBoundary>
        </section>
        <section className="card audit">
          <h2>Audit logs</h2>
          <PanelBoundary name="audit">
            <AuditBrowser refresh={auditTick} current={status?.auditLog ?? null} />
          </PanelBoundary>
        </section>
      </div>
    </div>
  );
}
