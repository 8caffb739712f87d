/**
 * Recorded drafts and verdicts of one proof episode, served by the wire-protocol server for `baton run proof
 * --offline` and for tests. Plain data: the CLI turns each into a wire-server step.
 */
export interface ProofRecording {
  readonly role: 'prover' | 'critic' | 'reviser' | 'judge';
  /** Which wire protocol the recorded model speaks; the two judges are told apart by it. */
  readonly protocol: 'openai' | 'anthropic';
  /** A phrase of the request's last user message that picks this recording. */
  readonly contains: string;
  readonly text: string;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
}

/** The statement the recordings answer. */
export const RECORDED_STATEMENT = 'The sum of two odd integers is even.';

/** The default models of `baton run proof` (current ids, 2026-12): what live runs call and offline runs report and price. */
export const RECORDED_MODELS = {
  prover: 'openai:gpt-6-luna',
  critic: 'anthropic:claude-haiku-4-5',
  reviser: 'openai:gpt-6-luna',
  judges: ['openai:gpt-6.1-sol', 'anthropic:claude-sonnet-5-5'],
} as const;

const json = (value: unknown): string => JSON.stringify(value);
const axes = (c: number, k: number, l: number, why: string) =>
  json({
    scores: {
      correctness: { score: c, reason: why },
      completeness: { score: k, reason: why },
      clarity: { score: l, reason: 'Steps are numbered and short.' },
    },
  });

const draft1 = '1. Let a and b be odd integers.\n2. Then a + b is odd plus odd.\n3. Odd plus odd is even, so a + b is even.';
const draft2 =
  '1. Let a and b be odd integers.\n2. By definition a = 2m + 1 and b = 2n + 1 for some integers m, n.\n3. Then a + b = 2m + 2n + 2 = 2(m + n + 1).\n4. m + n + 1 is an integer, so a + b is even.';

/** prover -> critic (one major critique) -> reviser -> critic (resolved) -> two judges that disagree. */
export const PROOF_RECORDINGS: readonly ProofRecording[] = [
  {
    role: 'prover',
    protocol: 'openai',
    contains: 'Write a complete proof',
    text: json({ proof: draft1 }),
    usage: { inputTokens: 96, outputTokens: 58 },
  },
  {
    role: 'critic',
    protocol: 'anthropic',
    contains: 'OPEN CRITIQUES:\n(none)',
    text: json({
      assessment: 'gaps',
      flaggedSteps: [3],
      newCritiques: [{ step: 3, severity: 'major', text: 'Step 3 assumes what is to be proved: write a = 2m + 1, b = 2n + 1.' }],
      resolved: [],
    }),
    usage: { inputTokens: 241, outputTokens: 77 },
  },
  {
    role: 'reviser',
    protocol: 'openai',
    contains: 'Revise the draft',
    text: json({ proof: draft2 }),
    usage: { inputTokens: 210, outputTokens: 96 },
  },
  {
    role: 'critic',
    protocol: 'anthropic',
    contains: 'OPEN CRITIQUES:\n#0',
    text: json({ assessment: 'sound', flaggedSteps: [], newCritiques: [], resolved: [0] }),
    usage: { inputTokens: 318, outputTokens: 31 },
  },
  {
    role: 'judge',
    protocol: 'openai',
    contains: 'Grade the response',
    text: axes(9, 9, 8, 'Each step follows from the definition of odd.'),
    usage: { inputTokens: 402, outputTokens: 88 },
  },
  {
    role: 'judge',
    protocol: 'anthropic',
    contains: 'Grade the response',
    text: axes(7, 6, 8, 'Correct, but closure of the integers under addition is not stated.'),
    usage: { inputTokens: 415, outputTokens: 92 },
  },
];
