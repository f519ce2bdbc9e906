package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/storage"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// config is what every subcommand shares. Each setting comes from its flag, else its
// VANTHU_* environment variable, else a default under --data.
type config struct {
	Data        string
	DatabaseURL string
	BlobURL     string
	ReplicaURL  string
	LogFormat   string
	LogLevel    string
	S3          blob.Credentials
}

// setting names a configuration value by both of its spellings, for error messages.
type setting struct{ flag, env string }

var (
	settingData      = setting{"--data", "VANTHU_DATA"}
	settingDatabase  = setting{"--database-url", "VANTHU_DATABASE_URL"}
	settingBlob      = setting{"--blob-url", "VANTHU_BLOB_URL"}
	settingLogFormat = setting{"--log-format", "VANTHU_LOG_FORMAT"}
	settingLogLevel  = setting{"--log-level", "VANTHU_LOG_LEVEL"}
)

func (s setting) String() string { return s.env + " (" + s.flag + ")" }

// settingError is a wrong or unusable setting: one line naming it.
type settingError struct {
	setting setting
	err     error
}

func (e settingError) Error() string { return e.setting.String() + ": " + e.err.Error() }
func (e settingError) Unwrap() error { return e.err }

func envOr(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

// bindConfig registers the shared flags on fs.
func bindConfig(fs *flag.FlagSet) *config {
	c := &config{}
	fs.StringVar(&c.Data, "data", envOr(settingData.env, "vanthu-data"), "directory for the embedded database and files")
	fs.StringVar(&c.DatabaseURL, "database-url", envOr(settingDatabase.env, ""), "postgres://… or sqlite:///path (default: SQLite under --data)")
	fs.StringVar(&c.BlobURL, "blob-url", envOr(settingBlob.env, ""), "s3://bucket?endpoint=host:port or file:///path (default: files under --data)")
	fs.StringVar(&c.ReplicaURL, "replica-blob-url", envOr("VANTHU_REPLICA_BLOB_URL", ""), "second blob store holding a replica of archived objects (optional)")
	fs.StringVar(&c.LogFormat, "log-format", envOr(settingLogFormat.env, "json"), "json or text")
	fs.StringVar(&c.LogLevel, "log-level", envOr(settingLogLevel.env, "info"), "debug, info, warn or error")
	c.S3 = blob.Credentials{
		AccessKey: envOr("VANTHU_S3_ACCESS_KEY", os.Getenv("AWS_ACCESS_KEY_ID")),
		SecretKey: envOr("VANTHU_S3_SECRET_KEY", os.Getenv("AWS_SECRET_ACCESS_KEY")),
	}
	return c
}

// parseFlags parses args, turning flag-package errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpText(flagUsage(fs))
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// embedded reports whether the database is the zero-setup default under --data.
func (c *config) embedded() bool { return c.DatabaseURL == "" }

func (c *config) databaseURL() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return "sqlite://" + filepath.Join(c.Data, "vanthu.db")
}

func (c *config) blobURL() string {
	if c.BlobURL != "" {
		return c.BlobURL
	}
	abs, err := filepath.Abs(filepath.Join(c.Data, "blobs"))
	if err != nil {
		abs = filepath.Join(c.Data, "blobs")
	}
	return "file://" + filepath.ToSlash(abs)
}

// logger builds the process's logger and makes it the default.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, settingError{settingLogLevel, fmt.Errorf("%q is not debug, info, warn or error", c.LogLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	var logger *slog.Logger
	switch strings.ToLower(c.LogFormat) {
	case "json":
		logger = slog.New(slog.NewJSONHandler(w, opts))
	case "text":
		logger = slog.New(slog.NewTextHandler(w, opts))
	default:
		return nil, settingError{settingLogFormat, fmt.Errorf("%q is not json or text", c.LogFormat)}
	}
	// Packages below log through the default logger (migrations, background jobs).
	slog.SetDefault(logger)
	return logger, nil
}

// openDatabase opens the metadata database; migrate brings its schema up to date.
func (c *config) openDatabase(ctx context.Context) (*sqlstore.Store, error) {
	if c.embedded() {
		if err := os.MkdirAll(c.Data, 0o750); err != nil {
			return nil, settingError{settingData, err}
		}
	}
	store, err := storage.OpenDatabase(ctx, c.databaseURL())
	if err != nil {
		return nil, settingError{settingDatabase, err}
	}
	return store, nil
}

// openStores opens and checks both stores before changing anything, so that a wrong
// setting fails before any migration runs, then migrates the database.
func (c *config) openStores(ctx context.Context) (*sqlstore.Store, blob.Store, error) {
	store, err := c.openDatabase(ctx)
	if err != nil {
		return nil, nil, err
	}
	blobs, err := c.openBlobs(ctx)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	if err := c.migrate(ctx, store); err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, blobs, nil
}

// openMigrated is what the operator's commands start with: logs on stderr, the database
// opened and migrated.
func (c *config) openMigrated(ctx context.Context) (*sqlstore.Store, error) {
	if _, err := c.logger(os.Stderr); err != nil {
		return nil, err
	}
	store, err := c.openDatabase(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.migrate(ctx, store); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// openMigratedStores is openMigrated for the commands that read or write blobs too: both
// stores are opened and checked before the migration runs.
func (c *config) openMigratedStores(ctx context.Context) (*sqlstore.Store, blob.Store, error) {
	if _, err := c.logger(os.Stderr); err != nil {
		return nil, nil, err
	}
	return c.openStores(ctx)
}

func (c *config) migrate(ctx context.Context, store *sqlstore.Store) error {
	if _, err := store.Migrate(ctx); err != nil {
		return settingError{settingDatabase, fmt.Errorf("migrate: %w", err)}
	}
	return nil
}

// openReplicas opens the replica blob store of archived objects, when one is configured.
func (c *config) openReplicas(ctx context.Context) ([]blob.Store, error) {
	if c.ReplicaURL == "" {
		return nil, nil
	}
	s, err := blob.Open(ctx, c.ReplicaURL, c.S3)
	if err != nil {
		return nil, settingError{setting{"--replica-blob-url", "VANTHU_REPLICA_BLOB_URL"}, err}
	}
	return []blob.Store{s}, nil
}

func (c *config) openBlobs(ctx context.Context) (blob.Store, error) {
	s, err := blob.Open(ctx, c.blobURL(), c.S3)
	if err != nil {
		return nil, settingError{settingBlob, err}
	}
	return s, nil
}

// eventFlags are serve's settings for e-mail notifications and webhooks.
type eventFlags struct {
	smtpURL, smtpFrom, webhookTimeout string
	maxAttempts                       int
	allowLoopback                     bool
}

func bindEventSettings(fs *flag.FlagSet) *eventFlags {
	e := &eventFlags{}
	fs.StringVar(&e.smtpURL, "smtp-url", envOr("VANTHU_SMTP_URL", ""), "smtp://user:password@host:port for e-mail notifications (none: no e-mail)")
	fs.StringVar(&e.smtpFrom, "smtp-from", envOr("VANTHU_SMTP_FROM", ""), `sender of e-mail notifications, e.g. "Văn thư <vanthu@example.gov.vn>"`)
	fs.StringVar(&e.webhookTimeout, "webhook-timeout", envOr("VANTHU_WEBHOOK_TIMEOUT", "10s"), "time a webhook receiver has to answer")
	attempts, err := strconv.Atoi(envOr("VANTHU_DELIVERY_MAX_ATTEMPTS", "8"))
	if err != nil {
		attempts = -1 // reported by settings(), naming the variable
	}
	fs.IntVar(&e.maxAttempts, "delivery-max-attempts", attempts, "tries of a webhook or e-mail before it is marked failed")
	fs.BoolVar(&e.allowLoopback, "webhook-allow-loopback", envOr("VANTHU_WEBHOOK_ALLOW_LOOPBACK", "") == "true",
		"let webhooks post to this machine's loopback addresses (a receiver on the same host; tests)")
	return e
}

// settings checks the values and turns them into the deliveries' settings.
func (e *eventFlags) settings() (events.DeliverySettings, error) {
	st := events.DeliverySettings{WebhookAllowLoopback: e.allowLoopback}
	if e.maxAttempts < 1 || e.maxAttempts > 100 {
		return st, settingError{setting{"--delivery-max-attempts", "VANTHU_DELIVERY_MAX_ATTEMPTS"}, errors.New("must be a whole number from 1 to 100")}
	}
	st.MaxAttempts = e.maxAttempts
	d, err := time.ParseDuration(e.webhookTimeout)
	if err != nil || d < time.Second || d > 5*time.Minute {
		return st, settingError{setting{"--webhook-timeout", "VANTHU_WEBHOOK_TIMEOUT"}, fmt.Errorf("%q must be a duration from 1s to 5m", e.webhookTimeout)}
	}
	st.WebhookTimeout = d
	smtpSetting := setting{"--smtp-url", "VANTHU_SMTP_URL"}
	fromSetting := setting{"--smtp-from", "VANTHU_SMTP_FROM"}
	switch {
	case e.smtpURL == "" && e.smtpFrom != "":
		return st, settingError{smtpSetting, errors.New("required when VANTHU_SMTP_FROM is set")}
	case e.smtpURL == "":
		return st, nil
	}
	st.Mail, err = events.ParseSMTP(e.smtpURL)
	if err != nil {
		return st, settingError{smtpSetting, err}
	}
	if e.smtpFrom == "" {
		return st, settingError{fromSetting, errors.New("required with VANTHU_SMTP_URL")}
	}
	if st.Mail.From, err = events.ParseFrom(e.smtpFrom); err != nil {
		return st, settingError{fromSetting, err}
	}
	return st, nil
}
