import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from '../../core/containers.js';
import { checkTag, expandTag, journaldTag } from './attrs.js';

const ID = 'a'.repeat(12) + 'b'.repeat(52);
const IMAGE = `sha256:${'c'.repeat(12)}${'d'.repeat(52)}`;
const rec = { Id: ID, Name: '/web', Image: IMAGE, ImageRef: 'busybox:latest', HostConfig: {} } as unknown as ContainerRecord;

test("log tags expand Docker's logger.Info fields as before", () => {
  assert.equal(expandTag('{{.ID}}', rec), 'a'.repeat(12));
  assert.equal(expandTag('{{.FullID}}', rec), ID);
  assert.equal(expandTag('{{.Name}}', rec), 'web');
  assert.equal(expandTag('{{.ImageID}}', rec), 'c'.repeat(12));
  assert.equal(expandTag('{{.ImageFullID}}', rec), IMAGE);
  assert.equal(expandTag('{{.ImageName}}', rec), 'busybox:latest');
  assert.equal(expandTag('{{.DaemonName}}', rec), 'berth');
  assert.equal(expandTag('{{ .Name }}/{{.ID}} plain', rec), `web/${'a'.repeat(12)} plain`);
  assert.equal(expandTag('no template', rec), 'no template');
  assert.equal(journaldTag(rec), 'a'.repeat(12));
});

test("log tags are Go templates: pipelines and Docker's template functions work", () => {
  assert.equal(expandTag('{{.Name | printf "%s"}}', rec), 'web');
  assert.equal(expandTag('{{printf "%.4s" .ImageName}}-{{upper .Name}}', rec), 'busy-WEB');
  assert.equal(expandTag('{{if eq .Name "web"}}front{{else}}other{{end}}', rec), 'front');
  assert.equal(expandTag('{{index (split .ImageName ":") 0}}', rec), 'busybox');
});

test("a tag the engine refuses fails at create with Go's message; at run time it stays as written", () => {
  assert.throws(() => checkTag('{{.Nope}}'), {
    message: 'failed to initialize logging driver: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *logger.Info',
  });
  assert.throws(() => checkTag('{{.Name'), { message: 'failed to initialize logging driver: template: :1: unclosed action' });
  assert.doesNotThrow(() => checkTag('{{.Name | printf "%s"}}'));
  assert.equal(expandTag('{{slice .Name 0 9}}', rec), '{{slice .Name 0 9}}');
});
