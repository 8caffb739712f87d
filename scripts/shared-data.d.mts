/** The files of the RouteLLM GSM8K recordings that the tests read. */
export declare const GSM8K_FILES: readonly string[];
/** The shell command that puts the recordings in `dir`, as .ci/run does. */
export declare function gsm8kFetchCommand(dir: string): string;
