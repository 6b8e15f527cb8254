/**
 * A run's log as state: the fold cache every service reads runs through (`RunHistory`: cached,
 * caught up from the stream on a miss, with the fast paths listed on `foldTo`), and the archive
 * that finished runs leave the log for (written, read back and checked; a directory of archived
 * runs by id).
 */
export { DEFAULT_RUN_CACHE, EVENTS_HEADER, RunHistory, SEQS_HEADER, SINCE_HEADER } from "./history.js";
export type { FoldHint, RunCacheBounds } from "./history.js";
export {
  ARCHIVE_CHUNK_BYTES,
  ArchiveIntegrityError,
  archivedRecordOf,
  decodeArchive,
  encodeArchive,
  findArchived,
  readArchive,
  rebuildArchiveDirectory,
  retireRun,
  writeArchive,
} from "./archive.js";
export type { ArchiveRef } from "./archive.js";
