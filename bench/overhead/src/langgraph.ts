import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createHandoffTool, createSwarm } from '@langchain/langgraph-swarm';
import { ARTIFACT_TEXT, agentName, probe, type Chain } from './chain.ts';

/**
 * An instant chat model for one agent: it answers every call with the tool call that hands to `next` (or, for the
 * last agent, with a final text answer). Tool binding is accepted and ignored, as a scripted model should.
 */
class ScriptedHandoffChatModel extends BaseChatModel {
  private calls = 0;

  constructor(private readonly next: string | undefined) {
    super({});
  }

  _llmType(): string {
    return 'scripted-handoff';
  }

  override bindTools(): this {
    return this;
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    probe.hop();
    const message = this.next
      ? new AIMessage({
          content: '',
          tool_calls: [{ name: `transfer_to_${this.next}`, args: {}, id: `call_${this.next}_${this.calls++}`, type: 'tool_call' }],
        })
      : new AIMessage({ content: 'submitted' });
    return { generations: [{ message, text: '' }] };
  }
}

/**
 * LangGraph.js's chain, the way the langgraph-swarm README builds a handoff system: one prebuilt ReAct agent per
 * agent, each holding a `createHandoffTool` to its successor; the tool returns
 * `Command({ goto, graph: Command.PARENT, update: { messages, activeAgent } })` and the swarm graph routes there.
 * The artifact is the conversation the agents pass along (LangGraph's message state).
 */
export function buildLangGraphChain(handoffs: number): Chain {
  const agents = Array.from({ length: handoffs + 1 }, (_, i) => {
    const next = i < handoffs ? agentName(i + 1) : undefined;
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the langgraph-swarm README's way; its successor lives in another package
    return createReactAgent({
      name: agentName(i),
      llm: new ScriptedHandoffChatModel(next),
      tools: next ? [createHandoffTool({ agentName: next })] : [],
      prompt: `You are ${agentName(i)}. Improve the draft, then hand it on.`,
    });
  });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- langgraph's agent type carries an any that its swarm's does not
  const app = createSwarm({ agents, defaultActiveAgent: agentName(0) }).compile();
  // Each handoff is a few supersteps (agent node, tools node, parent routing); the default limit is 25.
  const recursionLimit = 4 * handoffs + 25;
  return {
    async run() {
      const state = await app.invoke({ messages: [new HumanMessage(ARTIFACT_TEXT)] }, { recursionLimit });
      const path = [agentName(0)];
      for (const message of state.messages) {
        if (ToolMessage.isInstance(message) && message.name?.startsWith('transfer_to_'))
          path.push(message.name.slice('transfer_to_'.length));
      }
      return { path, handoffs: path.length - 1 };
    },
  };
}
