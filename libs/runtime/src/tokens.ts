/**
 * Tool names come from the model and may be anything; the subject token must be safe. Unknown or
 * unsafe names still get a command (routed to "_invalid") so a tool-runner answers with an error
 * result the model can read, instead of the call waiting forever.
 */
export function safeToolToken(name: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : "_invalid";
}
