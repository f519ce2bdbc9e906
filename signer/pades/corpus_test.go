package pades

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const corpusDir = "/work/shared/corpus/pades-dss"

type corpusEntry struct {
	File      string `json:"file"`
	Size      int    `json:"size"`
	Intact    bool   `json:"intact"`
	Malformed bool   `json:"malformed"`
	Observed  struct {
		QPDFWarnings bool `json:"qpdf_warnings"`
	} `json:"observed"`
}

// Files above 512 KiB are left out to keep the suite fast; the ones kept
// still cover classic and stream xrefs, DSS, DocMDP and broken inputs.

// corpusFiles lists the DSS corpus; tests skip when it is not mounted.
func corpusFiles(t testing.TB) []corpusEntry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	if err != nil {
		t.Skipf("PAdES corpus not available: %v", err)
	}
	var entries []corpusEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestSignCorpus adds the agency signature to real signed PDFs from EU DSS
// and checks that every signature poppler accepted before is still
// accepted after, and that the new one is valid and covers everything.
func TestSignCorpus(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	for _, e := range corpusFiles(t) {
		if e.Malformed || e.Observed.QPDFWarnings || e.Size > 512<<10 {
			continue
		}
		t.Run(e.File, func(t *testing.T) {
			t.Parallel()
			in := readFile(t, filepath.Join(corpusDir, e.File))
			before := runPdfsig(t, in)
			out, err := Sign(context.Background(), in, p.agencyOptions(LevelBB))
			if err != nil {
				if strings.Contains(err.Error(), "encrypted") || strings.Contains(err.Error(), "P=1") {
					t.Skipf("refused as designed: %v", err)
				}
				if _, clean := qpdfClean(t, in); !clean {
					t.Skipf("input is broken and qpdf warns about it too: %v", err)
				}
				t.Fatalf("sign: %v", err)
			}
			// Inputs qpdf already complains about keep those complaints.
			if _, clean := qpdfClean(t, in); clean {
				qpdfCheck(t, out)
			}
			after := runPdfsig(t, out)
			if len(after.valid) != len(before.valid)+1 {
				t.Fatalf("pdfsig saw %d signatures before and %d after:\n%s", len(before.valid), len(after.valid), after.raw)
			}
			for i, ok := range before.valid {
				if ok && !after.valid[i] {
					t.Fatalf("signature #%d was valid before and is not after:\n%s", i+1, after.raw)
				}
			}
			if !after.valid[len(before.valid)] || !after.totalLast {
				t.Fatalf("new signature invalid or not covering the document:\n%s", after.raw)
			}
		})
	}
}

// TestExtendCorpus raises real signed PDFs to B-LTA: every signature that
// poppler accepted before must still be accepted after.
func TestExtendCorpus(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	for _, e := range corpusFiles(t) {
		if e.Malformed || e.Observed.QPDFWarnings || e.Size > 512<<10 {
			continue
		}
		t.Run(e.File, func(t *testing.T) {
			t.Parallel()
			in := readFile(t, filepath.Join(corpusDir, e.File))
			before := runPdfsig(t, in)
			out, err := Extend(context.Background(), in, LevelBLTA, ExtendOptions{Timestamper: p, Revocation: p})
			if err != nil {
				if len(before.valid) == 0 || strings.Contains(err.Error(), "encrypted") || strings.Contains(err.Error(), "P=1") ||
					strings.Contains(err.Error(), "could be read") {
					t.Skipf("refused as designed: %v", err)
				}
				if _, clean := qpdfClean(t, in); !clean {
					t.Skipf("input is broken and qpdf warns about it too: %v", err)
				}
				t.Fatalf("extend: %v", err)
			}
			if _, clean := qpdfClean(t, in); clean {
				qpdfCheck(t, out)
			}
			after := runPdfsig(t, out)
			if len(after.valid) != len(before.valid)+1 {
				t.Fatalf("pdfsig saw %d signatures before and %d after:\n%s", len(before.valid), len(after.valid), after.raw)
			}
			for i, ok := range before.valid {
				if ok && !after.valid[i] {
					t.Fatalf("signature #%d was valid before and is not after:\n%s", i+1, after.raw)
				}
			}
			if !bytes.Contains(out[len(in):], []byte("/Type /DSS")) || !after.totalLast {
				t.Fatalf("no /DSS or the document timestamp does not cover the file:\n%s", after.raw)
			}
		})
	}
}
