import { describe, expect, it } from 'vitest';
import { createLogger, redactingLogger, silentLogger } from './logger.js';

const capture = (level: 'debug' | 'info' = 'info') => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
};

describe('the redacting logger', () => {
  it('shows numbers by their last 4 digits, in messages, fields and child fields', () => {
    const { lines, logger } = capture();
    const log = redactingLogger(logger);
    log.child({ to: '+15550001111' }).info('sent to +44 7700 900123', { from: 'whatsapp:+15550009999' });
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'sent to …0123', to: '…1111', from: '…9999', level: 'info' }),
    ]);
  });

  it('does no work for a level the logger drops: fields are never read', () => {
    const { lines, logger } = capture('info');
    const log = redactingLogger(logger);
    let reads = 0;
    const fields = {
      get to() {
        reads++;
        return '+15550001111';
      },
    };
    log.debug('received', fields);
    log.child(fields).debug('received');
    expect(reads).toBe(0);
    expect(lines).toEqual([]);
    expect(log.enabled?.('debug')).toBe(false);
    expect(log.enabled?.('warn')).toBe(true);
    log.child(fields).warn('failed');
    expect(reads).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ msg: 'failed', to: '…1111' })]);
  });

  it('leaves the silent logger as it is', () => {
    expect(redactingLogger(silentLogger)).toBe(silentLogger);
    expect(silentLogger.enabled?.('error')).toBe(false);
  });
});
