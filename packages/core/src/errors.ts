/**
 * One error family for Baton. `UserError` is the caller's mistake (bad config, bad input) and is kept apart from
 * failures of a model provider (`ProviderError`) and from a model that answered but misbehaved
 * (`ModelBehaviorError`), because callers handle them differently: fix the config, retry later, or repair.
 */
export class BatonError extends Error {
  /** A stable machine-readable code, e.g. `user.invalid-workflow`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The caller's mistake. `field` names the offending config field or input path, so the message can point at it. */
export class UserError extends BatonError {
  readonly field: string | undefined;

  constructor(message: string, options?: { field?: string; cause?: unknown; code?: string }) {
    super(options?.code ?? 'user.invalid', options?.field ? `${options.field}: ${message}` : message, options);
    this.field = options?.field;
  }
}

/** A model provider failed (HTTP status, network, timeout). `retryable` says whether backing off may help. */
export class ProviderError extends BatonError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The provider's own message, verbatim, so the user sees what the provider said. */
  readonly providerMessage: string;

  constructor(
    message: string,
    options: { provider: string; status?: number; retryable: boolean; providerMessage?: string; cause?: unknown; code?: string },
  ) {
    super(options.code ?? 'provider.failed', message, options);
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable;
    this.providerMessage = options.providerMessage ?? message;
  }
}

/** A model answered, but not in the shape required, even after the allowed repair attempts. */
export class ModelBehaviorError extends BatonError {
  readonly attempts: number;
  readonly lastOutput: string;

  constructor(message: string, options: { attempts: number; lastOutput: string; cause?: unknown }) {
    super('model.behavior', message, options);
    this.attempts = options.attempts;
    this.lastOutput = options.lastOutput;
  }
}

/** Something that must never happen happened inside an episode: a NaN reward, an illegal action, a lost artifact. */
export class EpisodeError extends BatonError {
  readonly episodeId: string | undefined;

  constructor(message: string, options?: { episodeId?: string; cause?: unknown; code?: string }) {
    super(options?.code ?? 'episode.invalid', message, options);
    this.episodeId = options?.episodeId;
  }
}
