import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startErrorExitCode } from './start-error.js';

test("start errors map to Docker's 127 (not found) and 126 (cannot run)", () => {
  assert.equal(startErrorExitCode('exec: "nope": executable file not found in $PATH'), 127);
  assert.equal(startErrorExitCode('exec: "/x": stat /x: no such file or directory'), 127);
  assert.equal(startErrorExitCode('exec: "/etc": is a directory'), 126);
  assert.equal(startErrorExitCode('exec: "/etc/passwd": permission denied'), 126);
  assert.equal(startErrorExitCode('cgroup: out of memory'), undefined);
});
