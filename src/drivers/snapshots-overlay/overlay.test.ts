import { snapshotterSuite } from '../../core/snapshots.suite.js';
import { OverlaySnapshotter } from './overlay.js';

snapshotterSuite('overlayfs', (root) => OverlaySnapshotter.open(root));
