import type { Chain, Framework } from './chain.ts';

/**
 * Builds one framework's chain. Each framework's module is imported only when asked for, so a measurement process
 * loads (and pays memory for) nothing but the framework it measures.
 */
export async function buildChain(framework: Framework, handoffs: number): Promise<Chain> {
  switch (framework) {
    case 'baton':
      return (await import('./baton.ts')).buildBatonChain(handoffs, { learn: true, events: true });
    case 'batonAudit':
      return (await import('./baton.ts')).buildBatonChain(handoffs, { learn: true, events: true, audit: true });
    case 'batonEval':
      return (await import('./baton.ts')).buildBatonChain(handoffs, { learn: false, events: false });
    case 'langgraph':
      return (await import('./langgraph.ts')).buildLangGraphChain(handoffs);
    case 'openaiAgents':
      return (await import('./openai-agents.ts')).buildOpenAiAgentsChain(handoffs, { filterHistory: true });
    case 'openaiAgentsFullHistory':
      return (await import('./openai-agents.ts')).buildOpenAiAgentsChain(handoffs, { filterHistory: false });
    case 'bareHop':
      return (await import('./bare-hop.ts')).buildBareHopChain(handoffs);
  }
}
