// Package axistest starts vanthu's axis emulator in the test's process, on a loopback
// port, for tests of the code that exchanges documents over the axis.
package axistest

import (
	"context"
	"net"
	"net/http/httptest"
	"testing"

	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/emulator"
)

// Secrets of the systems of TwoSystems.
const (
	DemoSecret = "demo-secret-for-tests"
	PeerSecret = "peer-secret-for-tests"
)

// TwoSystems is a directory for a two-instance test: emulator.DemoSystem receives for
// the given agencies (the demo province's codes, say), emulator.PeerSystem for the
// peer's (emulator.PeerAgencies when none are given).
func TwoSystems(demo []axis.Agency, peer ...axis.Agency) emulator.Config {
	if len(peer) == 0 {
		peer = emulator.PeerAgencies
	}
	cfg := emulator.Demo(DemoSecret, PeerSecret, demo)
	cfg.Systems[1].Agencies = append([]axis.Agency(nil), peer...)
	return cfg
}

// Start runs an emulator with cfg, its state in a temporary directory, until the test
// ends, and returns its base URL (http://127.0.0.1:port).
func Start(t testing.TB, cfg emulator.Config) string {
	t.Helper()
	return StartServer(t, t.TempDir(), cfg).URL
}

// Server is an emulator that a test can stop and start again on the same address and
// directory, as an axis that goes away and comes back.
type Server struct {
	URL  string
	Dir  string
	t    testing.TB
	cfg  emulator.Config
	addr string
	emu  *emulator.Emulator
	srv  *httptest.Server
}

// StartServer runs an emulator on dir (kept across Stop and Start) until the test ends.
func StartServer(t testing.TB, dir string, cfg emulator.Config) *Server {
	t.Helper()
	s := &Server{t: t, Dir: dir, cfg: cfg, addr: "127.0.0.1:0"}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start starts a stopped server again, on the same address and directory.
func (s *Server) Start() {
	s.t.Helper()
	if s.srv != nil {
		return
	}
	emu, err := emulator.New(context.Background(), s.Dir, s.cfg)
	if err != nil {
		s.t.Fatalf("axis emulator: %v", err)
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		emu.Close()
		s.t.Fatalf("axis emulator: listen on %s: %v", s.addr, err)
	}
	srv := httptest.NewUnstartedServer(emu)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	s.emu, s.srv, s.addr, s.URL = emu, srv, ln.Addr().String(), srv.URL
}

// Stop closes connections (requests in flight fail) and the emulator's index.
func (s *Server) Stop() {
	if s.srv == nil {
		return
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
	if err := s.emu.Close(); err != nil {
		s.t.Errorf("axis emulator: close: %v", err)
	}
	s.srv, s.emu = nil, nil
}

// Client is a client of the emulator at url as the system id with its secret, failing
// the test on a bad URL.
func Client(t testing.TB, url, system, secret string) *axis.Client {
	t.Helper()
	c, err := axis.NewClient(url, system, secret)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
