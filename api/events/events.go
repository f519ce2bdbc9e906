// Package events tells people and systems what changed: live inbox counts over
// Server-Sent Events, signed webhooks for integrations, and e-mail notifications.
//
// Live counts are per node (Service). Webhooks and e-mails are durable jobs of the job
// queue (Deliveries): a store transaction hook enqueues them in the same transaction as
// the audited change or notification that causes them, so that they commit together, and
// any node's workers deliver them at least once, retrying with backoff.
package events

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// OpenAPI is this package's fragment of the API description.
//
//go:embed openapi.json
var OpenAPI []byte

// Config is what the service needs.
type Config struct {
	Engine *engine.Engine
	Store  engine.Store
	Logger *slog.Logger
}

// Settings tune the live counts; zero fields take the defaults.
type Settings struct {
	// PollInterval is how often a node looks at the audit chain heads of the agencies of
	// its connected users (default 1 s); RefreshInterval how often it recomputes every
	// connected user's counts anyway, for deadlines passing and reminders (default 1 min).
	PollInterval    time.Duration
	RefreshInterval time.Duration
	// Heartbeat is the interval of ": ping" comments on idle streams (default 25 s).
	Heartbeat time.Duration
}

func (s Settings) withDefaults() Settings {
	def(&s.PollInterval, time.Second)
	def(&s.RefreshInterval, time.Minute)
	def(&s.Heartbeat, 25*time.Second)
	return s
}

func def(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// DeliverySettings tune webhook deliveries and e-mails; zero fields take the defaults.
type DeliverySettings struct {
	// Mail sends e-mail notifications; nil queues none.
	Mail *SMTP
	// WebhookTimeout bounds one delivery attempt (default 10 s).
	WebhookTimeout time.Duration
	// MaxAttempts is the number of tries of a webhook delivery or an e-mail before it is
	// given up and marked failed (default 8); RetryBase the first backoff (default 30 s),
	// doubled on every failure up to 1 h, with jitter.
	MaxAttempts int
	RetryBase   time.Duration
	// HTTPClient posts webhooks (default: a client with WebhookTimeout that never
	// follows redirects and never connects to loopback, link-local — where clouds keep
	// their metadata service — multicast or unspecified addresses).
	HTTPClient *http.Client
	// WebhookAllowLoopback lets the default client post to this machine (tests).
	WebhookAllowLoopback bool
}

func (s DeliverySettings) withDefaults() DeliverySettings {
	def(&s.WebhookTimeout, 10*time.Second)
	def(&s.RetryBase, 30*time.Second)
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 8
	}
	if s.HTTPClient == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		// The address is checked as dialled, after name resolution, so that a name
		// resolving to a forbidden address is refused too.
		dialer := &net.Dialer{Timeout: s.WebhookTimeout, Control: refuseAddresses(s.WebhookAllowLoopback)}
		transport.DialContext = dialer.DialContext
		s.HTTPClient = &http.Client{Timeout: s.WebhookTimeout, Transport: transport,
			// A webhook answers where it is: following redirects would post elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return s
}

// refuseAddresses keeps webhooks, whose URLs agency admins choose, away from this
// machine's own services and the cloud metadata service.
func refuseAddresses(allowLoopback bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("webhook address %q: %w", host, err)
		}
		ip = ip.Unmap()
		if ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
			(ip.IsLoopback() && !allowLoopback) {
			return fmt.Errorf("webhooks may not be sent to %s", ip)
		}
		return nil
	}
}

// Service streams live counts and serves the webhook subscriptions and their log.
type Service struct {
	cfg      Config
	settings Settings
	hub      *hub

	mu      sync.Mutex
	started bool
	stop    chan struct{}
	closing chan struct{} // closed when the service stops: streams end
	done    sync.WaitGroup
}

// New returns the service.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{cfg: cfg, settings: Settings{}.withDefaults(), hub: newHub(), stop: make(chan struct{}),
		closing: make(chan struct{})}
}

// Configure sets the live counts' settings; call it before Start.
func (s *Service) Configure(st Settings) { s.settings = st.withDefaults() }

// Routes registers the event endpoints.
func (s *Service) Routes(mux httpx.Mux) {
	mux.HandleFunc("GET /api/v1/events/inbox", s.streamInbox)
	mux.HandleFunc("POST /api/v1/webhooks", s.createWebhook)
	mux.HandleFunc("GET /api/v1/webhooks", s.listWebhooks)
	mux.HandleFunc("DELETE /api/v1/webhooks/{id}", s.deleteWebhook)
	mux.HandleFunc("GET /api/v1/webhooks/{id}/deliveries", s.listDeliveries)
}

// Start runs this node's live counts until Stop or ctx ends. When ctx ends (the server is
// shutting down), open event streams end at once so that they never hold up a graceful
// shutdown.
func (s *Service) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	ctx, cancel := context.WithCancel(ctx)
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		select {
		case <-ctx.Done():
		case <-s.stop:
		}
		cancel()
		close(s.closing)
	}()
	s.loop(ctx, s.settings.PollInterval, s.pollHeads)
	s.loop(ctx, s.settings.RefreshInterval, func(context.Context) { s.hub.signalAll() })
}

// Stop stops the live counts and waits for them.
func (s *Service) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.done.Wait()
}

// loop runs fn every interval until ctx ends.
func (s *Service) loop(ctx context.Context, every time.Duration, fn func(context.Context)) {
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
}
