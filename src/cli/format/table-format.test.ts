import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate } from '../../lib/go/template/template.js';
import { expandEscapes, isTableFormat } from './table-format.js';

const r = (src: string): string => renderTemplate(src, { ID: 'abc123', Name: 'web' });

describe('isTableFormat and expandEscapes', () => {
  it('recognises the table prefix and strips it', () => {
    assert.deepEqual(isTableFormat('table {{.ID}}\\t{{.Names}}'), { table: true, body: '{{.ID}}\\t{{.Names}}' });
    assert.deepEqual(isTableFormat('{{.ID}}'), { table: false, body: '{{.ID}}' });
    assert.deepEqual(isTableFormat('table'), { table: true, body: '' });
  });

  it('expands \\t and \\n typed on the command line', () => {
    assert.equal(expandEscapes('{{.ID}}\\t{{.Names}}\\n'), '{{.ID}}\t{{.Names}}\n');
    assert.equal(expandEscapes('no escapes \\x'), 'no escapes \\x');
  });

  it('table body renders as tab-separated columns', () => {
    const { body } = isTableFormat('table {{.ID}}\\t{{.Name}}');
    assert.equal(r(expandEscapes(body)), 'abc123\tweb');
  });
});
