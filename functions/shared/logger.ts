/**
 * A tiny structured logger: one JSON object per line, which CloudWatch Logs Insights can
 * query by field. An error is reduced to its name and message, and its cause's: that is
 * what an operator acts on (e.g. AccessDeniedException and the missing permission), while
 * a stack trace only exposes code paths and buries the line that matters.
 */

/** Severity of a log line. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Extra properties of a log line. An `Error` value is logged as its name and message only. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Receives each finished line; injectable so tests can capture output. */
export type LogSink = (level: LogLevel, line: string) => void;

/** Writes structured log lines. */
export interface Logger {
  /** Logs normal operation. */
  info(message: string, fields?: LogFields): void;
  /** Logs a problem an operator can fix, such as an unprovisioned secret. */
  warn(message: string, fields?: LogFields): void;
  /** Logs a failure. */
  error(message: string, fields?: LogFields): void;
}

interface ErrorSummary {
  name: string;
  message: string;
  cause?: { name: string; message: string };
}

// Lambda ships stdout and stderr alike to CloudWatch; stderr just keeps errors apart when run locally.
const consoleSink: LogSink = (level, line) => {
  if (level === 'info') {
    console.log(line);
  } else {
    console.error(line);
  }
};

/**
 * Creates a logger that writes one JSON object per line: `level`, `message`, then the fields.
 *
 * @param sink - Where lines go; defaults to `console.log` for info and `console.error` otherwise.
 */
export function createLogger(sink: LogSink = consoleSink): Logger {
  const write = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    const entries = Object.entries(fields).map(([key, value]) => [
      key,
      value instanceof Error ? summarize(value) : value,
    ]);
    sink(level, JSON.stringify({ level, message, ...Object.fromEntries(entries) }));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/**
 * What a log line may repeat of an error's message. A parse error quotes the start of the text it
 * could not parse, and that text may be a store's answer holding the token (an SDK deserializer's
 * or the extension's), so only its name is kept.
 */
function loggableMessage(error: Error): string {
  return error instanceof SyntaxError ? '(withheld: a parse error quotes its input)' : error.message;
}

function summarize(error: Error): ErrorSummary {
  const summary: ErrorSummary = { name: error.name, message: loggableMessage(error) };
  if (error.cause instanceof Error) {
    summary.cause = { name: error.cause.name, message: loggableMessage(error.cause) };
  }
  return summary;
}
