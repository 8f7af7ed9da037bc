/** Docker Engine API v1.41 shapes for a running container's processes. */
export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][];
}
