import { useState } from 'react';
import type { RunStatus, TrainSettings, WorkflowInfo } from './api.ts';

interface Props {
  workflows: readonly WorkflowInfo[];
  status: RunStatus | null;
  onStart: (settings: TrainSettings) => void;
  onControl: (action: 'pause' | 'resume' | 'stop') => void;
}

const defaultsOf = (w: WorkflowInfo) => Object.fromEntries(w.knobs.map((k) => [k.key, k.default]));

export function SettingsPanel({ workflows, status, onStart, onControl }: Props) {
  const [workflowId, setWorkflowId] = useState((workflows.find((w) => w.unavailable === undefined) ?? (workflows[0] as WorkflowInfo)).id);
  const workflow = workflows.find((w) => w.id === workflowId) as WorkflowInfo;
  const [knobs, setKnobs] = useState<Record<string, number>>(defaultsOf(workflow));
  const [methods, setMethods] = useState<string[]>([...workflow.defaultMethods]);
  const [episodes, setEpisodes] = useState(2000);
  const [seeds, setSeeds] = useState(3);
  const [checkpointEvery, setCheckpointEvery] = useState(100);
  const [sampleIntervalMs, setSampleIntervalMs] = useState(400);
  const active = status !== null && (status.state === 'running' || status.state === 'paused' || status.state === 'preparing');

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onStart({ workflow: workflowId, knobs, methods, episodes, seeds, checkpointEvery, sampleIntervalMs });
      }}
    >
      <h2>Workflow</h2>
      <select
        aria-label="workflow"
        value={workflowId}
        onChange={(e) => {
          const w = workflows.find((x) => x.id === e.target.value) as WorkflowInfo;
          setWorkflowId(w.id);
          setKnobs(defaultsOf(w));
          setMethods([...w.defaultMethods]);
        }}
      >
        {workflows.map((w) => (
          <option key={w.id} value={w.id} disabled={w.unavailable !== undefined}>
            {w.title}
            {w.unavailable !== undefined ? ' (unavailable)' : ''}
          </option>
        ))}
      </select>
      <p className="hint">{workflow.description}</p>
      {workflows
        .filter((w) => w.unavailable !== undefined)
        .map((w) => (
          <p key={w.id} className="hint unavailable" data-testid={`unavailable-${w.id}`}>
            {w.title}: unavailable ({w.unavailable})
          </p>
        ))}
      {workflow.knobs.map((k) => (
        <label key={k.key} className="knob" title={k.help}>
          <span>
            {k.label} <b>{(knobs[k.key] ?? k.default).toFixed(k.step >= 1 ? 0 : 2)}</b>
          </span>
          <input
            type="range"
            min={k.min}
            max={k.max}
            step={k.step}
            value={knobs[k.key] ?? k.default}
            onChange={(e) => setKnobs({ ...knobs, [k.key]: Number(e.target.value) })}
          />
        </label>
      ))}
      <h3>Methods</h3>
      <div className="methods">
        {workflow.methods.map((m) => (
          <label key={m}>
            <input
              type="checkbox"
              checked={methods.includes(m)}
              onChange={(e) => setMethods(e.target.checked ? [...methods, m] : methods.filter((x) => x !== m))}
            />
            {m}
          </label>
        ))}
      </div>
      <div className="numbers">
        <label>
          episodes <input name="episodes" type="number" min={1} value={episodes} onChange={(e) => setEpisodes(Number(e.target.value))} />
        </label>
        <label>
          seeds <input name="seeds" type="number" min={1} max={20} value={seeds} onChange={(e) => setSeeds(Number(e.target.value))} />
        </label>
        <label>
          checkpoint every{' '}
          <input
            name="checkpointEvery"
            type="number"
            min={10}
            value={checkpointEvery}
            onChange={(e) => setCheckpointEvery(Number(e.target.value))}
          />
        </label>
        <label>
          stream every (ms){' '}
          <input
            name="sampleIntervalMs"
            type="number"
            min={50}
            value={sampleIntervalMs}
            onChange={(e) => setSampleIntervalMs(Number(e.target.value))}
          />
        </label>
      </div>
      <div className="buttons">
        <button type="submit" disabled={methods.length === 0 || workflow.unavailable !== undefined}>
          {active ? 'Restart' : 'Start training'}
        </button>
        {status?.state === 'paused' ? (
          <button type="button" onClick={() => onControl('resume')}>
            Resume
          </button>
        ) : (
          <button type="button" disabled={status?.state !== 'running'} onClick={() => onControl('pause')}>
            Pause
          </button>
        )}
        <button type="button" disabled={!active} onClick={() => onControl('stop')}>
          Stop
        </button>
      </div>
      {status && (
        <div className="status" data-state={status.state}>
          <div>
            <span className={`pill ${status.state}`}>{status.state}</span>{' '}
            {status.method ? `${status.method}, seed ${String(status.seed)}` : ''}
          </div>
          <progress max={status.episodesTotal} value={status.episodesDone} />
          <div className="hint">
            {status.episodesDone.toLocaleString()} / {status.episodesTotal.toLocaleString()} episodes
          </div>
          {status.error && <div className="error">{status.error}</div>}
        </div>
      )}
    </form>
  );
}
