import type { ChatMessage } from '@baton/core';
import { z } from 'zod';
import type { ProofDraft } from './draft.ts';

export const proverOutput = z.object({ proof: z.string().trim().min(1) });
export const reviserOutput = z.object({ proof: z.string().trim().min(1) });
export const criticOutput = z.object({
  assessment: z.enum(['sound', 'gaps', 'wrong']),
  flaggedSteps: z.array(z.number().int().positive()),
  newCritiques: z.array(
    z.object({
      step: z.number().int().positive().nullable(),
      severity: z.enum(['minor', 'major', 'fatal']),
      text: z.string().trim().min(1),
    }),
  ),
  /** Ids of open critiques the current draft now answers. */
  resolved: z.array(z.number().int().nonnegative()),
});
export type CriticOutput = z.infer<typeof criticOutput>;

const openCritiques = (d: ProofDraft): string =>
  d.critiques
    .filter((c) => c.status === 'open')
    .map((c) => `#${c.id} [${c.severity}] step ${c.step ?? '-'}: ${c.text}`)
    .join('\n') || '(none)';

export function proverMessages(d: ProofDraft): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are a careful mathematician. Write rigorous proofs as numbered steps, one per line. Answer with only JSON {"proof": "..."}.',
    },
    { role: 'user', content: `Write a complete proof.\nSTATEMENT:\n${d.statement}` },
  ];
}

export function criticMessages(d: ProofDraft): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are a critic of proofs. Flag the numbered steps that do not follow, raise new critiques, and list the ids of open critiques the draft now answers. ' +
        'Answer with only JSON {"assessment": "sound"|"gaps"|"wrong", "flaggedSteps": [n], "newCritiques": [{"step": n|null, "severity": "minor"|"major"|"fatal", "text": "..."}], "resolved": [id]}.',
    },
    {
      role: 'user',
      content: `Critique the draft.\nSTATEMENT:\n${d.statement}\n\nDRAFT:\n${d.draft}\n\nOPEN CRITIQUES:\n${openCritiques(d)}`,
    },
  ];
}

export function reviserMessages(d: ProofDraft): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You revise proofs to answer critiques. Keep numbered steps, one per line. Answer with only JSON {"proof": "..."}.',
    },
    {
      role: 'user',
      content: `Revise the draft to answer the open critiques.\nSTATEMENT:\n${d.statement}\n\nDRAFT:\n${d.draft}\n\nOPEN CRITIQUES:\n${openCritiques(d)}`,
    },
  ];
}
