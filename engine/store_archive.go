package engine

// ArchiveQueries are the store operations of archival packages: import, renewal, fixity runs.
type ArchiveQueries interface{}
