import type { z } from 'zod';
import { ModelBehaviorError } from './errors.ts';
import type { ChatMessage, GenerateOptions, GenerateResult, ModelAdapter } from './model.ts';

export interface StructuredResult<T> {
  readonly value: T;
  /** Every call made, the first and the repairs, so usage and dollars can be summed. */
  readonly calls: readonly GenerateResult[];
}

/** The first JSON object in a model's text: fenced ```json blocks first, else the outermost braces. */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = fenced?.[1] ?? text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  return JSON.parse(candidate.trim() || text);
}

/**
 * Asks `model` for output matching `schema`. A malformed answer is sent back with the parse or zod error, at most
 * `maxRepairs` times; then a ModelBehaviorError carrying the last output. Never returns a default value.
 */
export async function generateStructured<T>(
  model: ModelAdapter,
  messages: readonly ChatMessage[],
  schema: z.ZodType<T>,
  options: GenerateOptions & { maxRepairs?: number } = {},
): Promise<StructuredResult<T>> {
  const { maxRepairs = 2, ...generateOptions } = options;
  const calls: GenerateResult[] = [];
  let conversation = [...messages];
  let lastError = '';
  for (let attempt = 0; attempt <= maxRepairs; attempt++) {
    const result = await model.generate(conversation, { json: true, ...generateOptions });
    calls.push(result);
    let parsed: unknown;
    try {
      parsed = result.toolCalls[0] ? JSON.parse(result.toolCalls[0].arguments) : extractJson(result.text);
    } catch (error) {
      lastError = `Your answer was not valid JSON (${(error as Error).message}).`;
      conversation = [
        ...conversation,
        { role: 'assistant', content: result.text },
        { role: 'user', content: `${lastError} Answer again with only the JSON object.` },
      ];
      continue;
    }
    const checked = schema.safeParse(parsed);
    if (checked.success) return { value: checked.data, calls };
    lastError = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    conversation = [
      ...conversation,
      { role: 'assistant', content: result.text },
      {
        role: 'user',
        content: `Your JSON did not match the required schema: ${lastError}. Answer again with only the corrected JSON object.`,
      },
    ];
  }
  const last = calls[calls.length - 1];
  throw new ModelBehaviorError(`${model.provider}/${model.model} gave no valid output after ${calls.length} attempts: ${lastError}`, {
    attempts: calls.length,
    lastOutput: last?.text ?? '',
  });
}
