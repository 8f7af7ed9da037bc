/**
 * The most output berthd holds for one client that is not reading it (attach, `logs -f`, exec,
 * the dashboard's terminal). A container can write far faster than a stalled client reads and
 * berthd cannot slow the container down (conmon owns its pipes), so a client this far behind
 * is cut off — its stream ends — instead of the daemon buffering without bound. Docker blocks
 * the container at 1 MB instead (its BytesPipe); 16 MiB leaves any reading client room.
 */
export const CLIENT_BACKLOG_MAX = 16 << 20;
