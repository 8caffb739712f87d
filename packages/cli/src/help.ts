/** Said in the `--help` of every command that binds agents to models: where each API key may go. */
export const API_KEY_HELP = `
API keys: OPENAI_API_KEY is sent only to https://api.openai.com and ANTHROPIC_API_KEY only to
https://api.anthropic.com. An agent with any other baseURL (a local or OpenAI-compatible server, a proxy) gets the
key in the environment variable its binding names in "apiKeyEnv", or no key. Keys are never logged.`;
