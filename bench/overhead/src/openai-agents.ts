import { Agent, Runner, Usage, handoff, type Model, type ModelRequest, type ModelResponse, type StreamEvent } from '@openai/agents';
import { removeAllTools } from '@openai/agents-core/extensions';
import { ARTIFACT_TEXT, agentName, probe, type Chain } from './chain.ts';

/**
 * An instant Model for one agent: every call returns the handoff tool call to `next` (the SDK names it
 * `transfer_to_<agent>`), or for the last agent a final assistant message.
 */
class ScriptedHandoffModel implements Model {
  private calls = 0;

  constructor(private readonly next: string | undefined) {}

  async getResponse(_request: ModelRequest): Promise<ModelResponse> {
    probe.hop();
    const usage = new Usage();
    if (this.next) {
      return {
        usage,
        output: [
          {
            type: 'function_call',
            callId: `call_${this.next}_${this.calls++}`,
            name: `transfer_to_${this.next}`,
            arguments: '{}',
            status: 'completed',
          },
        ],
      };
    }
    return {
      usage,
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'submitted' }] }],
    };
  }

  // eslint-disable-next-line require-yield -- the bench never streams; a scripted model that is asked to must say so.
  async *getStreamedResponse(_request: ModelRequest): AsyncIterable<StreamEvent> {
    throw new Error('ScriptedHandoffModel does not stream');
  }
}

export interface OpenAiAgentsChainOptions {
  /**
   * Hand the next agent only the artifact (the SDK's `removeAllTools` input filter drops the handoff calls and their
   * outputs). Without it the runner carries the whole growing transcript and re-keys it every turn, so a handoff
   * costs O(N): at N = 1000 one run takes over a minute.
   */
  readonly filterHistory: boolean;
}

/**
 * The OpenAI Agents SDK's chain, as its handoff guide builds one: agent i is an `Agent` whose `handoffs` list holds
 * agent i+1; the runner runs the loop (model call, handoff tool call, switch agent) with tracing disabled.
 * The artifact is the conversation the runner carries along (its input items and generated items).
 */
export function buildOpenAiAgentsChain(handoffs: number, options: OpenAiAgentsChainOptions = { filterHistory: true }): Chain {
  let next: Agent | undefined;
  for (let i = handoffs; i >= 0; i--) {
    const agent: Agent = new Agent({
      name: agentName(i),
      instructions: `You are ${agentName(i)}. Improve the draft, then hand it on.`,
      model: new ScriptedHandoffModel(next?.name),
      handoffs: next ? [options.filterHistory ? handoff(next, { inputFilter: removeAllTools }) : next] : [],
    });
    next = agent;
  }
  const first = next as Agent;
  const runner = new Runner({ tracingDisabled: true });
  // The path is read from the runner's own handoff hook (the filter removes handoff items from the result).
  let path: string[] = [];
  runner.on('agent_handoff', (_context, _from, to) => void path.push(to.name));
  // Every handoff is one turn; the default limit is 10.
  const maxTurns = handoffs + 5;
  return {
    async run() {
      path = [agentName(0)];
      const result = await runner.run(first, ARTIFACT_TEXT, { maxTurns });
      if (result.lastAgent?.name !== path.at(-1))
        throw new Error(`run ended with ${String(result.lastAgent?.name)}, not ${String(path.at(-1))}`);
      return { path, handoffs: path.length - 1 };
    },
  };
}
