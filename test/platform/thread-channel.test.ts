import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadChannel } from '../../src/platform/thread-channel.js';

type Ask = {
  add: { body: { a: number; b: number }; answer: number };
  fail: { body: string; answer: void };
  note: { body: string; answer: void };
  never: { body: undefined; answer: void };
};
type Tell = Record<never, { body: unknown; answer: unknown }>;

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const { port1, port2 } of channels.splice(0)) {
    port1.close();
    port2.close();
  }
});

function pair(onError = vi.fn()) {
  const ports = new MessageChannel();
  channels.push(ports);
  const asking = new ThreadChannel<Ask, Tell>(ports.port1, vi.fn());
  const answering = new ThreadChannel<Tell, Ask>(ports.port2, onError);
  return { asking, answering, onError };
}

describe('ThreadChannel', () => {
  it('answers calls, several at once, each with its own answer', async () => {
    const { asking, answering } = pair();
    answering.on('add', async ({ a, b }) => {
      await new Promise((resolve) => setTimeout(resolve, a));
      return a + b;
    });
    await expect(
      Promise.all([asking.call('add', { a: 20, b: 1 }), asking.call('add', { a: 1, b: 2 })]),
    ).resolves.toEqual([21, 3]);
  });

  it("rejects a call with the handler's error message", async () => {
    const { asking, answering } = pair();
    answering.on('fail', (why) => {
      throw new Error(why);
    });
    await expect(asking.call('fail', 'no such thing')).rejects.toThrow('no such thing');
  });

  it('rejects a call nobody handles, naming its kind', async () => {
    const { asking } = pair();
    await expect(asking.call('never', undefined)).rejects.toThrow('no handler for "never" messages');
  });

  it('delivers one-way messages, and reports a one-way handler that fails', async () => {
    const { asking, answering, onError } = pair();
    const notes: string[] = [];
    answering.on('note', (text) => {
      if (text === 'bad') throw new Error('bad note');
      notes.push(text);
    });
    asking.send('note', 'one');
    asking.send('note', 'bad');
    asking.send('note', 'two');
    await vi.waitFor(() => expect(notes).toEqual(['one', 'two']));
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(new Error('bad note'), 'note'));
  });

  it('fails the calls still waiting once closed, and every later one', async () => {
    const { asking, answering } = pair();
    answering.on('add', () => new Promise<number>(() => {}));
    const waiting = asking.call('add', { a: 1, b: 1 });
    asking.close(new Error('the thread stopped'));
    await expect(waiting).rejects.toThrow('the thread stopped');
    await expect(asking.call('add', { a: 1, b: 1 })).rejects.toThrow('the thread stopped');
  });

  it('fails a call not answered in time, and takes no late answer for it', async () => {
    const { asking, answering } = pair();
    let answer: (n: number) => void = () => {};
    answering.on('add', () => new Promise<number>((resolve) => (answer = resolve)));
    await expect(asking.call('add', { a: 1, b: 1 }, 50)).rejects.toThrow('no answer to "add" within 50 ms');
    answer(2);
    answering.on('add', ({ a, b }) => a + b);
    await expect(asking.call('add', { a: 2, b: 3 }, 1000)).resolves.toBe(5);
  });
});
