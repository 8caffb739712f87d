/** One model's recorded answer to one prompt. */
export interface RecordedOutput {
  readonly text: string;
  /** The data set's own judgement (RouteLLM: correct or not; RouterBench: score in [0, 1]). */
  readonly score: number;
  /** Dollars the call cost, when the data set records it (RouterBench); else computed from tokens and prices. */
  readonly costUsd?: number;
}

/** One prompt with every model's recorded output. */
export interface ReplayRecord {
  readonly prompt: string;
  readonly outputs: Readonly<Record<string, RecordedOutput>>;
  /** The gold answer, when the data set gives one (GSM8K: the number after ####). */
  readonly gold?: number;
}

/** Recorded outputs of N models on the same prompts. */
export interface ReplayDataset {
  readonly models: readonly string[];
  readonly records: readonly ReplayRecord[];
  /** Where it was read from, for messages. */
  readonly source: string;
  /** Prompts the loader left out on purpose, keyed by `promptKey`, with the reason (said when one is asked for). */
  readonly excluded?: ReadonlyMap<string, string>;
}

/** The key a prompt is looked up by: whitespace runs collapsed, ends trimmed. */
export function promptKey(prompt: string): string {
  return prompt.replace(/\s+/g, ' ').trim();
}
