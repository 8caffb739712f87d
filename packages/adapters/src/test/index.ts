/**
 * Test tools for model adapters (`@baton/adapters/test`): a local server that speaks the OpenAI and Anthropic wire
 * protocols from a script, for contract tests with the real SDKs and for serving recorded replies offline.
 */
export { startWireServer } from './wire-server.ts';
export type {
  WireFault,
  WireProtocol,
  WireReply,
  WireRequest,
  WireRequestInfo,
  WireServer,
  WireServerOptions,
  WireStep,
  WireToolCall,
} from './wire-types.ts';
export { PrivateRedis } from './redis-server.ts';
export { chainDefinition, chainInput, relayDefinition, type RelayHeads } from './example-workflows.ts';
export { decisionTrail, deploy, inProcessTwin, type Deployment } from './deployment.ts';
export { writeWideCsv } from './wide-csv.ts';
