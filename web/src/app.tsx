import { ContainersPage } from './pages/containers';
import { ContainerPage } from './pages/container';
import { ImagesPage } from './pages/images';
import { VolumesPage } from './pages/volumes';
import { NetworksPage } from './pages/networks';
import { EventsPage } from './pages/events';
import { useRoute } from './hooks';

const NAV = [
  ['containers', 'Containers'],
  ['images', 'Images'],
  ['volumes', 'Volumes'],
  ['networks', 'Networks'],
  ['events', 'Events'],
] as const;

export function App() {
  const [page = 'containers', id, tab] = useRoute();
  return (
    <>
      <header>
        <a class="brand" href="#/containers">
          ⚓ berth
        </a>
        <nav>
          {NAV.map(([key, label]) => (
            <a href={`#/${key}`} class={page === key ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <a class="metrics" href="/metrics" target="_blank" rel="noreferrer">
          metrics
        </a>
      </header>
      <main>
        {page === 'containers' && id ? (
          <ContainerPage id={id} tab={tab ?? 'summary'} />
        ) : page === 'images' ? (
          <ImagesPage />
        ) : page === 'volumes' ? (
          <VolumesPage />
        ) : page === 'networks' ? (
          <NetworksPage />
        ) : page === 'events' ? (
          <EventsPage />
        ) : (
          <ContainersPage />
        )}
      </main>
    </>
  );
}
