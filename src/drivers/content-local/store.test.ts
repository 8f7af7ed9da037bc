import { contentStoreSuite } from '../../core/content.suite.js';
import { LocalContentStore } from './store.js';

contentStoreSuite('local', (root) => LocalContentStore.open(root));
