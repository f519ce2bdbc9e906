package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

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

// FixityReport is the fixity report kept in the data directory: the latest runs and the
// damage they found, newest last.
type FixityReport struct {
	UpdatedAt time.Time       `json:"updated_at"`
	Runs      []FixityRun     `json:"runs"`
	Findings  []FixityFinding `json:"findings"`
}

// What the report keeps: enough for an operator to see the last weeks, bounded so that a
// failing disk cannot make the file grow without end.
const (
	reportRuns     = 500
	reportFindings = 5000
)

var reportMu sync.Mutex

// UpdateFixityReport adds a run and its findings to the report at path, replacing the
// file atomically.
func UpdateFixityReport(path string, run FixityRun, findings []FixityFinding) error {
	reportMu.Lock()
	defer reportMu.Unlock()
	rep, err := LoadFixityReport(path)
	if err != nil {
		return err
	}
	rep.UpdatedAt = run.Finished
	rep.Runs = append(rep.Runs, run)
	rep.Runs = rep.Runs[max(len(rep.Runs)-reportRuns, 0):]
	rep.Findings = append(rep.Findings, findings...)
	rep.Findings = rep.Findings[max(len(rep.Findings)-reportFindings, 0):]
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fixity-*")
	if err != nil {
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("archive: fixity report: %w", err)
	}
	return nil
}

// LoadFixityReport reads the report at path; an absent file is an empty report.
func LoadFixityReport(path string) (*FixityReport, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &FixityReport{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: fixity report: %w", err)
	}
	var rep FixityReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("archive: fixity report %s is not a report: %w", path, err)
	}
	return &rep, nil
}

// WriteText prints the report for a person: the last run, then every finding.
func (r *FixityReport) WriteText(w io.Writer) error {
	if len(r.Runs) == 0 {
		_, err := fmt.Fprintln(w, "fixity: no run yet")
		return err
	}
	last := r.Runs[len(r.Runs)-1]
	fmt.Fprintf(w, "fixity report, updated %s\n", r.UpdatedAt.Format(time.RFC3339))
	fmt.Fprintf(w, "last run on %s at %s: %d packages, %d objects, %d damaged, %d repaired\n",
		last.Node, last.Finished.Format(time.RFC3339), last.Packages, last.Objects, last.Damaged, last.Repaired)
	if len(r.Findings) == 0 {
		_, err := fmt.Fprintln(w, "no damage found")
		return err
	}
	for _, f := range r.Findings {
		state := "NOT REPAIRED"
		if f.RepairedAt != nil {
			state = "repaired " + f.RepairedAt.Format(time.RFC3339)
		} else if f.RepairError != "" {
			state = "NOT REPAIRED: " + f.RepairError
		}
		if _, err := fmt.Fprintf(w, "%s  %s  %s  %s (%s)\n", f.DetectedAt.Format(time.RFC3339), f.Record, f.Key, state, f.Error); err != nil {
			return err
		}
	}
	return nil
}
