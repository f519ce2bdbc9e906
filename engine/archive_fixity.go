package engine

import "time"

// FixityRun is what one run of the archive's fixity check did: a slice of the pass, or a
// whole pass.
type FixityRun struct {
	Node       string    `json:"node"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	Slice      int       `json:"slice"`  // -1 for a whole pass
	Slices     int       `json:"slices"` // in a pass
	Packages   int       `json:"packages"`
	Objects    int       `json:"objects"`
	Damaged    int       `json:"damaged"`
	Repaired   int       `json:"repaired"`
	Incomplete bool      `json:"incomplete,omitempty"` // the batch limit cut it short
}

// FixityFinding is one damaged or missing archived object.
type FixityFinding struct {
	DetectedAt  time.Time  `json:"detected_at"`
	Record      string     `json:"record"` // fonds.year.code
	RecordID    string     `json:"record_id"`
	Manifest    string     `json:"manifest"` // the package version holding the object
	Key         string     `json:"key"`
	Error       string     `json:"error"`
	RepairedAt  *time.Time `json:"repaired_at,omitempty"`
	RepairError string     `json:"repair_error,omitempty"`
}

// FixityReport is the fixity check's report: the latest runs, on any node, and the damage
// they found, oldest first.
type FixityReport struct {
	UpdatedAt time.Time       `json:"updated_at"`
	Runs      []FixityRun     `json:"runs"`
	Findings  []FixityFinding `json:"findings"`
}
