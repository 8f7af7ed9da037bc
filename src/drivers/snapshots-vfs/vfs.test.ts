import { snapshotterSuite } from '../../core/snapshots.suite.js';
import { VfsSnapshotter } from './vfs.js';

snapshotterSuite('vfs', (root) => VfsSnapshotter.open(root));
