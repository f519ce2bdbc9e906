// Package indexing keeps the search index up to date: documents changed since they were
// last indexed are indexed again with the text of their newest PDF, scans read through OCR.
package indexing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/pdftext"
	"github.com/vanthu/vanthu/storage/blob"
)

// Config is what an Indexer reads from.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Blobs  blob.Store
	Logger *slog.Logger
	// BatchSize is the most documents one RunOnce indexes; default 200.
	BatchSize int
}

// Indexer indexes stale documents with their PDFs' text.
type Indexer struct {
	cfg Config
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Indexer, error) {
	if cfg.Engine == nil || cfg.Store == nil || cfg.Blobs == nil {
		return nil, errors.New("indexing: Engine, Store and Blobs are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 200
	}
	return &Indexer{cfg: cfg}, nil
}

// RunOnce indexes at most BatchSize stale documents and says how many it indexed: fewer
// than BatchSize means none is left.
func (ix *Indexer) RunOnce(ctx context.Context) (int, error) {
	n, err := ix.cfg.Engine.IndexStale(ctx, ix.cfg.BatchSize, ix.Text)
	if err != nil {
		return n, fmt.Errorf("index stale documents: %w", err)
	}
	return n, nil
}

// Text is the text layer of a document's newest PDF, or "" when it has none that can be
// read: a document is indexed by its metadata even when its file is not.
func (ix *Indexer) Text(ctx context.Context, d engine.Document) string {
	files, err := ix.cfg.Store.FileListByDocument(ctx, d.ID)
	if err != nil || len(files) == 0 {
		return ""
	}
	f := files[len(files)-1]
	r, err := ix.cfg.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return ""
	}
	defer r.Close()
	// pdftext reads at random offsets and OCR reads a path, so the PDF is spooled to disk.
	tmp, err := os.CreateTemp("", "vanthu-index-*.pdf")
	if err != nil {
		return ""
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, r); err != nil {
		return ""
	}
	text, _ := pdftext.Extract(ctx, tmp, f.Size, pdftext.Options{MaxPages: 200})
	if text.NeedsOCR() {
		// A scan: read it with Tesseract's Vietnamese model when the machine has it.
		octx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if ocr, err := pdftext.OCR(octx, tmp.Name(), "vie"); err == nil {
			text = ocr
		}
	}
	return strings.Join(text.Pages, " ")
}
