package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/emulator"
)

func init() {
	commands["axis"] = command{"the national document exchange axis: run an emulator, list its directory (axis serve|agencies)", runAxis}
}

const axisUsage = `usage: vanthu axis serve [--addr 127.0.0.1:8090] [--dir DIR] [--systems FILE] [--max-body BYTES]
                         [--tls-cert FILE --tls-key FILE [--client-ca FILE]]
       vanthu axis agencies [--url URL] [--system ID] [--json]

serve runs an axis emulator (docs/axis.md); without --systems it registers the demo
province under the system "vanthu-demo" and a few ministries and provinces under
"vanthu-peer", with secrets from VANTHU_AXIS_DEMO_SECRET and VANTHU_AXIS_PEER_SECRET or
generated once and kept in DIR/demo-secrets.json.
agencies lists an axis's directory (as the system VANTHU_AXIS_SYSTEM with VANTHU_AXIS_SECRET)`

// runAxis is `vanthu axis`: the emulator of the national document exchange axis and a
// look at an axis's directory.
func runAxis(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(axisUsage)}
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		return helpText(axisUsage + "\n")
	case "serve":
		return runAxisServe(ctx, args[1:], stdout)
	case "agencies":
		return runAxisAgencies(ctx, args[1:], stdout)
	default:
		return usageError{fmt.Errorf("unknown axis command %q\n%s", args[0], axisUsage)}
	}
}

var (
	settingAxisAddr           = setting{"--addr", "VANTHU_AXIS_ADDR"}
	settingAxisDir            = setting{"--dir", "VANTHU_AXIS_DIR"}
	settingAxisSystems        = setting{"--systems", "VANTHU_AXIS_SYSTEMS"}
	settingAxisAgenciesURL    = setting{"--url", "VANTHU_AXIS_URL"}
	settingAxisAgenciesSystem = setting{"--system", "VANTHU_AXIS_SYSTEM"}
)

func runAxisServe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("axis serve", flag.ContinueOnError)
	addr := fs.String("addr", envOr(settingAxisAddr.env, "127.0.0.1:8090"), "listen address (loopback by default)")
	dir := fs.String("dir", envOr(settingAxisDir.env, filepath.Join("vanthu-data", "axis")), "directory of the emulator's packages and index")
	systemsFile := fs.String("systems", envOr(settingAxisSystems.env, ""), "JSON file of systems: id, secret, agencies (default: the demo directory)")
	maxBody := fs.Int64("max-body", emulator.DefaultMaxBody, "largest package in bytes, bigger ones are refused with 413 (default: the systems file's max_body, else 100 MB)")
	tlsCert := fs.String("tls-cert", "", "TLS certificate (PEM); plain HTTP when empty")
	tlsKey := fs.String("tls-key", "", "TLS private key (PEM)")
	clientCA := fs.String("client-ca", "", "CA certificates (PEM) of TLS client certificates; a verified certificate's common name is its system id")
	cfg := &config{}
	fs.StringVar(&cfg.LogFormat, "log-format", envOr(settingLogFormat.env, "json"), "json or text")
	fs.StringVar(&cfg.LogLevel, "log-level", envOr(settingLogLevel.env, "info"), "debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *maxBody <= 0 {
		return usageError{errors.New("--max-body must be a positive number of bytes")}
	}
	tlsConfig, err := axisTLS(*tlsCert, *tlsKey, *clientCA)
	if err != nil {
		return err
	}
	logger, err := cfg.logger(os.Stderr)
	if err != nil {
		return err
	}
	ecfg, demo, err := axisSystems(*systemsFile, *dir)
	if err != nil {
		return err
	}
	ecfg.Logger = logger
	if ecfg.MaxBody == 0 || axisFlagGiven(fs, "max-body") {
		ecfg.MaxBody = *maxBody
	}
	if err := ecfg.Validate(); err != nil {
		return settingError{settingAxisSystems, err}
	}
	emu, err := emulator.New(ctx, *dir, ecfg)
	if err != nil {
		return settingError{settingAxisDir, err}
	}
	defer emu.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return settingError{settingAxisAddr, err}
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn), TLSConfig: tlsConfig}
	logger.Info("axis emulator listening", "addr", ln.Addr().String(), "dir", *dir, "systems", len(ecfg.Systems),
		"max_body", ecfg.MaxBody, "version", versionString())
	fmt.Fprintf(stdout, "the axis emulator is serving on %s\n", displayURL(ln.Addr(), *tlsCert != ""))
	if demo {
		// A generated secret is shown, as the demo password is; one from the environment
		// is the operator's already and stays out of the output.
		for _, s := range ecfg.Systems {
			secret := s.Secret
			if env := demoSecretEnv[s.ID]; os.Getenv(env) != "" {
				secret = "$" + env
			}
			fmt.Fprintf(stdout, "system %s (%d agencies): VANTHU_AXIS_SYSTEM=%s VANTHU_AXIS_SECRET=%s\n",
				s.ID, len(s.Agencies), s.ID, secret)
		}
	}
	return serveUntilDone(ctx, srv, ln, *tlsCert, *tlsKey, 30*time.Second)
}

// axisTLS checks the TLS flags and builds the server's TLS configuration for client
// certificates (nil without --client-ca).
func axisTLS(cert, key, clientCA string) (*tls.Config, error) {
	if (cert == "") != (key == "") {
		return nil, usageError{errors.New("--tls-cert and --tls-key: give both or neither")}
	}
	if clientCA == "" {
		return nil, nil
	}
	if cert == "" {
		return nil, usageError{errors.New("--client-ca needs --tls-cert and --tls-key")}
	}
	pem, err := os.ReadFile(clientCA)
	if err != nil {
		return nil, usageError{fmt.Errorf("--client-ca: %w", err)}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usageError{fmt.Errorf("--client-ca: %s holds no PEM certificate", clientCA)}
	}
	return &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// axisSystems reads the systems file, or builds the demo directory (demo says so).
func axisSystems(path, dir string) (cfg emulator.Config, demo bool, err error) {
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return cfg, false, settingError{settingAxisSystems, err}
		}
		defer f.Close()
		cfg, err = emulator.ParseSystems(f)
		if err != nil {
			return cfg, false, settingError{settingAxisSystems, fmt.Errorf("%s: %w", path, err)}
		}
		return cfg, false, nil
	}
	secrets, err := demoAxisSecrets(dir)
	if err != nil {
		return cfg, true, settingError{settingAxisDir, err}
	}
	var province []axis.Agency
	for _, e := range seed.Directory() {
		province = append(province, axis.Agency{Code: e.Code, Name: e.Name, ParentCode: e.ParentCode})
	}
	for id, secret := range map[string]string{emulator.DemoSystem: secrets.Demo, emulator.PeerSystem: secrets.Peer} {
		if len(secret) < 8 {
			return cfg, true, fmt.Errorf("%s: the secret of %s is shorter than 8 characters", demoSecretEnv[id], id)
		}
	}
	return emulator.Demo(secrets.Demo, secrets.Peer, province), true, nil
}

// demoSecrets are the demo systems' secrets: from the environment, else generated on the
// first start and kept in the emulator's directory so that a restart keeps them.
type demoSecrets struct {
	Demo string `json:"vanthu-demo"`
	Peer string `json:"vanthu-peer"`
}

// demoSecretEnv names the environment variable of each demo system's secret.
var demoSecretEnv = map[string]string{emulator.DemoSystem: "VANTHU_AXIS_DEMO_SECRET", emulator.PeerSystem: "VANTHU_AXIS_PEER_SECRET"}

func demoAxisSecrets(dir string) (demoSecrets, error) {
	path := filepath.Join(dir, "demo-secrets.json")
	var kept demoSecrets
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &kept); err != nil {
			return kept, fmt.Errorf("%s: %w", path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return kept, err
	}
	if kept.Demo == "" || kept.Peer == "" {
		kept = demoSecrets{Demo: rand.Text(), Peer: rand.Text()}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return kept, err
		}
		raw, _ := json.Marshal(kept)
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			return kept, err
		}
	}
	kept.Demo = envOr(demoSecretEnv[emulator.DemoSystem], kept.Demo)
	kept.Peer = envOr(demoSecretEnv[emulator.PeerSystem], kept.Peer)
	return kept, nil
}

func runAxisAgencies(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("axis agencies", flag.ContinueOnError)
	url := fs.String("url", envOr(settingAxisAgenciesURL.env, "http://127.0.0.1:8090"), "the axis's base URL")
	system := fs.String("system", envOr(settingAxisAgenciesSystem.env, ""), "this system's id on the axis")
	asJSON := fs.Bool("json", false, "print JSON")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *system == "" {
		return settingError{settingAxisAgenciesSystem, errors.New("required: the system id the axis knows this instance by")}
	}
	// The secret never comes from a flag: a command line shows in the process list.
	client, err := axis.NewClient(*url, *system, os.Getenv("VANTHU_AXIS_SECRET"))
	if err != nil {
		return settingError{settingAxisAgenciesURL, err}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	list, err := client.Agencies(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tSYSTEM\tPARENT")
	for _, a := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Code, a.Name, a.SystemID, a.ParentCode)
	}
	return tw.Flush()
}

// axisFlagGiven reports whether the command line gave the flag name.
func axisFlagGiven(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
