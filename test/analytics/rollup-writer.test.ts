import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RollupCell } from '../../src/analytics/minute-rollup.js';
import { RollupWriter, type RollupSink } from '../../src/analytics/rollup-writer.js';
import { newEvent, type HubEvent } from '../../src/events/topics.js';
import { REQUEST_BATCH, type RequestEvent } from '../../src/events/request-event.js';
import { requestEvent } from './request-event.js';

const NOON = Date.UTC(2030, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

/** Keeps what it is given; fails while `failing` is set, after storing `storeBeforeFailing` cells. */
class FakeSink implements RollupSink {
  cells: RollupCell[] = [];
  failing = false;
  storeBeforeFailing = 0;

  async insert(cells: readonly RollupCell[], onWritten: (count: number) => void = () => {}): Promise<void> {
    if (this.failing) {
      const stored = cells.slice(0, this.storeBeforeFailing);
      this.cells.push(...stored);
      if (stored.length) onWritten(stored.length);
      throw new Error('database down');
    }
    this.cells.push(...cells);
    onWritten(cells.length);
  }

  requests(): number {
    return this.cells.reduce((n, c) => n + c.requests, 0);
  }
}

const batch = (...events: RequestEvent[]): HubEvent => newEvent(REQUEST_BATCH, { events });

function writer(sink: RollupSink, now: () => number, maxCells?: number) {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  return { writer: new RollupWriter({ store: sink, logger, delayMs: 10_000, now, maxCells }), logs };
}

describe('RollupWriter', () => {
  it('writes a minute once it has ended and the delay has passed, and everything when told', async () => {
    const sink = new FakeSink();
    let now = NOON + 30_000;
    const { writer: w } = writer(sink, () => now);
    w.receive(batch(requestEvent({ timestamp: NOON }), requestEvent({ timestamp: NOON + MINUTE })));
    await w.flush();
    expect(sink.cells).toHaveLength(0);
    now = NOON + MINUTE + 9_999;
    await w.flush();
    expect(sink.cells).toHaveLength(0);
    now = NOON + MINUTE + 10_000;
    await w.flush();
    expect(sink.cells.map((c) => c.minute)).toEqual([NOON]);
    await w.flush({ all: true });
    expect(sink.cells.map((c) => c.minute)).toEqual([NOON, NOON + MINUTE]);
    expect(w.buffered).toBe(0);
  });

  it('writes a late event of a written minute in a row of its own', async () => {
    const sink = new FakeSink();
    const { writer: w } = writer(sink, () => NOON + 5 * MINUTE);
    w.receive(batch(requestEvent({ timestamp: NOON })));
    await w.flush();
    w.receive(batch(requestEvent({ timestamp: NOON })));
    await w.flush();
    expect(sink.cells.map((c) => [c.minute, c.requests])).toEqual([
      [NOON, 1],
      [NOON, 1],
    ]);
  });

  it('keeps what it could not write and writes it on the next flush, without counting twice', async () => {
    const sink = new FakeSink();
    const { writer: w, logs } = writer(sink, () => NOON + 5 * MINUTE);
    w.receive(
      batch(
        ...Array.from({ length: 3 }, (_, i) => requestEvent({ timestamp: NOON, operation: `GET /${i}` })),
      ),
    );
    sink.failing = true;
    sink.storeBeforeFailing = 1;
    await w.flush();
    expect(sink.requests()).toBe(1);
    expect(w.buffered).toBe(2);
    expect(logs.join('\n')).toContain('could not write analytics rollups');
    sink.failing = false;
    await w.flush();
    expect(sink.requests()).toBe(3);
    expect(w.buffered).toBe(0);
  });

  it('drops, counts and logs events beyond its memory bound', async () => {
    const sink = new FakeSink();
    const { writer: w, logs } = writer(sink, () => NOON, 2);
    w.receive(batch(...['a', 'b', 'c', 'd'].map((op) => requestEvent({ timestamp: NOON, operation: op }))));
    expect(w.dropped).toBe(2);
    expect(logs.filter((line) => line.includes('request events dropped'))).toHaveLength(1);
    await w.close();
    expect(sink.requests()).toBe(2);
  });

  it('ignores other events on the topic, malformed batches and a batch delivered twice', async () => {
    const sink = new FakeSink();
    const { writer: w, logs } = writer(sink, () => NOON);
    const once = batch(requestEvent());
    w.receive(once);
    w.receive(once);
    w.receive(newEvent('THROTTLE_COUNTS', { node: 'gw', counts: [] }));
    w.receive(newEvent(REQUEST_BATCH, { events: [{ apiId: 'x' }] }));
    await w.close();
    expect(sink.requests()).toBe(1);
    expect(logs.filter((line) => line.includes('malformed request events'))).toHaveLength(1);
  });
});
