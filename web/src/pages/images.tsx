import { ErrorNote } from '../components/error';
import { bytes, shortId } from '../format';
import { usePoll } from '../hooks';
import type { ImagesResponse, LayerNode } from '../../../src/ui/types/dashboard';

function Layer({ n }: { n: LayerNode }) {
  return (
    <li>
      <span class="layer">{shortId(n.chainId)}</span> <span class="muted">{bytes(n.size)}</span>
      {n.images.map((i) => (
        <span class="tag">{i}</span>
      ))}
      {n.children.length > 0 && (
        <ul>
          {n.children.map((c) => (
            <Layer n={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ImagesPage() {
  const { data, error } = usePoll<ImagesResponse>('/images', 5000);
  return (
    <section>
      <h1>Images</h1>
      <ErrorNote error={error} />
      <table>
        <thead>
          <tr>
            <th>Tags</th>
            <th>ID</th>
            <th>Size</th>
            <th>Layers</th>
            <th>Containers</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {data?.images.map((i) => (
            <tr>
              <td>{i.tags.join(', ') || '<none>'}</td>
              <td>{shortId(i.id)}</td>
              <td>{bytes(i.size)}</td>
              <td>{i.layers.length}</td>
              <td>{i.containers}</td>
              <td>{i.created}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Layers shared between images</h2>
      <p class="muted">Each node is a layer (by chain ID) with its size; images sharing a branch share those layers.</p>
      <ul class="tree">
        {data?.tree.map((n) => (
          <Layer n={n} />
        ))}
      </ul>
    </section>
  );
}
