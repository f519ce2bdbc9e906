package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// demoPKI is the demo CA (NOT FOR PRODUCTION) with its OCSP responder, CRLs and timestamp
// authority answering on the loopback address its certificates name. The address is kept
// in the CA's directory, so that every later run — `vanthu serve` for as long as it
// runs, `vanthu demo` for its fortnight — answers where the certificates of earlier runs
// point, and their signatures keep validating.
type demoPKI struct {
	ca      *pkidemo.CA
	baseURL string // what the certificates name: http://127.0.0.1:PORT
	tsaURL  string // where this run's timestamps come from
	srv     *http.Server
}

// demoPKIDir is where the demo CA keeps its keys, register and address.
func demoPKIDir(dataDir string) string { return filepath.Join(dataDir, "demo-pki") }

// demoPKIExists reports whether the data directory holds a demo CA: only then does serve
// answer for it.
func demoPKIExists(dataDir string) bool {
	_, err := os.Stat(filepath.Join(demoPKIDir(dataDir), "root.key.pem"))
	return err == nil
}

// serveDemoPKI starts the demo CA for serve when the demo PKI is in use: the data
// directory holds one, or this is the embedded default's demo province (whose first start
// creates it). Otherwise it returns nil, and serve answers for no CA.
func serveDemoPKI(ctx context.Context, cfg *config, store *sqlstore.Store) (*demoPKI, error) {
	if !demoPKIExists(cfg.Data) {
		if !cfg.embedded() {
			return nil, nil
		}
		n, err := store.AgencyCount(ctx)
		if err != nil {
			return nil, fmt.Errorf("count agencies: %w", err)
		}
		if n > 0 {
			_, err := store.UserGetByUsername(ctx, "vanthu.tinh")
			if errors.Is(err, engine.ErrNotFound) {
				return nil, nil // not the demo province
			}
			if err != nil {
				return nil, fmt.Errorf("look for the demo province: %w", err)
			}
		}
	}
	p, err := startDemoPKI(ctx, demoPKIDir(cfg.Data))
	if err != nil {
		return nil, err
	}
	slog.Info("demo CA (NOT FOR PRODUCTION): OCSP, CRLs and timestamps answered", "address", p.baseURL)
	return p, nil
}

// startDemoPKI loads or creates the demo CA in dir and serves it on its loopback address.
// When another process already answers there for the same CA (a `vanthu demo` next to a
// running `vanthu serve`), this one uses it; when something else holds the port, this run
// serves on a port of its own and the certificates keep naming the usual one.
func startDemoPKI(ctx context.Context, dir string) (*demoPKI, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	portFile := filepath.Join(dir, "port")
	port := ""
	if b, err := os.ReadFile(portFile); err == nil {
		port = strings.TrimSpace(string(b))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	ln, listenErr := net.Listen("tcp", "127.0.0.1:"+cmp.Or(port, "0"))
	if port == "" { // the first run picks the address for good
		if listenErr != nil {
			return nil, fmt.Errorf("demo CA: listen: %w", listenErr)
		}
		_, port, _ = net.SplitHostPort(ln.Addr().String())
		if err := os.WriteFile(portFile, []byte(port+"\n"), 0o600); err != nil {
			ln.Close()
			return nil, fmt.Errorf("demo CA: %w", err)
		}
	}
	p, err := loadDemoCA(dir, "http://127.0.0.1:"+port)
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, err
	}
	if listenErr != nil { // the address is taken
		if answersFor(ctx, p.baseURL, p.ca) {
			return p, nil
		}
		slog.Warn("demo CA: its address is taken by another program; serving on another port for this run, "+
			"so the revocation data of earlier demo certificates cannot be fetched until it is free", "address", p.baseURL)
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("demo CA: listen: %w", err)
		}
		p.tsaURL = "http://" + ln.Addr().String() + "/tsa"
	}
	p.srv = &http.Server{Handler: p.ca.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// loadDemoCA loads or creates the CA whose certificates point at base, and trusts its root.
func loadDemoCA(dir, base string) (*demoPKI, error) {
	ca, err := pkidemo.New(dir, pkidemo.WithBaseURL(base))
	if err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	ca.SetBaseURL(base)
	if err := trustDemoRoot(ca, filepath.Join(filepath.Dir(dir), "trust")); err != nil {
		return nil, err
	}
	return &demoPKI{ca: ca, baseURL: base, tsaURL: base + "/tsa"}, nil
}

// Close stops answering, if this run answered.
func (p *demoPKI) Close() error {
	if p == nil || p.srv == nil {
		return nil
	}
	return p.srv.Close()
}

// trustDemoRoot puts the demo's root into the data directory's trust store, so that
// `vanthu verify` and the server accept the demo's documents; the file says what it is.
func trustDemoRoot(ca *pkidemo.CA, trustDir string) error {
	if err := os.MkdirAll(trustDir, 0o750); err != nil {
		return fmt.Errorf("demo CA: trust store: %w", err)
	}
	rootPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Root().Raw})
	if err := os.WriteFile(filepath.Join(trustDir, "vanthu-demo-root-NOT-FOR-PRODUCTION.pem"), rootPEM, 0o644); err != nil {
		return fmt.Errorf("demo CA: trust store: %w", err)
	}
	return nil
}

// answersFor reports whether the server at base serves this CA (its root certificate).
func answersFor(ctx context.Context, base string, ca *pkidemo.CA) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ca/root.crt", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return err == nil && resp.StatusCode == http.StatusOK && bytes.Equal(b, ca.Root().Raw)
}
