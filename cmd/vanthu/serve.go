package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/api"
	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/pki"
)

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := bindConfig(fs)
	addr := fs.String("addr", envOr("VANTHU_ADDR", ":8080"), "listen address")
	tlsCert := fs.String("tls-cert", envOr("VANTHU_TLS_CERT", ""), "TLS certificate (PEM); plain HTTP when empty")
	tlsKey := fs.String("tls-key", envOr("VANTHU_TLS_KEY", ""), "TLS private key (PEM)")
	behindTLSProxy := fs.Bool("behind-tls-proxy", envOr("VANTHU_BEHIND_TLS_PROXY", "") == "true",
		"a reverse proxy terminates TLS: mark cookies Secure")
	evs := bindEventSettings(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	eventSettings, err := evs.settings()
	if err != nil {
		return err
	}
	axisCfg, err := readAxisSettings()
	if err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return settingError{setting{"--tls-cert/--tls-key", "VANTHU_TLS_CERT/VANTHU_TLS_KEY"}, errors.New("give both or neither")}
	}
	logger, err := cfg.logger(os.Stderr)
	if err != nil {
		return err
	}
	store, blobs, err := cfg.openStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	// The demo CA (NOT FOR PRODUCTION), where there is one, answers its OCSP, CRLs and
	// timestamps for as long as serve runs, at the address its certificates name.
	demo, err := serveDemoPKI(ctx, cfg, store)
	if err != nil {
		return err
	}
	defer demo.Close()
	if err := ensureDemo(ctx, cfg, store, blobs, demo, stdout); err != nil {
		return err
	}

	roots, anchors, err := signer.LoadTrust(cfg.trustStore()...)
	if err != nil {
		return settingError{setting{"--data", "VANTHU_TRUST_DIR"}, err}
	}
	logger.Info("trust store", "anchors", len(anchors))
	eng := engine.New(store)
	// Validation trusts the files' anchors and those administrators add, on every node at once.
	trust := engine.NewTrustPool(store, anchors)
	replicas, err := cfg.openReplicas(ctx)
	if err != nil {
		return err
	}
	// Background work (jobs_wiring.go): every service adds its workers here; the job
	// queue starts once the handler is built, and runs periodic work once per cluster.
	workers := river.NewWorkers()
	periodic, archiveMetrics, err := registerPeriodic(backgroundDeps{cfg: cfg, eng: eng, store: store, blobs: blobs,
		replicas: replicas, logger: logger}, workers)
	if err != nil {
		return err
	}
	// The national exchange axis (axis_exchange.go), when configured: its sends and
	// statuses are jobs enqueued by a transaction hook, its rounds periodic jobs.
	exchangeSvc, exchangePeriodic, err := registerExchange(backgroundDeps{cfg: cfg, eng: eng, store: store, blobs: blobs,
		logger: logger}, axisCfg, trust, workers)
	if err != nil {
		return err
	}
	periodic = append(periodic, exchangePeriodic...)
	// Webhooks and e-mails are jobs too, enqueued in the transaction of the change that
	// causes them: the hook is in place before any job runs.
	deliveries := events.NewDeliveries(store, eventSettings, logger)
	deliveries.AddWorkers(workers)
	queue, err := newJobs(store, logger, workers, periodic)
	if err != nil {
		return err
	}
	store.AddTxHook(deliveries.TxHook(queue))
	if exchangeSvc != nil {
		store.AddTxHook(exchangeSvc.TxHook(queue))
	}
	revocation := pki.NewRevocation(&http.Client{Timeout: 10 * time.Second}, nil)
	// Signatures made in the UI and API are B-B; with a timestamp authority they carry a
	// timestamp and the revocation data (B-LT), as Decree 30 documents should. The demo's
	// are B-LT from the demo CA.
	kr := keyring.Config{Engine: eng, Store: store, Blobs: blobs, Logger: logger}
	if tsa := os.Getenv(settingTSA.env); tsa != "" {
		kr.Timestamper, kr.Revocation = &pki.TSAClient{URL: tsa}, revocation
	} else if demo != nil {
		kr.Timestamper = &pki.TSAClient{URL: demo.tsaURL}
		kr.Revocation = pki.NewRevocation(&http.Client{Timeout: 10 * time.Second}, demo.ca.Issuers())
		kr.ExtraCertificates = []*x509.Certificate{demo.ca.TSACertificate()}
	}
	handler := api.New(api.Deps{Engine: eng, Store: store, Blobs: blobs, Logger: logger, Version: versionString(),
		TrustRoots: roots, Trust: trust, Revocation: revocation, Signer: keyring.New(kr),
		SecureCookies: *tlsCert != "" || *behindTLSProxy, Collectors: archiveMetrics, Replicas: replicas,
		AxisEnabled: exchangeSvc != nil, Jobs: queue})
	handler.Events().Start(ctx)
	defer handler.Events().Stop()
	stopJobs, err := startJobs(ctx, queue, logger)
	if err != nil {
		return err
	}
	defer stopJobs()
	// End of the background work's wiring.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return settingError{setting{"--addr", "VANTHU_ADDR"}, err}
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", ln.Addr().String(), "tls", *tlsCert != "", "version", versionString(),
		"database", cfg.redactedDatabaseURL(), "blobs", cfg.blobURL())
	fmt.Fprintf(stdout, "vanthu is serving on %s\n", displayURL(ln.Addr(), *tlsCert != ""))
	return serveUntilDone(ctx, srv, ln, *tlsCert, *tlsKey, 30*time.Second)
}

// serveUntilDone serves until ctx ends (SIGTERM, Ctrl-C), then stops taking connections
// and lets requests in flight finish, for at most grace.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, certFile, keyFile string, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests in flight", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	slog.Info("stopped")
	return nil
}

func displayURL(a net.Addr, tls bool) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return scheme + "://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
