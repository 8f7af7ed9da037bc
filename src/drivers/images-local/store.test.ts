import { imageStoreSuite } from '../../core/images.suite.js';
import { LocalContentStore } from '../content-local/store.js';
import { LocalImageStore } from './store.js';

imageStoreSuite('local', async (root) => {
  const content = await LocalContentStore.open(root);
  return { content, images: await LocalImageStore.open(content, root) };
});
