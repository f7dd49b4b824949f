/** Structured JSON logs (pino), one logger per process, named by component. */
import { pino, type Logger } from 'pino';

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: 'dte', component: name } });
}
