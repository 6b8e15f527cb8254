/** A warning of the AI SDK about one call: a setting the model does not support and that was not sent, … */
export interface SdkWarning {
  type: string;
  setting?: string;
  details?: string;
  message?: string;
}

/**
 * Sends the AI SDK's warnings (a setting a model does not take, e.g. a temperature for a reasoning
 * model, and was dropped) to `log` instead of Node process warnings on stderr. The SDK reads one
 * process-wide setting (`globalThis.AI_SDK_LOG_WARNINGS`), so this is for a service's main to call
 * once, explicitly; nothing in this package sets it by itself.
 */
export function routeSdkWarnings(log: (warnings: readonly SdkWarning[]) => void): void {
  (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (warnings: readonly SdkWarning[]) =>
    log(warnings);
}
