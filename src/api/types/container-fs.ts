/** `GET /containers/{id}/changes` item: Kind 0 modified, 1 added, 2 deleted. */
export interface ContainerChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** `POST /commit` answer. */
export interface CommitResponse {
  Id: string;
}
