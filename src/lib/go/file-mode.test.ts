import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goFileMode, goModeIsDir, goModeIsSymlink } from './file-mode.js';

describe('goFileMode', () => {
  it("maps st_mode to Go's os.FileMode bits", () => {
    assert.equal(goFileMode(0o040755), 2 ** 31 + 0o755);
    assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777);
    assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755);
    assert.equal(goFileMode(0o020666), 2 ** 26 + 2 ** 21 + 0o666);
    assert.ok(goModeIsDir(goFileMode(0o041777)) && !goModeIsSymlink(goFileMode(0o040755)));
    assert.ok(goModeIsSymlink(goFileMode(0o120777)) && !goModeIsDir(goFileMode(0o100644)));
  });
});
