// Request/response over a postMessage-like pipe: answers find their request, errors reach the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestChannel, answerRequest, type RequestHandlers, type RequestMessage, type ResponseMessage } from '../../../src/protocol/messageChannel';

type Api = {
  double: { params: { n: number }; result: number };
  fail: { params: null; result: never };
};

function pipe(handlers: RequestHandlers<Api>, reorder = false) {
  const outbox: RequestMessage<Api>[] = [];
  const channel = new RequestChannel<Api>((m) => outbox.push(m));
  const deliver = async () => {
    const batch = outbox.splice(0);
    if (reorder) batch.reverse();
    const replies: ResponseMessage[] = [];
    for (const m of batch) await answerRequest(m, handlers, (r) => replies.push(r));
    for (const r of replies) channel.handleResponse(r);
  };
  return { channel, deliver };
}

const handlers: RequestHandlers<Api> = {
  double: ({ n }) => n * 2,
  fail: () => {
    throw new Error('no such flow');
  },
};

test('concurrent requests are answered by id, whatever the order of replies', async () => {
  const { channel, deliver } = pipe(handlers, true);
  const a = channel.request('double', { n: 2 });
  const b = channel.request('double', { n: 21 });
  assert.equal(channel.inFlight, 2);
  await deliver();
  assert.deepEqual(await Promise.all([a, b]), [4, 42]);
  assert.equal(channel.inFlight, 0);
});

test('a throwing handler rejects the request with its message', async () => {
  const { channel, deliver } = pipe(handlers);
  const p = channel.request('fail', null);
  await deliver();
  await assert.rejects(p, /no such flow/);
});

test('an unknown method is an error response, not silence', async () => {
  const replies: ResponseMessage[] = [];
  await answerRequest({ type: 'request', requestId: 7, method: 'nope', params: null } as unknown as RequestMessage<Api>, handlers, (r) => replies.push(r));
  assert.deepEqual(replies, [{ type: 'response', inReplyTo: 7, error: 'unknown request nope' }]);
});

test('rejectAll fails everything still waiting (the worker died)', async () => {
  const { channel } = pipe(handlers);
  const p = channel.request('double', { n: 1 });
  channel.rejectAll('worker exited');
  await assert.rejects(p, /worker exited/);
  assert.equal(channel.handleResponse({ type: 'progress' }), false);
});
