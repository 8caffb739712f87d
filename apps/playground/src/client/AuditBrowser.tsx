import { useEffect, useState } from 'react';
import { api, type AuditLogInfo, type AuditPageRecord, type AuditSummary, type AuditVerdict, type CostLine } from './api.ts';

type RecordEvent = NonNullable<AuditPageRecord['event']>;

function CostTable({
  title,
  rows,
}: {
  title: string;
  rows: Readonly<Record<string, CostLine & { readonly count?: number; readonly models?: readonly string[] }>>;
}) {
  const entries = Object.entries(rows);
  const edges = title === 'edge';
  return (
    <table className="costs">
      <thead>
        <tr>
          <th>{title}</th>
          {edges && <th>taken</th>}
          <th>work</th>
          <th>tokens in/out</th>
          <th>$</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={edges ? 5 : 4} className="hint">
              none
            </td>
          </tr>
        )}
        {entries.map(([k, r]) => (
          <tr key={k}>
            <td>
              {k}
              {r.models && r.models.length > 0 && <span className="hint"> {r.models.join(', ')}</span>}
            </td>
            {edges && <td>{r.count ?? 0}</td>}
            <td>{r.work}</td>
            <td>
              {r.inputTokens.toLocaleString()} / {r.outputTokens.toLocaleString()}
            </td>
            <td>{r.dollars.toFixed(4)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One line of text per event; every field it reads was checked on the server (@baton/audit auditEventSchema), so it cannot throw. */
function describe(e: RecordEvent): string {
  switch (e.type) {
    case 'handoff':
      return `${e.from} → ${e.to}`;
    case 'decision':
      return `${e.agent}: ${e.action}${e.explored ? ' (explored)' : ''}`;
    case 'work-end':
      return `${e.agent} worked ${e.duration}`;
    case 'episode-end':
      return `return ${e.return.toFixed(3)}`;
    case 'scalar-return':
      return `${e.to} → ${e.from}: ${e.scalar.toFixed(3)}`;
    case 'submit':
    case 'work-start':
      return e.agent;
    case 'error':
      return `${e.code}: ${e.message}`;
    case 'episode-start':
      return e.entry;
  }
}

function Badge({ verdict: v }: { verdict: AuditVerdict }) {
  if (v.ok) {
    const what = v.live ? 'verified so far (run still writing)' : 'verified';
    return (
      <span className="badge verified" data-testid="audit-badge">
        {what} · {v.records} records{v.signed ? ' · signed' : ''}
      </span>
    );
  }
  if (v.firstBad) {
    return (
      <span className="badge tampered" data-testid="audit-badge">
        tampered at record {v.firstBad.line}: {v.firstBad.reason}
      </span>
    );
  }
  return (
    <span className="badge tampered" data-testid="audit-badge">
      torn tail after {v.records} verified records (the writer crashed mid-line)
    </span>
  );
}

/** Lists audit logs; opening one verifies its hash chain and sums costs per agent and per edge. */
export function AuditBrowser({ refresh, current }: { refresh: number; current: string | null }) {
  const [logs, setLogs] = useState<readonly AuditLogInfo[]>([]);
  const [open, setOpen] = useState<AuditSummary | null>(null);
  const [records, setRecords] = useState<readonly AuditPageRecord[]>([]);
  const [error, setError] = useState<string | null>(null);

  const show = async (name: string) => {
    try {
      setError(null);
      const summary = await api.audit(name);
      // Page around the first bad record, so it is in view.
      const bad = summary.verdict.firstBad?.line;
      const page = await api.auditRecords(name, bad !== undefined ? Math.max(0, bad - 20) : 0, 40);
      setOpen(summary);
      setRecords(page.records);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    api.auditLogs().then(
      (l) => {
        setLogs(l);
        if (current && refresh > 0 && l.some((x) => x.name === current)) void show(current);
      },
      (e: unknown) => setError((e as Error).message),
    );
  }, [refresh, current]);

  return (
    <div className="audit-browser">
      <div className="log-list">
        <button type="button" onClick={() => void api.auditLogs().then(setLogs, (e: unknown) => setError((e as Error).message))}>
          Refresh
        </button>
        {logs.length === 0 && <div className="hint">no logs yet: training runs write one</div>}
        {logs.map((l) => (
          <button type="button" key={l.name} className={`log ${open?.name === l.name ? 'selected' : ''}`} onClick={() => void show(l.name)}>
            {l.name} <span className="hint">{(l.bytes / 1024).toFixed(0)} KB</span>
          </button>
        ))}
      </div>
      {error && <div className="error">{error}</div>}
      {open && (
        <div className="log-detail">
          <div className="log-title">
            {open.name} <Badge verdict={open.verdict} />
          </div>
          {!open.verdict.ok && <div className="hint unavailable">costs below are read from a log that did not verify</div>}
          {open.costs.excluded > 0 && (
            <div className="hint unavailable" data-testid="costs-excluded">
              {open.costs.excluded} record{open.costs.excluded === 1 ? '' : 's'} left out of the costs: not a record, or not a valid event
            </div>
          )}
          <div className="cost-tables">
            <CostTable title="agent" rows={open.costs.agents} />
            <CostTable title="edge" rows={open.costs.edges} />
          </div>
          <div className="records">
            <table>
              <tbody>
                {records.map((r) => (
                  <tr
                    key={r.line}
                    className={r.line === open.verdict.firstBad?.line || r.kind === 'invalid' || r.kind === 'unreadable' ? 'bad' : ''}
                    data-line={r.line}
                    data-kind={r.kind}
                  >
                    <td>{r.line}</td>
                    <td>{r.event?.type ?? r.kind}</td>
                    <td className="mono">
                      {r.event ? describe(r.event) : r.problem !== undefined ? `${r.problem} · ${r.text ?? ''}` : (r.text ?? '')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
