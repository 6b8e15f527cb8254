/**
 * Logging for every Cairn process: pino, JSON lines on stderr, secrets redacted, and child
 * loggers carrying run/step context (`log.child({ runId, turn, step, attempt })`).
 */
import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

export interface LoggerConfig {
  service: string;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  level?: string;
  /** File descriptor or path to write to; stderr (fd 2) by default. */
  destination?: number | string;
}

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "pass",
  "*.pass",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "creds",
  "*.creds",
];

export function createLogger(cfg: LoggerConfig): Logger {
  const opts: LoggerOptions = {
    level: cfg.level ?? "info",
    base: { service: cfg.service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(opts, pino.destination({ dest: cfg.destination ?? 2, sync: true }));
}

/** A logger that writes nothing (tests, embedded use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
