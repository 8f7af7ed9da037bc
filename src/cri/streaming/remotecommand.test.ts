import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { terminalSizes } from './remotecommand.js';
import { exitStatus, internalErrorStatus, legacyErrorText, successStatus } from './status.js';
import { websocketProtocol } from './ws-command.js';

describe('remotecommand pieces', () => {
  it('terminal sizes split anywhere in the stream; what is not a size is skipped', () => {
    const got: Array<[number, number]> = [];
    const feed = terminalSizes((h, w) => got.push([h, w]));
    for (const chunk of ['{"Width":80,', '"Height":24}{"Wid', 'th":120,"Height":40}', '{"nonsense":1}', '{bad}', '{"Width":1,"Height":2}']) feed(chunk);
    assert.deepEqual(got, [
      [24, 80],
      [40, 120],
      [2, 1],
    ]);
  });

  it('statuses in the kubelet’s JSON, Go’s field order; v1–v3 get the message only', () => {
    assert.equal(successStatus(), '{"metadata":{},"status":"Success"}');
    assert.equal(
      exitStatus(['sh', '-c', 'exit 3'], 3),
      '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    );
    assert.equal(
      internalErrorStatus('boom'),
      '{"metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500}',
    );
    assert.equal(legacyErrorText(successStatus()), '');
    assert.equal(legacyErrorText(internalErrorStatus('boom')), 'Internal error occurred: boom');
  });

  it('a WebSocket client gets the first binary channel protocol it offers', () => {
    assert.equal(websocketProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io']), 'v5.channel.k8s.io');
    assert.equal(websocketProtocol(['v4.base64.channel.k8s.io', 'v4.channel.k8s.io']), 'v4.channel.k8s.io');
    assert.equal(websocketProtocol([]), '');
    assert.equal(websocketProtocol(['base64.channel.k8s.io']), undefined);
  });
});
