import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLink, relinked } from './links.js';

describe('links', () => {
  it("parses Docker's three forms", () => {
    assert.deepEqual(parseLink('db:alias'), { name: 'db', alias: 'alias' });
    assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
    assert.deepEqual(parseLink('/db:/web/alias'), { name: 'db', alias: 'alias' });
    assert.throws(() => parseLink('a:b:c'), /bad format for links: a:b:c/);
  });

  it('follows a rename of either side and drops links to a removed container', () => {
    const links = ['/db:/web/alias', '/cache:/web/cache'];
    assert.deepEqual(relinked(links, 'db', 'db2'), ['/db2:/web/alias', '/cache:/web/cache']);
    assert.deepEqual(relinked(links, 'web', 'front'), ['/db:/front/alias', '/cache:/front/cache']);
    assert.deepEqual(relinked(links, 'db', undefined), ['/cache:/web/cache']);
    assert.deepEqual(relinked(['db:alias'], 'db', 'x'), ['db:alias']);
  });
});
