import { chainIds, type Digest } from './digest.js';

/** One layer of the layer-sharing tree: images whose layers start alike share the nodes of that prefix. */
export interface LayerNode {
  chainId: string;
  size: number;
  /** The names of the images whose top layer this is. */
  images: string[];
  children: LayerNode[];
}

/**
 * The layer-sharing tree of images given as their diff IDs (bottom first) with a size per layer
 * and the names to hang on their top layer: one node per chain ID, so images built on the same
 * base share its nodes. Shown by the dashboard and by `berth images --tree --layers`.
 */
export function layerTree(images: Array<{ diffIds: Digest[]; sizes: number[]; names: string[] }>): LayerNode[] {
  const roots: LayerNode[] = [];
  const nodes = new Map<string, LayerNode>();
  for (const img of images) {
    let siblings = roots;
    const chain = chainIds(img.diffIds);
    chain.forEach((chainId, i) => {
      let node = nodes.get(chainId);
      if (node === undefined) {
        node = { chainId, size: img.sizes[i] ?? 0, images: [], children: [] };
        nodes.set(chainId, node);
        siblings.push(node);
      }
      if (i === chain.length - 1) node.images.push(...img.names);
      siblings = node.children;
    });
  }
  return roots;
}
