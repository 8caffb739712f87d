import { describe, expect, it } from 'vitest';
import { createCoreAudit, createPlaygroundApp, defaultWorkflows, mathPlaygroundWorkflow } from '@baton/playground';

describe('the GSM8K workflow in the playground', () => {
  it('is listed', () => {
    expect(defaultWorkflows.map((w) => w.info.id)).toContain('gsm8k-cascade');
  });

  it('without its data it is listed as unavailable with the reason, and a run is refused', async () => {
    const wf = mathPlaygroundWorkflow({ dataDir: '/nonexistent/routellm-gsm8k' });
    expect(wf.info.unavailable).toMatch(/\/nonexistent\/routellm-gsm8k has no gsm8k_responses\.csv/);
    const { app } = createPlaygroundApp({ workflows: [wf], audit: createCoreAudit(), auditDir: '/nonexistent', clientDir: '/nonexistent' });
    const listed = (await (await app.request('/api/workflows')).json()) as { id: string; unavailable?: string }[];
    expect(listed[0]?.unavailable).toMatch(/not found/);
    const res = await app.request('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ workflow: 'gsm8k-cascade' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/unavailable/);
    await expect(wf.open({})).rejects.toThrow(/not found/);
  });
});
